import { jobsEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import { createJob, deleteJobs, runJobOnce, startJob, stopJob, updateJob, type JobCommandDeps } from './job.commands.js';
import { jobInfo, nextTriggerTimes, pageJobs, type JobQueryDeps } from './job.queries.js';

export async function registerJobHandlers(host: ServiceHost, deps: JobCommandDeps & JobQueryDeps): Promise<void> {
  await host.endpoint(jobsEndpoints.page, (query) => pageJobs(deps, query));
  await host.endpoint(jobsEndpoints.info, ({ id }) => jobInfo(deps, id));
  await host.endpoint(jobsEndpoints.create, (body, ctx) => createJob(deps, body, ctx.userId));
  await host.endpoint(jobsEndpoints.update, (body, ctx) => updateJob(deps, body, ctx.userId));
  await host.endpoint(jobsEndpoints.delete, (request) => deleteJobs(deps, request));
  await host.endpoint(jobsEndpoints.start, ({ id }, ctx) => startJob(deps, id, ctx.userId));
  await host.endpoint(jobsEndpoints.stop, ({ id }, ctx) => stopJob(deps, id, ctx.userId));
  await host.endpoint(jobsEndpoints.run, ({ id }, ctx) => runJobOnce(deps, id, ctx.userId));
  await host.endpoint(jobsEndpoints.nextTriggerTime, (query) => Promise.resolve(nextTriggerTimes(deps, query)));
}
