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

  app.get('/healthz', deps.health.healthz);
  app.get('/readyz', deps.health.readyz);
  app.get('/metrics', deps.health.metrics);
  mountDocs(app);

  // Only JSON objects/arrays and flat form bodies; `extended: false` builds no nested objects.
  app.use(express.json({ limit: deps.bodyLimit, strict: true }));
  app.use(express.urlencoded({ limit: deps.bodyLimit, extended: false, parameterLimit: 100 }));

  const allowed = new Map<string, Set<HttpMethod>>();
  for (const route of deps.routes ?? routes) {
    const handler = bindRoute(route, deps);
    for (const path of route.paths) {
      app[route.method](path, handler);
      const methods = allowed.get(path) ?? new Set<HttpMethod>();
      methods.add(route.method);
      allowed.set(path, methods);
    }
  }
  for (const [path, methods] of allowed) {
    app.all(path, methodNotAllowed(deps.responder, [...methods]));
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
