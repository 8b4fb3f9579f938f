import { baseConfigShape, loadConfig } from '@jobwire/service-kit';
import { z } from 'zod';

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
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}

/** How long a stop may take before the process is ended (the HTTP drain and the shutdown steps share one deadline); deploy/k8s grace periods are checked against it. */
export function shutdownDeadlineMs(config: GatewayConfig): number {
  return config.SHUTDOWN_TIMEOUT_MS;
}
