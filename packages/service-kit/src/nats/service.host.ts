import { randomUUID } from 'node:crypto';
import {
  AppError,
  detailsToMessage,
  errorCatalogue,
  issuesToDetails,
  natsHeaders,
  queueGroup,
  toErrorPayload,
  type EndpointDef,
  type ErrorPayload,
} from '@jobwire/contracts';
import { headers as natsHeadersOf, type NatsConnection } from '@nats-io/nats-core';
import { Svcm, type Service, type ServiceMsg } from '@nats-io/services';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { z } from 'zod';
import { requestLogger } from '../logging/logger.js';
import { isStoreUnavailable } from '../mongo/mongo.connection.js';
import { decodeJson, encodeJson } from './wire.codec.js';

/** What a handler knows about the caller, from the message headers. */
export interface EndpointContext {
  readonly requestId: string;
  readonly userId: string | undefined;
  readonly tenantId: string | undefined;
  readonly tokenId: string | undefined;
  /** Epoch seconds at which the caller's token expires. */
  readonly tokenExpiresAt: number | undefined;
  readonly clientIp: string | undefined;
  /** The third-party client a client-credentials token was issued to. */
  readonly oauthClientId: string | undefined;
  readonly subject: string;
  /** A logger stamped with the request id. */
  readonly logger: Logger;
}

export type EndpointHandler<E extends EndpointDef> = (request: z.output<E['request']>, ctx: EndpointContext) => Promise<z.input<E['response']>>;

export interface ServiceHost {
  /** Registers a handler for the endpoint's subject in the service's queue group; resolves once the server has it. */
  endpoint<E extends EndpointDef>(endpoint: E, handler: EndpointHandler<E>): Promise<void>;
  /** Requests being handled right now. */
  inFlight(): number;
  /** Stops taking requests, then waits for the ones in flight. */
  stop(): Promise<void>;
}

export interface ServiceHostOptions {
  name: string;
  version: string;
  logger: Logger;
  description?: string;
  /** Counts requests and their outcome per endpoint when given. */
  registry?: Registry;
}

/**
 * One NATS Services API service per process kind. Every replica joins the queue group
 * `q_<name>`, so NATS spreads requests across replicas and `$SRV` discovery lists them.
 * Requests are validated with the contract before the handler runs; failures travel as
 * the Services API error headers plus the catalogue key and a JSON ErrorPayload.
 */
