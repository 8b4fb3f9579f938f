import { baseConfigShape, healthConfigShape, loadConfig } from '@jobwire/service-kit';
import { z } from 'zod';

/** The sample executor's settings; the only reader of process.env in this service. */
export const executorConfigSchema = z.object({
  ...baseConfigShape,
  ...healthConfigShape(9104),
  /** Upper bound for the `http` handler's request, whatever the job asks. */
  HTTP_HANDLER_MAX_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** How long a stopping executor lets running handlers finish before aborting them. */
  STOP_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
});

export type ExecutorConfig = z.output<typeof executorConfigSchema>;

export function loadExecutorConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): ExecutorConfig {
  return loadConfig(executorConfigSchema, env);
}

/** How long a stop may take before the process is ended (running handlers get STOP_GRACE_MS, the shutdown steps their own deadline); deploy/k8s grace periods are checked against it. */
export function shutdownDeadlineMs(config: ExecutorConfig): number {
  return config.SHUTDOWN_TIMEOUT_MS + config.STOP_GRACE_MS;
}
