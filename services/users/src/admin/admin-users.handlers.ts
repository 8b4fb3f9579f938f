import { usersEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import { createUser, deleteUser, getUser, listUsers, lockUser, updateUser, type AdminUsersDeps } from './admin-users.service.js';

export async function registerAdminUsersHandlers(host: ServiceHost, deps: AdminUsersDeps): Promise<void> {
  await host.endpoint(usersEndpoints.adminCreate, (request, ctx) => createUser(deps, request, ctx));
  await host.endpoint(usersEndpoints.adminList, (request, ctx) => listUsers(deps, request, ctx));
  await host.endpoint(usersEndpoints.adminGet, ({ id }, ctx) => getUser(deps, id, ctx));
  await host.endpoint(usersEndpoints.adminUpdate, (request, ctx) => updateUser(deps, request, ctx));
  await host.endpoint(usersEndpoints.adminLock, (request, ctx) => lockUser(deps, request, ctx));
  await host.endpoint(usersEndpoints.adminDelete, ({ id }, ctx) => deleteUser(deps, id, ctx));
}
