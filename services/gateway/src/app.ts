import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  connectNats,
  createHealthHandlers,
  createLogger,
  createMetricsRegistry,
  createShutdownSequence,
  isNatsUp,
} from '@jobwire/service-kit';
import type { Logger } from 'pino';
import { startRevocationCache } from './auth/revocation.cache.js';
import { createTokenVerifier } from './auth/token.verifier.js';
import { rateLimitsOf, type GatewayConfig } from './config.js';
import { answerClientError } from './http/client-error.js';
import { createResponder } from './http/envelope.responder.js';
import { trackConnections, type ConnectionDrain } from './http/connection.drain.js';
import { createExpressApp } from './http/express.app.js';
import { createRateLimiter } from './http/rate.limiter.js';
import type { Presenter } from './http/route.binding.js';
import { createGatewayMetrics } from './metrics/gateway.metrics.js';
import { ibpsPresenters } from './ibps/ibps.presenters.js';
import { openJobPresenters } from './open-job/open-job.presenters.js';

export interface Gateway {
  /** Listens; resolves with the bound port. */
  start(): Promise<number>;
  stop(): Promise<void>;
}

const REVOCATIONS_READY_DEADLINE_MS = 5000;
/** Share of the shutdown deadline that in-flight HTTP answers may use. */
const IN_FLIGHT_SHARE = 0.7;
/** After SIGTERM the listener stays open this long, so connections the kernel already queued are answered. */
const DRAIN_ACCEPT_MS = 250;
/** A kept-alive socket quiet this long is closed during the stop. */
const DRAIN_IDLE_MS = 1000;

/** Composition root: NATS, the revocation watch, the Express app and its server. */
export async function buildGateway(config: GatewayConfig, options: { logger?: Logger } = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger({ name: 'gateway', level: config.LOG_LEVEL });
  const nc = await connectNats({ url: config.NATS_URL, name: `gateway-${config.INSTANCE_ID}`, logger });
  const revocations = await startRevocationCache(nc, { tokenTtlSeconds: config.TOKEN_TTL_SECONDS, replicas: config.JETSTREAM_REPLICAS, logger });
  const registry = createMetricsRegistry({ service: 'gateway' });
  const responder = createResponder(config.HTTP_STATUS_MODE, createGatewayMetrics(registry));
  const health = createHealthHandlers({
    checks: { nats: () => isNatsUp(nc), revocations: () => revocations.isReady() },
    registry,
  });
  const app = createExpressApp({
    nc,
    verifier: createTokenVerifier(config.JWT_SECRET, config.JWT_ALGORITHM),
    revocations,
    responder,
    requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
    logger,
    presenters: new Map<string, Presenter>([...openJobPresenters, ...ibpsPresenters]),
    limiter: await createRateLimiter(nc, rateLimitsOf(config), { replicas: config.JETSTREAM_REPLICAS, logger }),
    bodyLimit: config.BODY_LIMIT,
    trustProxy: config.TRUST_PROXY,
    health: { healthz: health.healthz, readyz: health.readyz, metrics: health.metrics },
  });

  let connections: ConnectionDrain | undefined;
  return {
    async start() {
      await revocations.ready(REVOCATIONS_READY_DEADLINE_MS);
      const listening = createServer(app);
      // Longer than common load balancers' idle timeouts, so they close first.
      listening.keepAliveTimeout = 65_000;
      listening.headersTimeout = 66_000;
      listening.on('clientError', answerClientError);
      connections = trackConnections(listening);
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(config.PORT, config.HOST, () => resolve());
      });
      const port = (listening.address() as AddressInfo).port;
      logger.info({ port }, 'gateway listening');
      return port;
    },
    async stop() {
      const shutdown = createShutdownSequence(logger);
      shutdown.add('stop taking requests and finish in-flight ones', async () => {
        // Answers still being written get most of the deadline; then their sockets are cut
        // so NATS can still be drained in time.
        await connections?.drain({ acceptMs: DRAIN_ACCEPT_MS, idleMs: DRAIN_IDLE_MS, cutMs: Math.floor(config.SHUTDOWN_TIMEOUT_MS * IN_FLIGHT_SHARE) });
      });
      shutdown.add('stop revocation watch', () => revocations.stop());
      shutdown.add('drain NATS', () => nc.drain());
      await shutdown.run(config.SHUTDOWN_TIMEOUT_MS);
    },
  };
}
