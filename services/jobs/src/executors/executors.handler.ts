import { EXECUTOR_METADATA_KEYS, jobsEndpoints, serviceNames, type ExecutorSchema } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import type { NatsConnection } from '@nats-io/nats-core';
import { Svcm } from '@nats-io/services';
import type { z } from 'zod';

/** How long discovery collects `$SRV.INFO` answers. */
const DISCOVERY_WAIT_MS = 500;

/** Executor instances online now, from NATS Services API discovery (`$SRV.INFO.executor`). */
export async function listExecutors(nc: NatsConnection): Promise<z.input<typeof ExecutorSchema>[]> {
  const client = new Svcm(nc).client({ strategy: 'timer', maxWait: DISCOVERY_WAIT_MS });
  const found: z.input<typeof ExecutorSchema>[] = [];
  let answers;
  try {
    answers = await client.info(serviceNames.executor);
  } catch {
    return found;
  }
  for await (const info of answers) {
    const metadata = info.metadata ?? {};
    const fromEndpoints = info.endpoints.map((endpoint) => endpoint.name);
    const listed = metadata[EXECUTOR_METADATA_KEYS.handlers]?.split(',').filter((name) => name !== '') ?? [];
    found.push({
      instanceId: info.id,
      handlers: [...new Set([...fromEndpoints, ...listed])].sort(),
      version: info.version,
      host: metadata[EXECUTOR_METADATA_KEYS.host] ?? null,
      startedAt: metadata[EXECUTOR_METADATA_KEYS.startedAt] ?? null,
    });
  }
  return found.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}

export async function registerExecutorsHandler(host: ServiceHost, nc: NatsConnection): Promise<void> {
  await host.endpoint(jobsEndpoints.executors, () => listExecutors(nc));
}
