import type { Logger } from '@jobwire/service-kit';
import type { JobModel } from '../jobs/job.model.js';
import { createJob, startJob, type JobCommandDeps } from '../jobs/job.commands.js';

export const DEMO_JOB_NAME = 'demo: echo every 30 s';

/** npm start's demo job: the sample executor's `echo` handler every 30 seconds, started. Idempotent. */
export async function seedDemoJob(deps: JobCommandDeps & { jobs: JobModel }, logger: Logger): Promise<void> {
  const existing = await deps.jobs.findOne({ jobName: DEMO_JOB_NAME }, { _id: 1 }).lean();
  if (existing !== null) return;
  const { id } = await createJob(deps, { jobName: DEMO_JOB_NAME, handlerName: 'echo', cronExpression: '0/30 * * * * ?', params: '{"hello":"jobwire"}', timeoutSeconds: 30 }, undefined);
  await startJob(deps, id, undefined);
  logger.info({ jobId: id }, 'demo job seeded');
}
