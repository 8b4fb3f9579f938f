import { kvBuckets, serviceNames } from '@jobwire/contracts';
import {
  connectNats,
  createEventPublisher,
  createHealthHandlers,
  createLogger,
  createMetricsRegistry,
  createServiceHost,
  createShutdownSequence,
  isNatsUp,
  startHealthServer,
  type HealthServer,
  type Logger,
} from '@jobwire/service-kit';
import { Kvm } from '@nats-io/kv';
import { registerCaptchaHandlers } from './captcha/captcha.handler.js';
import { CaptchaEntrySchema, type CaptchaDeps } from './captcha/captcha.service.js';
import type { AuthConfig } from './config.js';
import { singleUseStore } from './kv/single-use.store.js';
import { registerLoginHandlers } from './login/login.handlers.js';
import { registerLogoutHandler } from './logout/logout.handler.js';
import { createTokenIssuer, RefreshEntrySchema } from './tokens/token.issuer.js';

export interface AuthApp {
  start(): Promise<{ healthPort: number }>;
  stop(): Promise<void>;
}

export const AUTH_VERSION = '0.1.0';
const REFRESH_BUCKET = 'refresh';

/** Composition root: NATS, the KV buckets auth owns, the endpoints, the probe listener. */
export async function buildAuthApp(config: AuthConfig, options: { logger?: Logger } = {}): Promise<AuthApp> {
  const logger = options.logger ?? createLogger({ name: 'auth', level: config.LOG_LEVEL });
  const nc = await connectNats({ url: config.NATS_URL, name: `auth-${config.INSTANCE_ID}`, logger });
  const registry = createMetricsRegistry({ service: 'auth' });
  const host = createServiceHost(nc, { name: serviceNames.auth, version: AUTH_VERSION, logger, registry });
  const events = createEventPublisher(nc, { source: 'jobwire/auth', logger });
  const kvm = new Kvm(nc);
  let health: HealthServer | undefined;
  let stopping = false;

  return {
    async start() {
      const [captchaKv, revokedKv, refreshKv] = await Promise.all([
        kvm.create(kvBuckets.captcha.name, { ttl: kvBuckets.captcha.ttlMs, history: 1 }),
        kvm.create(kvBuckets.revoked.name, { ttl: config.TOKEN_TTL_SECONDS * 1000, history: 1 }),
        kvm.create(REFRESH_BUCKET, { ttl: config.REFRESH_TTL_SECONDS * 1000, history: 1 }),
      ]);
      await events.ensureStream();
      const captcha: CaptchaDeps = { store: singleUseStore(captchaKv, CaptchaEntrySchema), enabled: config.CAPTCHA_ENABLED, length: config.CAPTCHA_LENGTH };
      const tokens = createTokenIssuer({
        secret: config.JWT_SECRET,
        algorithm: config.JWT_ALGORITHM,
        accessTtlSeconds: config.TOKEN_TTL_SECONDS,
        refreshTtlSeconds: config.REFRESH_TTL_SECONDS,
        refreshStore: singleUseStore(refreshKv, RefreshEntrySchema),
      });
      await registerCaptchaHandlers(host, captcha);
      await registerLoginHandlers(host, { nc, captcha, tokens, events, requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS });
      await registerLogoutHandler(host, revokedKv, events);
      health = await startHealthServer({
        port: config.HEALTH_PORT,
        host: config.HEALTH_HOST,
        logger,
        handlers: createHealthHandlers({ registry, checks: { nats: () => isNatsUp(nc) }, isStopping: () => stopping }),
      });
      logger.info({ healthPort: health.port, captchas: config.CAPTCHA_ENABLED }, 'auth service started');
      return { healthPort: health.port };
    },
    async stop() {
      stopping = true;
      const shutdown = createShutdownSequence(logger);
      shutdown.add('stop taking requests and finish in-flight ones', () => host.stop());
      shutdown.add('drain NATS', () => nc.drain());
      shutdown.add('close the probe listener', () => health?.close());
      await shutdown.run(config.SHUTDOWN_TIMEOUT_MS);
    },
  };
}
