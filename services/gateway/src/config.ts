import { baseConfigShape, loadConfig } from '@jobwire/service-kit';
import { z } from 'zod';
import type { RateLimits } from './http/rate.limiter.js';

function limit(byDefault: number) {
  return z.coerce.number().int().min(0).max(1_000_000).default(byDefault);
}

/** The gateway's settings; the only reader of process.env in this service. */
export const gatewayConfigSchema = z.object({
  ...baseConfigShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  JWT_SECRET: z
    .string({ error: 'is required (at least 32 bytes)' })
    .refine((s) => Buffer.byteLength(s, 'utf8') >= 32, 'must be at least 32 bytes'),
  JWT_ALGORITHM: z.enum(['HS256', 'HS384', 'HS512']).default('HS256'),
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 86400).default(7200),
  HTTP_STATUS_MODE: z.enum(['envelope', 'mirror']).default('envelope'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must look like 100kb or 1mb')
    .default('100kb'),
  TRUST_PROXY: z
    .enum(['true', 'false', '0', '1'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /**
   * Rate limits of the login, SMS and captcha routes: calls per window per client IP and
   * per account (or mobile), counted in a NATS KV bucket every gateway replica shares.
   * 0 turns a limit off. Over a limit: 429 with Retry-After (the window's end).
   */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  RATE_LIMIT_LOGIN_PER_IP: limit(60),
  RATE_LIMIT_LOGIN_PER_ACCOUNT: limit(30),
  RATE_LIMIT_SMS_PER_IP: limit(20),
  RATE_LIMIT_SMS_PER_ACCOUNT: limit(3),
  RATE_LIMIT_CAPTCHA_PER_IP: limit(120),
  RATE_LIMIT_CAPTCHA_PER_ACCOUNT: limit(0),
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}

/** How long a stop may take before the process is ended (the HTTP drain and the shutdown steps share one deadline); deploy/k8s grace periods are checked against it. */
export function shutdownDeadlineMs(config: GatewayConfig): number {
  return config.SHUTDOWN_TIMEOUT_MS;
}

/** The rate limits of the login, SMS and captcha routes as the limiter takes them. */
export function rateLimitsOf(config: GatewayConfig): RateLimits {
  return {
    windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
    perIp: { login: config.RATE_LIMIT_LOGIN_PER_IP, sms: config.RATE_LIMIT_SMS_PER_IP, captcha: config.RATE_LIMIT_CAPTCHA_PER_IP },
    perAccount: { login: config.RATE_LIMIT_LOGIN_PER_ACCOUNT, sms: config.RATE_LIMIT_SMS_PER_ACCOUNT, captcha: config.RATE_LIMIT_CAPTCHA_PER_ACCOUNT },
  };
}
