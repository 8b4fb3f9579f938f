import { baseConfigShape, healthConfigShape, loadConfig } from '@jobwire/service-kit';
import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

/** The auth service's settings; the only reader of process.env in this service. */
export const authConfigSchema = z
  .object({
  ...baseConfigShape,
  ...healthConfigShape(9101),
  JWT_SECRET: z
    .string({ error: 'is required (at least 32 bytes)' })
    .refine((s) => Buffer.byteLength(s, 'utf8') >= 32, 'must be at least 32 bytes'),
  JWT_ALGORITHM: z.enum(['HS256', 'HS384', 'HS512']).default('HS256'),
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(7200),
  REFRESH_TTL_SECONDS: z.coerce.number().int().min(300).max(90 * 86_400).default(7 * 86_400),
  CAPTCHA_ENABLED: booleanFlag.default(true),
  CAPTCHA_LENGTH: z.coerce.number().int().min(4).max(6).default(4),
  /** How long an image captcha stays valid (the `captcha` bucket TTL). */
  CAPTCHA_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  SMS_PROVIDER: z.enum(['log', 'webhook']).default('log'),
  SMS_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  SMS_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  SMS_WEBHOOK_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  SMS_MOBILE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  SMS_MOBILE_DAILY_LIMIT: z.coerce.number().int().min(1).max(1000).default(10),
  SMS_IP_HOURLY_LIMIT: z.coerce.number().int().min(1).max(100_000).default(30),
  OTP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** How long an SMS code stays valid (the `otp` bucket TTL). */
  OTP_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  WECOM_CORP_ID: z.string().min(1).max(64).optional(),
  WECOM_SECRET: z.string().min(1).max(256).optional(),
  WECOM_API_BASE: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://qyapi.weixin.qq.com/cgi-bin'),
  WECOM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** Create an account for a WeCom user with none, instead of refusing the login. */
  WECOM_AUTO_CREATE: booleanFlag.default(false),
  })
  .superRefine((config, ctx) => {
    if (config.SMS_PROVIDER === 'log' && config.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['SMS_PROVIDER'], message: 'log writes codes to the log and is refused in production; use webhook' });
    }
    if ((config.WECOM_CORP_ID === undefined) !== (config.WECOM_SECRET === undefined)) {
      ctx.addIssue({ code: 'custom', path: [config.WECOM_CORP_ID === undefined ? 'WECOM_CORP_ID' : 'WECOM_SECRET'], message: 'WECOM_CORP_ID and WECOM_SECRET go together' });
    }
    if (config.SMS_PROVIDER === 'webhook' && config.SMS_WEBHOOK_URL === undefined) {
      ctx.addIssue({ code: 'custom', path: ['SMS_WEBHOOK_URL'], message: 'is required when SMS_PROVIDER is webhook' });
    }
  });

export type AuthConfig = z.output<typeof authConfigSchema>;

export function loadAuthConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): AuthConfig {
  return loadConfig(authConfigSchema, env);
}

/** How long a stop may take before the process is ended (the shutdown steps share one deadline); deploy/k8s grace periods are checked against it. */
export function shutdownDeadlineMs(config: AuthConfig): number {
  return config.SHUTDOWN_TIMEOUT_MS;
}
