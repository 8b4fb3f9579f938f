import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer } from '@jobwire/devstack';
import { inject } from 'vitest';
import type { HarnessKind } from './global-setup.js';

export interface TestServers {
  natsUrl: string;
  /** Without a database name: add one per test file with databaseUrl(). */
  mongoUrl: string;
  harnessKind: HarnessKind;
}

/** The servers the harness started for this run. */
export function testServers(): TestServers {
  return { natsUrl: inject('natsUrl'), mongoUrl: inject('mongoUrl'), harnessKind: inject('harnessKind') };
}

/** A database name of its own for a test file, so files never see each other's data. */
export function uniqueDatabaseName(prefix = 'test'): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 16);
  return `${clean}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export function databaseUrl(databaseName: string): string {
  const { mongoUrl } = testServers();
  const [base, query] = mongoUrl.split('?', 2) as [string, string | undefined];
  return `${base.replace(/\/$/, '')}/${databaseName}${query === undefined ? '' : `?${query}`}`;
}

/** Polls until `check` returns a value other than undefined, or fails after the deadline. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, deadlineMs = 5000, what = 'the condition'): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what} did not hold within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A nats-server of the test file's own, for tests that register real service endpoints:
 * test files run in parallel, and two files serving the same subject on one server would
 * answer each other's requests.
 */
export async function startIsolatedNats(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'jobwire-nats-'));
  const server = await startNatsServer({ storeDir: dir });
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
