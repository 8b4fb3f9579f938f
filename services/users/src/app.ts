import { randomBytes } from 'node:crypto';
import { broadcastSubjects, serviceNames } from '@jobwire/contracts';
import { createIdGenerator, createLogger, createServiceRuntime, type Logger } from '@jobwire/service-kit';
import bcrypt from 'bcrypt';
import { registerAdminUsersHandlers } from './admin/admin-users.handlers.js';
import { createDirectoryCache } from './cache/directory.cache.js';
import { createUserCache } from './cache/user.cache.js';
import { clientModel } from './clients/client.model.js';
import { registerClientsHandlers } from './clients/clients.handlers.js';
import type { UsersConfig } from './config.js';
import { registerContextHandlers } from './context/context.handlers.js';
import { registerCredentialsHandler } from './credentials/credentials.handler.js';
import { registerCurrentUserHandler } from './current-user/current-user.handler.js';
import { loginFailureModel } from './lockout/login-failure.model.js';
import type { LockoutDeps } from './lockout/lockout.service.js';
import { registerLookupHandlers } from './lookup/lookup.handlers.js';
import { registrationModel } from './registration/registration.model.js';
import { registerRegistrationHandlers } from './registration/registration.handlers.js';
import { directoryModels } from './directory/directory.models.js';
import { seedAdmin } from './seed/admin.seed.js';
import { seedDemo } from './seed/demo.seed.js';
import { registerUnlockHandler } from './unlock/unlock.handler.js';
import { onUserWrite, userModel } from './user.model.js';
import { authTokenRevoker } from './passwords/token.revoker.js';

export interface UsersApp {
  start(): Promise<{ healthPort: number }>;
  stop(): Promise<void>;
}

export const USERS_VERSION = '0.1.0';

/** Composition root: the runtime (NATS, Mongo, probes), the models and the endpoints. */
export async function buildUsersApp(config: UsersConfig, options: { logger?: Logger } = {}): Promise<UsersApp> {
  const logger = options.logger ?? createLogger({ name: 'users', level: config.LOG_LEVEL });
  const runtime = await createServiceRuntime({ name: serviceNames.users, version: USERS_VERSION, config, logger });
  const mongo = runtime.mongo!;
  const { host, events } = runtime;
  const users = userModel(mongo);
  const failures = loginFailureModel(mongo);
  const clients = clientModel(mongo);
  const registrations = registrationModel(mongo);
  const directory = directoryModels(mongo);
  const userCache = createUserCache(users, { ttlMs: 30_000, maxEntries: 50_000 });
  const directoryCache = createDirectoryCache(directory, 60_000);
  // A write here clears this replica's cache at once and tells the other replicas.
  const stopListening = onUserWrite(mongo, () => {
    userCache.clear();
    if (!runtime.nc.isClosed() && !runtime.nc.isDraining()) runtime.nc.publish(broadcastSubjects.usersCacheInvalidate);
  });
  const invalidations = runtime.nc.subscribe(broadcastSubjects.usersCacheInvalidate, { callback: () => userCache.clear() });
  const ids = createIdGenerator(config.INSTANCE_ID);
  const lockout: LockoutDeps = {
    users,
    failures,
    policy: { maxFailures: config.LOCKOUT_MAX_FAILURES, windowMs: config.LOCKOUT_WINDOW_SECONDS * 1000, lockMs: config.LOCKOUT_SECONDS * 1000 },
  };

  return {
    async start() {
      await Promise.all([users.init(), failures.init(), clients.init(), registrations.init(), ...Object.values(directory).map((m: { init(): Promise<unknown> }) => m.init())]);
      await seedAdmin({ users, ids, bcryptCost: config.BCRYPT_COST, tenantId: config.DEFAULT_TENANT_ID, logger }, config.ADMIN_PASSWORD);
      if (config.SEED_DEMO) await seedDemo({ users, directory, ids, bcryptCost: config.BCRYPT_COST, tenantId: config.DEFAULT_TENANT_ID, logger }, config.DEMO_USER_PASSWORD);
      const dummyHash = await bcrypt.hash(randomBytes(16).toString('hex'), config.BCRYPT_COST);
      await registerCredentialsHandler(host, {
        ...lockout,
        dummyHash,
        onLocked: async (userId, lockedUntil) => {
          await events.publish('users.user.locked', { userId, lockedUntil: lockedUntil.toISOString() }, { subject: userId });
        },
      });
      await registerLookupHandlers(host, users, { ids, bcryptCost: config.BCRYPT_COST, tenantId: config.DEFAULT_TENANT_ID });
      await registerCurrentUserHandler(host, userCache, config.DEFAULT_TIMEZONE);
      await registerUnlockHandler(host, lockout, events);
      await registerContextHandlers(host, { users: userCache, directory: directoryCache, timeZone: config.DEFAULT_TIMEZONE });
      await registerClientsHandlers(host, { clients, users, bcryptCost: config.BCRYPT_COST, dummyHash });
      const revokeTokens = authTokenRevoker(runtime.nc, config.NATS_REQUEST_TIMEOUT_MS);
      await registerRegistrationHandlers(
        host,
        {
          nc: runtime.nc,
          users,
          registrations,
          lockout,
          events,
          ids,
          open: config.REGISTRATION_OPEN,
          bcryptCost: config.BCRYPT_COST,
          minPasswordLength: config.PASSWORD_MIN_LENGTH,
          tenantId: config.DEFAULT_TENANT_ID,
          timeZone: config.DEFAULT_TIMEZONE,
          requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
          revokeTokens,
        },
        { users, events, bcryptCost: config.BCRYPT_COST, minPasswordLength: config.PASSWORD_MIN_LENGTH, defaultPassword: config.DEFAULT_PASSWORD, revokeTokens },
      );
      await registerAdminUsersHandlers(host, { users, lockout, events, ids, bcryptCost: config.BCRYPT_COST, minPasswordLength: config.PASSWORD_MIN_LENGTH });
      return { healthPort: await runtime.startProbes() };
    },
    async stop() {
      stopListening();
      invalidations.unsubscribe();
      await runtime.stop();
    },
  };
}
