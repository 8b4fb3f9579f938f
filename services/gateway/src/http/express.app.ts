import { AppError, routes, type HttpMethod, type RouteDef } from '@jobwire/contracts';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { mountDocs } from '../docs/docs.routes.js';
import type { Responder } from './envelope.responder.js';
import { bindRoute, type RouteBindingDeps } from './route.binding.js';
import { requestIdMiddleware } from './request-id.middleware.js';
import { familyForPath } from './route-family.js';

export interface ExpressAppDeps extends RouteBindingDeps {
  bodyLimit: string;
  trustProxy: boolean;
  logger: Logger;
  responder: Responder;
  health: { healthz: RequestHandler; readyz: RequestHandler; metrics: RequestHandler };
  routes?: readonly RouteDef[];
}

/** The gateway's HTTP surface: every route of the contract plus docs and probes. */
export function createExpressApp(deps: ExpressAppDeps): Express {
  const app = express();
  app.set('trust proxy', deps.trustProxy);
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use(requestIdMiddleware);

  // Every path with its handler per method, and the 405 answer for the other methods.
  const allowed = new Map<string, Map<HttpMethod, RequestHandler>>();
  for (const route of deps.routes ?? routes) {
    const handler = bindRoute(route, deps);
    for (const path of route.paths) {
      const methods = allowed.get(path) ?? new Map<HttpMethod, RequestHandler>();
      methods.set(route.method, handler);
      allowed.set(path, methods);
    }
  }
  const refusals = new Map([...allowed].map(([path, methods]) => [path, methodNotAllowed(deps.responder, [...methods.keys()])] as const));

  // Only JSON objects/arrays and flat form bodies; `extended: false` builds no nested objects.
  const parseJson = express.json({ limit: deps.bodyLimit, strict: true });
  const parseForm = express.urlencoded({ limit: deps.bodyLimit, extended: false, parameterLimit: 100 });
  const withBody =
    (handler: RequestHandler): RequestHandler =>
    (req, res, next) => {
      parseJson(req, res, (jsonError?: unknown) => {
        if (jsonError !== undefined) return next(jsonError);
        parseForm(req, res, (formError?: unknown) => (formError === undefined ? handler(req, res, next) : next(formError)));
      });
    };

  // Most paths have no parameters: find them with one map lookup instead of walking the
  // router's ~150 layers. Other spellings (trailing slash, other case) and paths with
  // parameters go on to the router below.
  const staticPaths = new Map(
    [...allowed]
      .filter(([path]) => !path.includes(':'))
      .map(([path, methods]) => [path, new Map([...methods].map(([method, handler]) => [method, withBody(handler)] as const))] as const),
  );
  app.use((req, res, next) => {
    const methods = staticPaths.get(req.path);
    if (methods === undefined) {
      next();
      return;
    }
    const method = req.method.toLowerCase() as HttpMethod;
    const handler = methods.get(method) ?? (req.method === 'HEAD' ? methods.get('get') : undefined);
    if (handler === undefined) void refusals.get(req.path)?.(req, res, next);
    else void handler(req, res, next);
  });

  app.get('/healthz', deps.health.healthz);
  app.get('/readyz', deps.health.readyz);
  app.get('/metrics', deps.health.metrics);
  mountDocs(app);

  app.use(parseJson);
  app.use(parseForm);
  for (const [path, methods] of allowed) {
    for (const [method, handler] of methods) app[method](path, handler);
    app.all(path, refusals.get(path)!);
  }

  app.use(notFound(deps.responder));
  app.use(errorHandler(deps.responder, deps.logger));
  return app;
}

function methodNotAllowed(responder: Responder, methods: HttpMethod[]): RequestHandler {
  const allow = methods.map((m) => m.toUpperCase()).join(', ');
  return (req, res) => {
    res.setHeader('Allow', allow);
    responder.failure(res, new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here; use ${allow}.`), 405);
  };
}

function notFound(responder: Responder): RequestHandler {
  return (req, res) => {
    responder.failure(res, new AppError('ROUTE_NOT_FOUND', `No route for ${req.method} ${req.path}.`), 404);
  };
}

interface BodyParserError {
  type?: string;
  status?: number;
}

function errorHandler(responder: Responder, logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const family = familyForPath(req.path);
    res.locals.family = family;
    const parserError = (typeof error === 'object' && error !== null ? error : {}) as BodyParserError;
    switch (parserError.type) {
      case 'entity.parse.failed':
        responder.failure(res, new AppError('MALFORMED_JSON'));
        return;
      case 'entity.too.large':
        responder.failure(res, new AppError('PAYLOAD_TOO_LARGE'));
        return;
      case 'charset.unsupported':
      case 'encoding.unsupported':
        responder.failure(res, new AppError('UNSUPPORTED_MEDIA_TYPE'));
        return;
      default:
        break;
    }
    if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      responder.failure(res, new AppError('VALIDATION_FAILED', 'The request could not be read.'));
      return;
    }
    logger.error({ err: error, requestId: res.locals.requestId }, 'unexpected gateway error');
    responder.failure(res, new AppError('INTERNAL'));
  };
}
