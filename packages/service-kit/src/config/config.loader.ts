import { hostname } from 'node:os';
import { z } from 'zod';

/** A configuration problem: names every variable that is wrong and why. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly { variable: string; message: string }[];

  constructor(problems: readonly { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.problems = problems;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Settings every process has. Spread into a service's own schema. */
export const baseConfigShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  NATS_URL: z
    .string()
    .default('nats://127.0.0.1:4222')
    .refine((value) => value.split(',').every((url) => /^(nats|tls|wss?):\/\/[^\s]+$/.test(url.trim())), 'must be nats://host:port (comma-separated for a cluster)'),
  NATS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(5000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Copies of each JetStream stream and KV bucket a service creates: 1 on one server, 3 on a cluster. */
  JETSTREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _')
    .default(`${hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-${process.pid}`),
};

/** For services that own collections. */
export const mongoConfigShape = {
  MONGO_URL: z
    .string()
    .default('mongodb://127.0.0.1:27017/jobwire')
    .refine((value) => /^mongodb(\+srv)?:\/\/\S+$/.test(value), 'must be a mongodb:// or mongodb+srv:// URL'),
};

/** The probe listener (`/healthz`, `/readyz`, `/metrics`) of a service without its own HTTP server. */
export function healthConfigShape(defaultPort: number) {
  return {
    HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
    HEALTH_HOST: z.string().min(1).default('0.0.0.0'),
  };
}

/**
 * Validates the environment once. Empty values count as unset, so `PORT=` falls
 * back to the default instead of failing as a number.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv | Record<string, string | undefined>): z.output<S> {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) {
    refuseProductionPlaceholders(result.data, cleaned);
    return result.data;
  }
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.map(String).join('.') || '(environment)',
      message: issue.code === 'invalid_type' && cleaned[String(issue.path[0])] === undefined ? 'is required' : issue.message,
    })),
  );
}

/** Marks a value that deploy/ ships in place of a real secret. */
export const CONFIG_PLACEHOLDER = 'CHANGE_ME';

/**
 * In production a setting the service reads may not still hold the deployment
 * templates' placeholder: a shipped-as-is secret stops the process instead of
 * signing tokens with a published key.
 */
function refuseProductionPlaceholders(config: unknown, raw: Record<string, string>): void {
  if (typeof config !== 'object' || config === null || (config as { NODE_ENV?: unknown }).NODE_ENV !== 'production') return;
  const problems = Object.keys(config)
    .filter((variable) => raw[variable]?.includes(CONFIG_PLACEHOLDER) === true)
    .map((variable) => ({ variable, message: `still holds the ${CONFIG_PLACEHOLDER} placeholder; set a real value` }));
  if (problems.length > 0) throw new ConfigError(problems);
}

/** Runs the config loader; on a ConfigError prints it and exits, so a wrong value stops the process. */
export function exitOnConfigError<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
