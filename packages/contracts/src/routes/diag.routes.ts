import { diagEndpoints, EchoRequestSchema } from '../endpoints/diag.endpoints.js';
import { defineRoute, type RouteDef } from '../http/route.js';

/**
 * Diagnostics under the admin API: one echo without a token (checks the path from the
 * gateway to a service over NATS) and one with a token (checks authentication too).
 */
export const diagRoutes: readonly RouteDef[] = [
  defineRoute({ id: 'diag.echo', family: 'admin', method: 'get', paths: ['/api/diag/echo'], summary: 'Echo over NATS: checks the gateway-to-service path', tags: ['Admin'], auth: 'none', endpoint: diagEndpoints.echo, query: EchoRequestSchema }),
  defineRoute({ id: 'diag.echoAuth', family: 'admin', method: 'get', paths: ['/api/diag/echo/auth'], summary: 'Echo over NATS with a token: checks authentication', tags: ['Admin'], auth: 'user', endpoint: diagEndpoints.echo, query: EchoRequestSchema }),
];
