import type { z } from 'zod';
import type { EndpointDef } from '../nats/endpoint.js';
import type { Family } from './envelopes.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/**
 * - none: no token needed;
 * - user: a valid token is required and its user is passed on as `x-user-id`;
 * - optional: a token is used when present and valid.
 * Admin rights are checked by the service that owns the data.
 */
export type RouteAuth = 'none' | 'user' | 'optional';

/** Routes whose calls the gateway counts, per client IP and per account, in shared windows. */
export type RateLimitGroup = 'login' | 'sms' | 'captcha';

export interface RateLimitRule {
  readonly group: RateLimitGroup;
  /** Input fields naming the account or mobile the call is about (the first present counts). */
  readonly account?: readonly string[];
  /** A call whose input `field` equals `equals` counts in `group` instead (a captcha sent by SMS). */
  readonly when?: { readonly field: string; readonly equals: string; readonly group: RateLimitGroup };
}

/**
 * How the gateway answers:
 * - json: the family's envelope around the endpoint's data;
 * - png: raw `image/png` bytes (the endpoint answers `{ png: base64 }`);
 * - pngDataUrl: the envelope around a `data:image/png;base64,…` URL.
 */
export type RouteReply = 'json' | 'png' | 'pngDataUrl';

/**
 * One HTTP route of DESIGN §3. The gateway validates `params`, `query` and `body`
 * with these schemas, merges them (params over body over query) into the endpoint's
 * request, sends it on the endpoint's subject and wraps the reply.
 */
export interface RouteDef {
  /** Stable operation id, also the OpenAPI operationId. */
  readonly id: string;
  readonly family: Family;
  readonly method: HttpMethod;
  /** Express paths (`:id` style). The first one is documented as the main path. */
  readonly paths: readonly string[];
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly auth: RouteAuth;
  readonly endpoint: EndpointDef;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** The `data` of a successful answer as the client sees it; defaults to the endpoint's response. */
  readonly data?: z.ZodType;
  readonly reply?: RouteReply;
  /** Query parameter names that carry the token on this route (besides the headers). */
  readonly tokenQuery?: readonly string[];
  /** Counted against the gateway's rate limits (429 with Retry-After over a limit). */
  readonly rateLimit?: RateLimitRule;
}

export function defineRoute(route: RouteDef): RouteDef {
  return route;
}
