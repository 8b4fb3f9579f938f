import { randomBytes } from 'node:crypto';
import { serviceNames } from '@jobwire/contracts';
import {
  closeMongo,
  connectMongo,
  connectNats,
  createEventPublisher,
  createHealthHandlers,
  createIdGenerator,
  createLogger,
  createMetricsRegistry,
  createServiceHost,
  createShutdownSequence,
  isMongoUp,
  isNatsUp,
  startHealthServer,
  type HealthServer,
  type Logger,
} from '@jobwire/service-kit';
import bcrypt from 'bcrypt';
import type { UsersConfig } from './config.js';
import { clientModel } from './clients/client.model.js';
import { registerClientsHandlers } from './clients/clients.handlers.js';
import { registerContextHandlers } from './context/context.handlers.js';
import { registerCredentialsHandler } from './credentials/credentials.handler.js';
import { registerCurrentUserHandler } from './current-user/current-user.handler.js';
import { loginFailureModel } from './lockout/login-failure.model.js';
import type { LockoutDeps } from './lockout/lockout.service.js';
import { registerLookupHandlers } from './lookup/lookup.handlers.js';
import { seedAdmin } from './seed/admin.seed.js';
import { registerUnlockHandler } from './unlock/unlock.handler.js';
import { userModel } from './user.model.js';

export interface UsersApp {
  start(): Promise<{ healthPort: number }>;
  stop(): Promise<void>;
}

export const USERS_VERSION = '0.1.0';

/** Composition root: NATS, Mongo, the endpoints, the probe listener. */
export async function buildUsersApp(config: UsersConfig, options: { logger?: Logger } = {}): Promise<UsersApp> {
  const logger = options.logger ?? createLogger({ name: 'users', level: config.LOG_LEVEL });
  const nc = await connectNats({ url: config.NATS_URL, name: `users-${config.INSTANCE_ID}`, logger });
  const mongo = await connectMongo({ url: config.MONGO_URL, logger });
  const users = userModel(mongo);
  const failures = loginFailureModel(mongo);
  const clients = clientModel(mongo);
  const registry = createMetricsRegistry({ service: 'users' });
  const host = createServiceHost(nc, { name: serviceNames.users, version: USERS_VERSION, logger, registry });
  const events = createEventPublisher(nc, { source: 'jobwire/users', logger });
  const ids = createIdGenerator(config.INSTANCE_ID);
  const lockout: LockoutDeps = {
    users,
    failures,
    policy: { maxFailures: config.LOCKOUT_MAX_FAILURES, windowMs: config.LOCKOUT_WINDOW_SECONDS * 1000, lockMs: config.LOCKOUT_SECONDS * 1000 },
  };
  let health: HealthServer | undefined;
  let stopping = false;

  return {
    async start() {
      await Promise.all([users.init(), failures.init(), clients.init()]);
      await events.ensureStream();
      await seedAdmin({ users, ids, bcryptCost: config.BCRYPT_COST, tenantId: config.DEFAULT_TENANT_ID, logger }, config.ADMIN_PASSWORD);
      const dummyHash = await bcrypt.hash(randomBytes(16).toString('hex'), config.BCRYPT_COST);
      await registerCredentialsHandler(host, {
        ...lockout,
        dummyHash,
        onLocked: async (userId, lockedUntil) => {
          await events.publish('users.user.locked', { userId, lockedUntil: lockedUntil.toISOString() }, { subject: userId });
        },
      });
      await registerLookupHandlers(host, users, { ids, bcryptCost: config.BCRYPT_COST, tenantId: config.DEFAULT_TENANT_ID });
      await registerCurrentUserHandler(host, users, config.DEFAULT_TIMEZONE);
      await registerUnlockHandler(host, lockout, events);
      await registerContextHandlers(host, users, config.DEFAULT_TIMEZONE);
      await registerClientsHandlers(host, { clients, users, bcryptCost: config.BCRYPT_COST, dummyHash });
      health = await startHealthServer({
        port: config.HEALTH_PORT,
        host: config.HEALTH_HOST,
        logger,
        handlers: createHealthHandlers({ registry, checks: { nats: () => isNatsUp(nc), mongo: () => isMongoUp(mongo) }, isStopping: () => stopping }),
      });
      logger.info({ healthPort: health.port }, 'users service started');
      return { healthPort: health.port };
    },
    async stop() {
      stopping = true;
      const shutdown = createShutdownSequence(logger);
      shutdown.add('stop taking requests and finish in-flight ones', () => host.stop());
      shutdown.add('drain NATS', () => nc.drain());
      shutdown.add('close Mongo', () => closeMongo(mongo));
      shutdown.add('close the probe listener', () => health?.close());
      await shutdown.run(config.SHUTDOWN_TIMEOUT_MS);
    },
  };
}
