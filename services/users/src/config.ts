import { baseConfigShape, healthConfigShape, loadConfig, mongoConfigShape } from '@jobwire/service-kit';
import { z } from 'zod';

/** The users service's settings; the only reader of process.env in this service. */
export const usersConfigSchema = z
  .object({
    ...baseConfigShape,
    ...mongoConfigShape,
    ...healthConfigShape(9102),
    BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(10),
    /** The seeded `admin` account's first password; generated and printed when unset. */
    ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').max(64).optional(),
    LOCKOUT_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
    LOCKOUT_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
    LOCKOUT_SECONDS: z.coerce.number().int().min(10).max(30 * 86_400).default(1800),
    DEFAULT_TENANT_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('1'),
    DEFAULT_TIMEZONE: z.string().min(1).default('Asia/Shanghai'),
    REGISTRATION_OPEN: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
    /** What reset mode 2 restores; exempt from the policy, and the account must change it. */
    DEFAULT_PASSWORD: z.string().min(1).max(72).default('123456'),
    PASSWORD_MIN_LENGTH: z.coerce.number().int().min(6).max(64).default(8),
    /** npm start sets it: seed a demo tenant, organisation, roles, position and plain user. */
    SEED_DEMO: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
    DEMO_USER_PASSWORD: z.string().min(8).max(64).default('demo-user-pass'),
  })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV === 'production' && config.BCRYPT_COST < 10) {
      ctx.addIssue({ code: 'custom', path: ['BCRYPT_COST'], message: 'must be at least 10 in production' });
    }
  });

export type UsersConfig = z.output<typeof usersConfigSchema>;

export function loadUsersConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): UsersConfig {
  return loadConfig(usersConfigSchema, env);
}

/** How long a stop may take before the process is ended (the shutdown steps share one deadline); deploy/k8s grace periods are checked against it. */
export function shutdownDeadlineMs(config: UsersConfig): number {
  return config.SHUTDOWN_TIMEOUT_MS;
}
