import {
  AppError,
  natsHeaders,
  parseOrThrow,
  type RouteDef,
  type TokenClaims,
} from '@jobwire/contracts';
import { requestEndpoint } from '@jobwire/service-kit';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { extractToken } from '../auth/token.extractor.js';
import type { RevocationCache } from '../auth/revocation.cache.js';
import type { TokenVerifier } from '../auth/token.verifier.js';
import { locals, type Responder } from './envelope.responder.js';
import { formCoercer } from './form.coercion.js';
import type { RateLimiter } from './rate.limiter.js';

/** Turns an endpoint's result into the `data` the client sees, for routes that differ. */
export type Presenter = (result: unknown, res: Response) => unknown;

export interface RouteBindingDeps {
  nc: NatsConnection;
  verifier: TokenVerifier;
  revocations: RevocationCache;
  responder: Responder;
  requestTimeoutMs: number;
  logger: Logger;
  presenters: ReadonlyMap<string, Presenter>;
  limiter: RateLimiter;
}

/** Validates, authenticates, forwards over NATS and answers in the family's envelope. */
export function bindRoute(route: RouteDef, deps: RouteBindingDeps): RequestHandler {
  const { nc, responder } = deps;
  const presenter = deps.presenters.get(route.id);
  return async (req, res) => {
    const l = locals(res);
    l.family = route.family;
    l.routeId = route.id;
    try {
      const claims = authenticate(route, req, deps);
      const payload = readInput(route, req);
      await deps.limiter.check(route, req.ip, payload);
      const headers: Record<string, string> = { [natsHeaders.requestId]: l.requestId };
      if (req.ip !== undefined) headers[natsHeaders.clientIp] = req.ip;
      if (claims !== undefined) {
        headers[natsHeaders.userId] = claims.sub;
        headers[natsHeaders.tokenId] = claims.jti;
        headers[natsHeaders.tokenExpiresAt] = String(claims.exp);
        if (claims.tenant != null) headers[natsHeaders.tenantId] = claims.tenant;
        if (claims.cid !== undefined) headers[natsHeaders.oauthClientId] = claims.cid;
      }
      const result = await requestEndpoint(nc, route.endpoint, payload, { headers, timeoutMs: deps.requestTimeoutMs });
      reply(route, result, res, responder, presenter);
    } catch (error) {
      if (error instanceof AppError) {
        responder.failure(res, error);
        return;
      }
      deps.logger.error({ err: error, requestId: l.requestId, route: route.id }, 'unexpected gateway failure');
      responder.failure(res, new AppError('INTERNAL'));
    }
  };
}

function authenticate(route: RouteDef, req: Request, deps: RouteBindingDeps): TokenClaims | undefined {
  if (route.auth === 'none') return undefined;
  const token = extractToken(req, route.tokenQuery);
  if (token === undefined) {
    if (route.auth === 'user') throw new AppError('AUTH_TOKEN_MISSING');
    return undefined;
  }
  try {
    const claims = deps.verifier.verify(token);
    if (deps.revocations.isRevoked(claims)) throw new AppError('AUTH_TOKEN_REVOKED');
    return claims;
  } catch (error) {
    if (route.auth === 'optional') return undefined;
    throw error;
  }
}

const formCoercers = new WeakMap<NonNullable<RouteDef['body']>, (form: Record<string, unknown>) => Record<string, unknown>>();

/** The body as the schema takes it: a form's text fields read as their types. */
function bodyOf(schema: NonNullable<RouteDef['body']>, req: Request): unknown {
  const raw: unknown = req.body === undefined ? {} : req.body;
  if (req.is('application/x-www-form-urlencoded') !== 'application/x-www-form-urlencoded' || typeof raw !== 'object' || raw === null) return raw;
  let coerce = formCoercers.get(schema);
  if (coerce === undefined) {
    coerce = formCoercer(schema);
    formCoercers.set(schema, coerce);
  }
  return coerce(raw as Record<string, unknown>);
}

/** Params over body over query: the path names the resource, the body carries the change. */
function readInput(route: RouteDef, req: Request): Record<string, unknown> {
  const query: Record<string, unknown> = route.query === undefined ? {} : parseOrThrow(route.query, req.query, 'query');
  let body: Record<string, unknown> = {};
  if (route.body !== undefined) {
    const raw: unknown = bodyOf(route.body, req);
    const parsed: unknown = parseOrThrow(route.body, raw, 'body');
    body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
  }
  const params: Record<string, unknown> = route.params === undefined ? {} : parseOrThrow(route.params, req.params, 'path');
  return { ...query, ...body, ...params };
}

function reply(route: RouteDef, result: unknown, res: Response, responder: Responder, presenter: Presenter | undefined): void {
  const png = pngOf(result);
  if (route.reply === 'png' && png !== undefined) {
    responder.record(res, 200);
    res.status(200).type('image/png').setHeader('Cache-Control', 'no-store');
    res.end(Buffer.from(png, 'base64'));
    return;
  }
  if (route.reply === 'pngDataUrl' && png !== undefined) {
    const requestId = (result as { requestId?: unknown }).requestId;
    responder.success(res, `data:image/png;base64,${png}`, typeof requestId === 'string' ? { requestId } : {});
    return;
  }
  responder.success(res, presenter === undefined ? result : presenter(result, res));
}

function pngOf(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const png = (result as { png?: unknown }).png;
  return typeof png === 'string' ? png : undefined;
}
