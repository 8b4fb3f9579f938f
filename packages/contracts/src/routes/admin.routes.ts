import { z } from 'zod';
import { usersEndpoints } from '../endpoints/users.endpoints.js';
import { AdminLockBodySchema, AdminUserCreateBodySchema, AdminUserIdParamsSchema, AdminUserListQuerySchema, AdminUserUpdateBodySchema, ClientCreateBodySchema, ClientIdParamsSchema } from '../schemas/users.schema.js';
import { defineRoute, type RouteDef } from '../http/route.js';

/** The admin API (`/api/*`): always mirrors the HTTP status. Diagnostics live in diag.routes.ts. */
export const adminRoutes: readonly RouteDef[] = [
  defineRoute({ id: 'admin.clients.create', family: 'admin', method: 'post', paths: ['/api/clients'], summary: 'Register a third-party OAuth client (administrators); the secret is shown once', tags: ['Admin'], auth: 'user', endpoint: usersEndpoints.clientCreate, body: ClientCreateBodySchema }),
  defineRoute({ id: 'admin.clients.list', family: 'admin', method: 'get', paths: ['/api/clients'], summary: 'Registered third-party OAuth clients (administrators)', tags: ['Admin'], auth: 'user', endpoint: usersEndpoints.clientList }),
  defineRoute({ id: 'admin.clients.delete', family: 'admin', method: 'delete', paths: ['/api/clients/:clientId'], summary: 'Remove a third-party OAuth client (administrators)', tags: ['Admin'], auth: 'user', endpoint: usersEndpoints.clientDelete, params: ClientIdParamsSchema }),
  defineRoute({ id: 'admin.users.create', family: 'admin', method: 'post', paths: ['/api/users'], summary: 'Create a user in your tenant (administrators)', tags: ['Admin'], auth: 'user', endpoint: usersEndpoints.adminCreate, body: AdminUserCreateBodySchema }),
  defineRoute({ id: 'admin.users.list', family: 'admin', method: 'get', paths: ['/api/users'], summary: 'Users of your tenant, filtered and paged (administrators)', tags: ['Admin'], auth: 'user', endpoint: usersEndpoints.adminList, query: AdminUserListQuerySchema }),
  defineRoute({ id: 'admin.users.get', family: 'admin', method: 'get', paths: ['/api/users/:id'], summary: 'One user (administrators)', tags: ['Admin'], auth: 'user', endpoint: usersEndpoints.adminGet, params: AdminUserIdParamsSchema }),
  defineRoute({ id: 'admin.users.update', family: 'admin', method: 'put', paths: ['/api/users/:id'], summary: 'Change a user: name, mobile, e-mail, org, roles, positions, status, WeCom id (administrators)', tags: ['Admin'], auth: 'user', endpoint: usersEndpoints.adminUpdate, params: AdminUserIdParamsSchema, body: AdminUserUpdateBodySchema }),
  defineRoute({ id: 'admin.users.lock', family: 'admin', method: 'post', paths: ['/api/users/:id/lock'], summary: 'Lock a user for some minutes (administrators)', tags: ['Admin'], auth: 'user', endpoint: usersEndpoints.adminLock, params: AdminUserIdParamsSchema, body: AdminLockBodySchema }),
  defineRoute({ id: 'admin.users.unlock', family: 'admin', method: 'post', paths: ['/api/users/:userId/unlock'], summary: 'Clear a lockout (administrators)', tags: ['Admin'], auth: 'user', endpoint: usersEndpoints.unlock, params: z.object({ userId: AdminUserIdParamsSchema.shape.id }), data: z.null() }),
  defineRoute({ id: 'admin.users.delete', family: 'admin', method: 'delete', paths: ['/api/users/:id'], summary: 'Delete a user (administrators)', tags: ['Admin'], auth: 'user', endpoint: usersEndpoints.adminDelete, params: AdminUserIdParamsSchema }),
];
