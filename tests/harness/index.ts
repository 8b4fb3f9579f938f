import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFerretDb, startNatsServer, type RunningServer } from '@jobwire/devstack';
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

export interface IsolatedServer {
  url: string;
  port: number;
  pid(): number;
  /** Stops the server (SIGTERM), waits `downMs`, starts it again on the same port and store. */
  restart(downMs?: number): Promise<void>;
  /** Stops the server until up(). */
  down(): Promise<void>;
  /** Starts a stopped server again on the same port and store. */
  up(): Promise<void>;
  stop(): Promise<void>;
}

/** A server of the test file's own on a port and data folder that outlive its restarts. */
async function isolated(prefix: string, start: (dir: string, port: number | undefined) => Promise<RunningServer>): Promise<IsolatedServer> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  let server = await start(dir, undefined);
  const { port, url } = server;
  return {
    url,
    port,
    pid: () => server.pid,
    async restart(downMs = 0) {
      await server.stop();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await start(dir, port);
    },
    down: () => server.stop(),
    async up() {
      server = await start(dir, port);
    },
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A nats-server of the test file's own, for tests that register real service endpoints:
 * test files run in parallel, and two files serving the same subject on one server would
 * answer each other's requests.
 */
export function startIsolatedNats(): Promise<IsolatedServer> {
  return isolated('jobwire-nats-', (dir, port) => startNatsServer({ storeDir: dir, ...(port === undefined ? {} : { port }) }));
}

/** A FerretDB of the test file's own, for tests that stop and restart the database. */
export function startIsolatedFerretDb(): Promise<IsolatedServer> {
  return isolated('jobwire-ferretdb-', (dir, port) => startFerretDb({ dir, ...(port === undefined ? {} : { port }) }));
}
