import { jobsEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import { deleteRuns, pageRuns, runInfo, type RunQueryDeps } from './run.queries.js';

export async function registerRunHandlers(host: ServiceHost, deps: RunQueryDeps): Promise<void> {
  await host.endpoint(jobsEndpoints.runPage, (query) => pageRuns(deps, query));
  await host.endpoint(jobsEndpoints.runInfo, ({ id }) => runInfo(deps, id));
  await host.endpoint(jobsEndpoints.runDelete, (request) => deleteRuns(deps, request));
}
