import { diagEndpoints, EchoRequestSchema } from '../endpoints/diag.endpoints.js';
import { usersEndpoints } from '../endpoints/users.endpoints.js';
import { ClientCreateBodySchema } from '../schemas/users.schema.js';
import { defineRoute, type RouteDef } from '../http/route.js';

/** The admin API (`/api/*`): always mirrors the HTTP status. */
export const adminRoutes: readonly RouteDef[] = [
  defineRoute({ id: 'diag.echo', family: 'admin', method: 'get', paths: ['/api/diag/echo'], summary: 'Echo over NATS: checks the gateway-to-service path', tags: ['Admin'], auth: 'none', endpoint: diagEndpoints.echo, query: EchoRequestSchema }),
  defineRoute({ id: 'admin.clients.create', family: 'admin', method: 'post', paths: ['/api/clients'], summary: 'Register a third-party OAuth client (administrators); the secret is shown once', tags: ['Admin'], auth: 'user', endpoint: usersEndpoints.clientCreate, body: ClientCreateBodySchema }),
  defineRoute({ id: 'admin.clients.list', family: 'admin', method: 'get', paths: ['/api/clients'], summary: 'Registered third-party OAuth clients (administrators)', tags: ['Admin'], auth: 'user', endpoint: usersEndpoints.clientList }),
  defineRoute({ id: 'diag.echoAuth', family: 'admin', method: 'get', paths: ['/api/diag/echo/auth'], summary: 'Echo over NATS with a token: checks authentication', tags: ['Admin'], auth: 'user', endpoint: diagEndpoints.echo, query: EchoRequestSchema }),
];
