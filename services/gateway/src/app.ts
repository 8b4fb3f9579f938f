import { createServer, type Server } from 'node:http';
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
import type { GatewayConfig } from './config.js';
import { createResponder } from './http/envelope.responder.js';
import { createExpressApp } from './http/express.app.js';
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
const IDLE_SWEEP_MS = 50;

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
    bodyLimit: config.BODY_LIMIT,
    trustProxy: config.TRUST_PROXY,
    health: { healthz: health.healthz, readyz: health.readyz, metrics: health.metrics },
  });

  let server: Server | undefined;
  return {
    async start() {
      await revocations.ready(REVOCATIONS_READY_DEADLINE_MS);
      const listening = createServer(app);
      // Longer than common load balancers' idle timeouts, so they close first.
      listening.keepAliveTimeout = 65_000;
      listening.headersTimeout = 66_000;
      server = listening;
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
        if (server === undefined) return;
        const closing = server;
        // Answers still being written get most of the deadline; then their sockets are cut
        // so NATS can still be drained in time.
        const cutAfter = setTimeout(() => closing.closeAllConnections(), Math.floor(config.SHUTDOWN_TIMEOUT_MS * IN_FLIGHT_SHARE));
        // A keep-alive socket turns idle once its answer is written; close it then.
        const sweep = setInterval(() => closing.closeIdleConnections(), IDLE_SWEEP_MS);
        await new Promise<void>((resolve) => {
          closing.close(() => resolve());
          closing.closeIdleConnections();
        });
        clearTimeout(cutAfter);
        clearInterval(sweep);
      });
      shutdown.add('stop revocation watch', () => revocations.stop());
      shutdown.add('drain NATS', () => nc.drain());
      await shutdown.run(config.SHUTDOWN_TIMEOUT_MS);
    },
  };
}
