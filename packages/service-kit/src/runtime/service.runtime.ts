import { diagEndpoints } from '@jobwire/contracts';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createEventPublisher, type EventPublisher } from '../events/event.publisher.js';
import { createHealthHandlers, startHealthServer, type HealthCheck, type HealthServer } from '../health/health.handlers.js';
import { createMetricsRegistry } from '../health/metrics.registry.js';
import { createShutdownSequence } from '../lifecycle/shutdown.sequence.js';
import { closeMongo, connectMongo, isMongoUp } from '../mongo/mongo.connection.js';
import { connectNats, isNatsUp, type NatsConnection } from '../nats/nats.connection.js';
import { createServiceHost, type ServiceHost } from '../nats/service.host.js';

/** The settings a runtime reads: the base, probe and (optionally) Mongo shapes. */
export interface RuntimeConfig {
  NATS_URL: string;
  INSTANCE_ID: string;
  HEALTH_PORT: number;
  HEALTH_HOST: string;
  SHUTDOWN_TIMEOUT_MS: number;
  JETSTREAM_REPLICAS?: number;
  MONGO_URL?: string;
}

/** What every NATS service process has: connections, endpoints, events, metrics, probes. */
export interface ServiceRuntime {
  nc: NatsConnection;
  /** Present when the service owns collections (MONGO_URL given). */
  mongo: Connection | undefined;
  logger: Logger;
  registry: Registry;
  host: ServiceHost;
  events: EventPublisher;
  /** Creates the EVENTS stream if needed and opens `/healthz`, `/readyz`, `/metrics`; answers the probe port. */
  startProbes(extraChecks?: Record<string, HealthCheck>): Promise<number>;
  /** Stops taking requests, finishes in-flight ones, drains NATS, closes Mongo, closes the probes. */
  stop(): Promise<void>;
}

export async function createServiceRuntime(options: { name: string; version: string; config: RuntimeConfig; logger: Logger }): Promise<ServiceRuntime> {
  const { config, logger, name } = options;
  const nc = await connectNats({ url: config.NATS_URL, name: `${name}-${config.INSTANCE_ID}`, logger });
  const mongo = config.MONGO_URL === undefined ? undefined : await connectMongo({ url: config.MONGO_URL, logger });
  const registry = createMetricsRegistry({ service: name });
  const host = createServiceHost(nc, { name, version: options.version, logger, registry });
  const events = createEventPublisher(nc, { source: `jobwire/${name}`, logger, ...(config.JETSTREAM_REPLICAS === undefined ? {} : { replicas: config.JETSTREAM_REPLICAS }) });
  let probes: HealthServer | undefined;
  let stopping = false;

  return {
    nc,
    mongo,
    logger,
    registry,
    host,
    events,
    async startProbes(extraChecks = {}) {
      await events.ensureStream();
      // Every service answers the gateway's diagnostic echo (any one of them, as a queue group).
      await host.endpoint(diagEndpoints.echo, (request) => Promise.resolve({ message: request.message ?? '', at: new Date().toISOString() }));
      const checks: Record<string, HealthCheck> = { nats: () => isNatsUp(nc), ...extraChecks };
      if (mongo !== undefined) checks.mongo = () => isMongoUp(mongo);
      probes = await startHealthServer({
        port: config.HEALTH_PORT,
        host: config.HEALTH_HOST,
        logger,
        handlers: createHealthHandlers({ registry, checks, isStopping: () => stopping }),
      });
      logger.info({ healthPort: probes.port }, `${name} service started`);
      return probes.port;
    },
    async stop() {
      stopping = true;
      const shutdown = createShutdownSequence(logger);
      shutdown.add('stop taking requests and finish in-flight ones', () => host.stop());
      shutdown.add('drain NATS', () => nc.drain());
      if (mongo !== undefined) shutdown.add('close Mongo', () => closeMongo(mongo));
      shutdown.add('close the probe listener', () => probes?.close());
      await shutdown.run(config.SHUTDOWN_TIMEOUT_MS);
    },
  };
}
