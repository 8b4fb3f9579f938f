import { diagEndpoints, EchoRequestSchema } from '../endpoints/diag.endpoints.js';
import { defineRoute, type RouteDef } from '../http/route.js';

/** The admin API (`/api/*`): always mirrors the HTTP status. */
export const adminRoutes: readonly RouteDef[] = [
  defineRoute({ id: 'diag.echo', family: 'admin', method: 'get', paths: ['/api/diag/echo'], summary: 'Echo over NATS: checks the gateway-to-service path', tags: ['Admin'], auth: 'none', endpoint: diagEndpoints.echo, query: EchoRequestSchema }),
  defineRoute({ id: 'diag.echoAuth', family: 'admin', method: 'get', paths: ['/api/diag/echo/auth'], summary: 'Echo over NATS with a token: checks authentication', tags: ['Admin'], auth: 'user', endpoint: diagEndpoints.echo, query: EchoRequestSchema }),
];
