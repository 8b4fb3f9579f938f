import { usersEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import type { UserModel } from '../user.model.js';
import { contextFor, defaultContext } from './context.service.js';

export async function registerContextHandlers(host: ServiceHost, users: UserModel, timeZone: string): Promise<void> {
  await host.endpoint(usersEndpoints.contextGet, ({ username }, ctx) => contextFor(users, ctx.userId, username, new Date(), timeZone));
  await host.endpoint(usersEndpoints.contextDefault, ({ tenantId }, ctx) => defaultContext(users, ctx.userId, tenantId, new Date(), timeZone));
}
