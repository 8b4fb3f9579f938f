import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ibpsEnvelopeSchema, ibpsFailureSchema, openJobEnvelopeSchema, openJobFailureSchema } from '../http/envelopes.js';
import type { RouteDef } from '../http/route.js';
import { routes as allRoutes } from '../routes/index.js';

/** `/openJob/info/:id` → `/openJob/info/{id}`. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

const FAMILY_NOTE: Record<RouteDef['family'], string> = {
  openJob: 'Answers are HTTP 200 with `code` in the Open-Job envelope, also for errors (HTTP_STATUS_MODE=mirror changes that).',
  ibps: 'Answers are HTTP 200 with `state` in the IBPS envelope, also for errors (HTTP_STATUS_MODE=mirror changes that).',
  admin: 'The HTTP status follows the error class.',
};

function failureFor(route: RouteDef): z.ZodType {
  return route.family === 'ibps' ? ibpsFailureSchema : openJobFailureSchema;
}

/** What a 200 carries: the success envelope, or for Open-Job and IBPS also an error envelope. */
function envelopeFor(route: RouteDef): z.ZodType {
  const data = route.reply === 'png' ? z.literal(true) : (route.data ?? route.endpoint.response);
  const success =
    route.family === 'ibps'
      ? ibpsEnvelopeSchema(data).extend({ state: z.literal(200) })
      : openJobEnvelopeSchema(data).extend({ code: z.literal(200), success: z.literal(true) });
  return route.family === 'admin' ? success : z.union([success, failureFor(route)]);
}

/**
 * Error answers with an HTTP status of their own: every family for what the gateway
 * refuses before a route runs (a body that is not JSON, too large, headers too large),
 * the admin family (and the others with HTTP_STATUS_MODE=mirror) for every error.
 */
function errorResponses(route: RouteDef): Record<string, { description: string; content: Record<string, { schema: z.ZodType }>; headers?: Record<string, unknown> }> {
  const content = { 'application/json': { schema: failureFor(route) } };
  const statuses: Record<number, string> = {
    400: 'Invalid request: the message names the field and the reason',
    401: 'No valid token, or wrong credentials',
    403: 'Not allowed for this user',
    404: 'No such thing',
    413: 'Body too large',
    431: 'Headers too large',
    503: 'A service or the database is not reachable right now',
    504: 'A service did not answer in time',
  };
  if (route.rateLimit !== undefined) statuses[429] = 'Too many calls from this client or for this account; retry after Retry-After seconds';
  const answers: ReturnType<typeof errorResponses> = {};
  for (const [status, description] of Object.entries(statuses)) {
    answers[status] = {
      description,
      content,
      ...(status === '429' ? { headers: { 'Retry-After': { description: 'Seconds until the limit resets', schema: { type: 'integer' } } } } : {}),
    };
  }
  answers.default = { description: 'Any other error, in the same envelope', content };
  return answers;
}

function register(registry: OpenAPIRegistry, route: RouteDef, path: string, bearer: { name: string }): void {
  const content: Record<string, { schema: z.ZodType }> = { 'application/json': { schema: envelopeFor(route) } };
  if (route.reply === 'png') content['image/png'] = { schema: z.string().meta({ format: 'binary' }) };
  registry.registerPath({
    method: route.method,
    path: toOpenApiPath(path),
    operationId: route.paths.length === 1 ? route.id : `${route.id}.${route.paths.indexOf(path)}`,
    summary: route.summary,
    description: [route.description, FAMILY_NOTE[route.family]].filter(Boolean).join('\n\n'),
    tags: [...route.tags],
    ...(route.auth === 'none' ? {} : { security: route.auth === 'user' ? [{ [bearer.name]: [] }] : [{ [bearer.name]: [] }, {}] }),
    request: {
      ...(route.params === undefined ? {} : { params: route.params }),
      ...(route.query === undefined ? {} : { query: route.query }),
      ...(route.body === undefined
        ? {}
        : { body: { content: { 'application/json': { schema: route.body }, 'application/x-www-form-urlencoded': { schema: route.body } } } }),
    },
    responses: {
      200: { description: route.reply === 'png' ? 'PNG image, or the envelope (data true for an SMS code, or an error)' : 'The envelope', content },
      ...errorResponses(route),
    },
  });
}

/** The operation tags of each family; the family names are the groups. */
export const TAG_GROUPS = [
  { name: 'Open-Job', tags: ['Open-Job: login', 'Open-Job: jobs', 'Open-Job: runs'] },
  { name: 'IBPS', tags: ['IBPS: login', 'IBPS: users', 'IBPS: oauth'] },
  { name: 'Admin', tags: ['Admin'] },
] as const;

/** The OpenAPI 3.1 document of every route, generated from the contract schemas. */
export function buildOpenApiDocument(routes: readonly RouteDef[] = allRoutes): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Also accepted: the X-Authorization-access_token header, and on some routes the access_token / accessToken query parameter.',
  });
  for (const route of routes) {
    for (const path of route.paths) register(registry, route, path, bearer);
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Jobwire API',
      version: '0.1.0',
      description: 'One gateway for the Open-Job server API, the IBPS oauth2/v3 user API and the Jobwire admin API.',
    },
    tags: TAG_GROUPS.flatMap((group) => group.tags.map((name) => ({ name }))),
    // The three families as groups (Redoc reads x-tagGroups; other viewers show the tags flat).
    'x-tagGroups': TAG_GROUPS.map((group) => ({ name: group.name, tags: [...group.tags] })),
  });
}
