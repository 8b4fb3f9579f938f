import { type AppError, envelopeCode, errorCatalogue, failureEnvelope, okEnvelope, type Family } from '@jobwire/contracts';
import type { Response } from 'express';
import type { GatewayMetrics } from '../metrics/gateway.metrics.js';

export type StatusMode = 'envelope' | 'mirror';

export interface Responder {
  success(res: Response, data: unknown, variables?: Record<string, unknown>): void;
  failure(res: Response, error: AppError, httpStatusOverride?: number): void;
  /** Records an answer sent some other way (e.g. PNG bytes). */
  record(res: Response, code: number): void;
}

/** What the route binding stores on `res.locals` for the responder and the metrics. */
export interface RequestLocals {
  family: Family;
  routeId: string;
  startedAt: bigint;
  requestId: string;
}

export function locals(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}

/**
 * Writes the family's envelope. The Open-Job and IBPS front ends read errors only from
 * HTTP 200 bodies, so their routes answer 200 unless HTTP_STATUS_MODE=mirror; the admin
 * API always mirrors (DESIGN §3.3).
 */
export function createResponder(mode: StatusMode, metrics: GatewayMetrics): Responder {
  const record = (res: Response, code: number) => {
    const l = locals(res);
    const seconds = Number(process.hrtime.bigint() - l.startedAt) / 1e9;
    metrics.observe(l.family, l.routeId, code, seconds);
  };
  return {
    success(res, data, variables) {
      const { family } = locals(res);
      record(res, 200);
      res.status(200).json(okEnvelope(family, data, variables));
    },
    failure(res, error, httpStatusOverride) {
      const { family } = locals(res);
      const entry = errorCatalogue[error.key];
      const mirror = mode === 'mirror' || family === 'admin';
      const status = httpStatusOverride ?? (mirror ? entry.httpStatus : 200);
      if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.ceil(error.retryAfterSeconds)));
      record(res, envelopeCode(family, error.key));
      const cause = error.details.map((d) => `${d.path}: ${d.message}`).join('; ');
      res.status(status).json(
        failureEnvelope(family, {
          key: error.key,
          message: error.message,
          cause,
          request: res.req.path,
        }),
      );
    },
    record,
  };
}
