import type { Family } from '@jobwire/contracts';
import { Counter, Histogram, type Registry } from 'prom-client';

export type CodeClass = '2xx' | '4xx' | '5xx';

/** Envelope codes by class: business codes (1000–1007, IBPS 2 and 60201xx) are client-class. */
export function codeClass(code: number): CodeClass {
  if (code === 200) return '2xx';
  if (code >= 500 && code < 600) return '5xx';
  return '4xx';
}

export interface GatewayMetrics {
  observe(family: Family, route: string, envelopeCode: number, seconds: number): void;
}

/**
 * Counts answers by the code inside the envelope, not the HTTP status: the families
 * answer failures as HTTP 200, and server-side failures must stay visible.
 */
export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const responses = new Counter({
    name: 'gateway_responses_total',
    help: 'Answers by family, route and envelope code class',
    labelNames: ['family', 'route', 'code_class'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gateway_request_duration_seconds',
    help: 'Time from request to answer, by route',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    observe(family, route, envelopeCode, seconds) {
      responses.inc({ family, route, code_class: codeClass(envelopeCode) });
      duration.observe({ route }, seconds);
    },
  };
}