export function createServiceHost(nc: NatsConnection, options: ServiceHostOptions): ServiceHost {
  const { logger } = options;
  const servicePromise: Promise<Service> = new Svcm(nc).add({
    name: options.name,
    version: options.version,
    description: options.description ?? `jobwire ${options.name}`,
    queue: queueGroup(options.name),
  });
  const inFlight = new Set<Promise<void>>();
  // A handler that answers from its own cache returns the same object again: its bytes,
  // validated the first time, are sent again without validating and encoding anew.
  const encoded = new WeakMap<object, Uint8Array>();
  const metrics = options.registry === undefined ? undefined : endpointMetrics(options.registry);
  let stopping = false;

  return {
    async endpoint(endpoint, handler) {
      const service = await servicePromise;
      service.addEndpoint(endpointName(endpoint.subject), {
        subject: endpoint.subject,
        handler: (error, msg) => {
          if (error !== null) {
            logger.error({ err: error, subject: endpoint.subject }, 'endpoint subscription failed');
            return;
          }
          const work = handle(endpoint, handler, msg).finally(() => inFlight.delete(work));
          inFlight.add(work);
        },
      });
      // Ready means the server knows the subscription: a request sent right after this
      // resolves must not meet "no responders".
      await nc.flush();
    },
    inFlight: () => inFlight.size,
    async stop() {
      if (stopping) return;
      stopping = true;
      const service = await servicePromise;
      await service.stop();
      await Promise.allSettled([...inFlight]);
    },
  };

  async function handle<E extends EndpointDef>(endpoint: E, handler: EndpointHandler<E>, msg: ServiceMsg): Promise<void> {
    const started = process.hrtime.bigint();
    const ctx = contextOf(msg, endpoint.subject, logger);
    let outcome = 'ok';
    try {
      const raw = decodeJson(msg.data);
      const parsed = endpoint.request.safeParse(raw ?? {});
      if (!parsed.success) {
        const details = issuesToDetails(parsed.error.issues);
        throw new AppError('VALIDATION_FAILED', detailsToMessage(details), { details });
      }
      const result = await handler(parsed.data as z.output<E['request']>, ctx);
      const known = typeof result === 'object' && result !== null ? encoded.get(result) : undefined;
      if (known !== undefined) {
        msg.respond(known);
        return;
      }
      const checked = endpoint.response.safeParse(result);
      if (!checked.success) {
        throw new Error(`handler of ${endpoint.subject} broke its response contract: ${checked.error.message}`);
      }
      const bytes = encodeJson(checked.data);
      if (typeof result === 'object' && result !== null) encoded.set(result, bytes);
      msg.respond(bytes);
    } catch (error) {
      const appError =
        error instanceof AppError
          ? error
          : isStoreUnavailable(error)
            ? new AppError('SERVICE_UNAVAILABLE', 'The database is not reachable right now; retry shortly.', { cause: error })
            : new AppError('INTERNAL', undefined, { cause: error });
      outcome = appError.entry.httpStatus >= 500 ? 'server_error' : 'client_error';
      if (appError.key === 'INTERNAL') ctx.logger.error({ err: error, subject: endpoint.subject }, 'endpoint failed');
      else if (!(error instanceof AppError)) ctx.logger.warn({ err: error, subject: endpoint.subject }, 'database unreachable');
      respondError(msg, appError);
    } finally {
      metrics?.observe(endpoint.subject, outcome, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}

export function respondError(msg: ServiceMsg, error: AppError): void {
  const h = natsHeadersOf();
  h.set(natsHeaders.errorKey, error.key);
  const payload: ErrorPayload = toErrorPayload(error);
  // Header values cannot hold line breaks; the body keeps the full message.
  const description = error.message.replace(/[\r\n]+/g, ' ').slice(0, 512);
  msg.respondError(errorCatalogue[error.key].httpStatus, description, encodeJson(payload), { headers: h });
}

function contextOf(msg: ServiceMsg, subject: string, logger: Logger): EndpointContext {
  const get = (name: string): string | undefined => {
    const value = msg.headers?.get(name);
    return value === undefined || value === '' ? undefined : value;
  };
  const requestId = get(natsHeaders.requestId) ?? randomUUID();
  const userId = get(natsHeaders.userId);
  const exp = Number(get(natsHeaders.tokenExpiresAt));
  return {
    requestId,
    userId,
    tenantId: get(natsHeaders.tenantId),
    tokenId: get(natsHeaders.tokenId),
    tokenExpiresAt: Number.isInteger(exp) ? exp : undefined,
    clientIp: get(natsHeaders.clientIp),
    oauthClientId: get(natsHeaders.oauthClientId),
    subject,
    logger: requestLogger(logger, requestId, userId),
  };
}

/** Services API endpoint names allow letters, digits, `-` and `_`. */
function endpointName(subject: string): string {
  return subject.replace(/[^A-Za-z0-9_-]/g, '_');
}

function endpointMetrics(registry: Registry) {
  const requests = new Counter({
    name: 'nats_endpoint_requests_total',
    help: 'Requests handled, by endpoint subject and outcome',
    labelNames: ['subject', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'nats_endpoint_duration_seconds',
    help: 'Time to handle a request, by endpoint subject',
    labelNames: ['subject'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    observe(subject: string, outcome: string, seconds: number) {
      requests.inc({ subject, outcome });
      duration.observe({ subject }, seconds);
    },
  };
}
