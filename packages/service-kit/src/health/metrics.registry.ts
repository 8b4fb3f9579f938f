import { collectDefaultMetrics, Registry } from 'prom-client';

/** A registry per process with the service label and Node's default metrics. */
export function createMetricsRegistry(options: { service: string }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
