import { baseConfigShape, healthConfigShape, loadConfig } from '@jobwire/service-kit';
import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

/** The auth service's settings; the only reader of process.env in this service. */
export const authConfigSchema = z.object({
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
});

export type AuthConfig = z.output<typeof authConfigSchema>;

export function loadAuthConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): AuthConfig {
  return loadConfig(authConfigSchema, env);
}
