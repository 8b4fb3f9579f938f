/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call -- rendered manifests are untyped YAML; the checks read their fields as they find them. */
/**
 * deploy/compose.yaml read as Docker Compose reads it (YAML merge keys, ${VAR} values)
 * and checked against the services' config modules. No Docker engine is needed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '@jobwire/devstack';
import { exitWithinMs } from '@jobwire/service-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVICE_CONFIGS as SERVICES } from './service-configs.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped YAML
type ComposeService = any;

/** What Compose substitutes for ${VAR}, ${VAR:-default} and ${VAR:?message}, given the variables the README says to set. */
function interpolate(value: string, given: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_whole, name: string, mode?: string, rest?: string) => {
    if (given[name] !== undefined) return given[name];
    if (mode === '-') return rest ?? '';
    throw new Error(`${name} must be set: ${rest ?? ''}`);
  });
}

const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)?.[1] ?? Number.NaN);

let compose: { services: Record<string, ComposeService> };

beforeAll(async () => {
  compose = parse(await readFile(join(repoRoot(), 'deploy', 'compose.yaml'), 'utf8'), { merge: true }) as typeof compose;
});

describe('deploy/compose.yaml', () => {
  it('runs MongoDB 7 as a replica set and NATS 2.10+ with JetStream, both pinned and health-checked', () => {
    const { mongo, nats } = compose.services;
    expect(mongo.image).toMatch(/^mongo:7\.\d+\.\d+$/);
    expect(mongo.command).toContain('--replSet');
    expect(mongo.healthcheck.test.join(' ')).toMatch(/rs\.initiate/);
    const [major, minor] = (/^nats:(\d+)\.(\d+)\.\d+/.exec(nats.image) ?? []).slice(1).map(Number);
    expect(major === 2 ? minor! >= 10 : major! > 2).toBe(true);
    expect(nats.command).toContain('--jetstream');
    expect(nats.healthcheck.test.join(' ')).toMatch(/js-enabled-only/);
  });

  it('starts each Jobwire service only after what it needs is healthy, and publishes only the gateway', () => {
    for (const name of Object.keys(SERVICES)) {
      const service = compose.services[name];
      const needs = Object.entries<{ condition: string }>(service.depends_on ?? {});
      expect(needs.length, name).toBeGreaterThan(0);
      for (const [dependency, { condition }] of needs) expect(condition, `${name} → ${dependency}`).toBe('service_healthy');
      if (name !== 'gateway') expect(service.ports, name).toBeUndefined();
      expect(service.read_only, name).toBe(true);
      expect(service.cap_drop, name).toEqual(['ALL']);
    }
    const needsMongo = (name: string) => Object.keys(compose.services[name].depends_on).includes('mongo');
    expect(['users', 'jobs'].every(needsMongo)).toBe(true);
    expect(compose.services.gateway.ports).toEqual(['${GATEWAY_PORT:-8080}:8080']);
  });

  it("sets only variables of each service's config schema; the values load, the image probes the right port, the grace period covers the shutdown deadline", () => {
    const given = { JWT_SECRET: 'x'.repeat(48), ADMIN_PASSWORD: 'a-demo-admin-password' };
    for (const [name, config] of Object.entries(SERVICES)) {
      const service = compose.services[name];
      const env = Object.fromEntries(Object.entries(service.environment as Record<string, string>).map(([key, value]) => [key, interpolate(value, given)]));
      expect(Object.keys(env).filter((variable) => !config.variables.has(variable)), name).toEqual([]);
      const { deadlineMs, probePort } = config.load(env);
      expect(service.build.args.SERVICE, name).toBe(name);
      expect(Number(service.build.args.PROBE_PORT), `${name} probe port`).toBe(probePort);
      expect(service.image, name).toMatch(new RegExp(`^jobwire/${name}:\\d+\\.\\d+\\.\\d+$`));
      expect(seconds(service.stop_grace_period), `${name} stop_grace_period`).toBeGreaterThanOrEqual(Math.ceil(exitWithinMs(deadlineMs) / 1000));
    }
    // The secrets have no defaults: Compose refuses to start without them.
    expect(() => interpolate(compose.services.auth.environment.JWT_SECRET, {})).toThrow(/JWT_SECRET must be set/);
  });
});
