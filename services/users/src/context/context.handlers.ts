import { usersEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import { contextFor, defaultContext, type ContextDeps } from './context.service.js';

export async function registerContextHandlers(host: ServiceHost, deps: ContextDeps): Promise<void> {
  await host.endpoint(usersEndpoints.contextGet, ({ username }, ctx) => contextFor(deps, ctx.userId, username, new Date()));
  await host.endpoint(usersEndpoints.contextDefault, ({ tenantId }, ctx) => defaultContext(deps, ctx.userId, tenantId, new Date()));
}
