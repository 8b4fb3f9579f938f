import { createHmac } from 'node:crypto';
import { kvBuckets, serviceNames } from '@jobwire/contracts';
import { createLogger, createServiceRuntime, type Logger } from '@jobwire/service-kit';
import { Kvm } from '@nats-io/kv';
import { registerCaptchaHandlers } from './captcha/captcha.handler.js';
import { CaptchaEntrySchema, type CaptchaDeps } from './captcha/captcha.service.js';
import type { AuthConfig } from './config.js';
import { singleUseStore } from './kv/single-use.store.js';
import { registerLoginHandlers } from './login/login.handlers.js';
import { registerLogoutHandler, registerRevokeUserHandler } from './logout/logout.handler.js';
import { registerOAuthHandlers } from './oauth/oauth.handlers.js';
import { AuthCodeSchema } from './oauth/oauth.service.js';
import { registerScanHandlers } from './scan/scan.handlers.js';
import type { ScanDeps } from './scan/scan.service.js';
import { registerSmsHandlers } from './sms/sms.handlers.js';
import { logSmsProvider, webhookSmsProvider, type SmsProvider } from './sms/sms.provider.js';
import type { SmsDeps } from './sms/sms.service.js';
import { createTokenIssuer, RefreshEntrySchema } from './tokens/token.issuer.js';
import { createWecomClient } from './wecom/wecom.client.js';
import { registerWecomLoginHandler } from './wecom/wecom-login.handler.js';

export interface AuthApp {
  start(): Promise<{ healthPort: number }>;
  stop(): Promise<void>;
}

export const AUTH_VERSION = '0.1.0';
const REFRESH_BUCKET = 'refresh';
const SMS_RATE_BUCKET = 'smsrate';
const DAY_MS = 86_400_000;

/** Composition root: the runtime (NATS, probes), the KV buckets auth owns, the endpoints. */
export async function buildAuthApp(config: AuthConfig, options: { logger?: Logger } = {}): Promise<AuthApp> {
  const logger = options.logger ?? createLogger({ name: 'auth', level: config.LOG_LEVEL });
  const runtime = await createServiceRuntime({ name: serviceNames.auth, version: AUTH_VERSION, config, logger });
  const { nc, host, events } = runtime;
  const kvm = new Kvm(nc);
  // One value per key, expiring after ttlMs, with JETSTREAM_REPLICAS copies.
  const bucket = (name: string, ttlMs: number) => kvm.create(name, { ttl: ttlMs, history: 1, replicas: config.JETSTREAM_REPLICAS });

  return {
    async start() {
      const [captchaKv, revokedKv, refreshKv, otpKv, smsRateKv, scanKv, authcodeKv] = await Promise.all([
        bucket(kvBuckets.captcha.name, config.CAPTCHA_TTL_SECONDS * 1000),
        bucket(kvBuckets.revoked.name, config.TOKEN_TTL_SECONDS * 1000),
        bucket(REFRESH_BUCKET, config.REFRESH_TTL_SECONDS * 1000),
        bucket(kvBuckets.otp.name, config.OTP_TTL_SECONDS * 1000),
        bucket(SMS_RATE_BUCKET, DAY_MS),
        bucket(kvBuckets.scan.name, kvBuckets.scan.ttlMs),
        bucket(kvBuckets.authcode.name, kvBuckets.authcode.ttlMs),
      ]);
      const captcha: CaptchaDeps = { store: singleUseStore(captchaKv, CaptchaEntrySchema), enabled: config.CAPTCHA_ENABLED, length: config.CAPTCHA_LENGTH };
      const tokens = createTokenIssuer({
        secret: config.JWT_SECRET,
        algorithm: config.JWT_ALGORITHM,
        accessTtlSeconds: config.TOKEN_TTL_SECONDS,
        refreshTtlSeconds: config.REFRESH_TTL_SECONDS,
        refreshStore: singleUseStore(refreshKv, RefreshEntrySchema),
        refreshKv,
        revokedKv,
      });
      const provider: SmsProvider =
        config.SMS_PROVIDER === 'webhook' && config.SMS_WEBHOOK_URL !== undefined
          ? webhookSmsProvider({ url: config.SMS_WEBHOOK_URL, timeoutMs: config.SMS_WEBHOOK_TIMEOUT_MS, retries: config.SMS_WEBHOOK_RETRIES, logger })
          : logSmsProvider(logger);
      const sms: SmsDeps = {
        nc,
        // A key of its own for code digests, derived so the token key itself is never reused.
        otp: { kv: otpKv, pepper: createHmac('sha256', config.JWT_SECRET).update('jobwire-otp-pepper').digest('hex'), maxAttempts: config.OTP_MAX_ATTEMPTS },
        provider,
        throttleKv: smsRateKv,
        perMobile: [
          { limit: 1, windowMs: config.SMS_MOBILE_INTERVAL_SECONDS * 1000 },
          { limit: config.SMS_MOBILE_DAILY_LIMIT, windowMs: DAY_MS },
        ],
        perClientIp: [{ limit: config.SMS_IP_HOURLY_LIMIT, windowMs: 3_600_000 }],
        requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
        logger,
      };
      const login = { nc, captcha, tokens, events, requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS };
      const scan: ScanDeps = { kv: scanKv, tokens };
      await registerCaptchaHandlers(host, captcha, sms, scan);
      await registerScanHandlers(host, scan);
      const wecom =
        config.WECOM_CORP_ID !== undefined && config.WECOM_SECRET !== undefined
          ? createWecomClient({ apiBase: config.WECOM_API_BASE, corpId: config.WECOM_CORP_ID, secret: config.WECOM_SECRET, timeoutMs: config.WECOM_TIMEOUT_MS, logger })
          : undefined;
      await registerWecomLoginHandler(host, login, wecom, config.WECOM_AUTO_CREATE);
      await registerOAuthHandlers(host, { nc, tokens, codes: singleUseStore(authcodeKv, AuthCodeSchema), requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS });
      await registerLoginHandlers(host, login);
      await registerSmsHandlers(host, sms, login);
      await registerLogoutHandler(host, revokedKv, events);
      await registerRevokeUserHandler(host, tokens, events);
      return { healthPort: await runtime.startProbes() };
    },
    stop: () => runtime.stop(),
  };
}
