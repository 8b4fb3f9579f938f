/**
 * Starts the servers every integration test uses, once per test run: testcontainers'
 * MongoDB and NATS modules when a Docker engine answers, otherwise the nats-server and
 * FerretDB binaries built by scripts/ensure-servers.sh, on free ports, with data in a
 * temporary directory removed at the end. JOBWIRE_TEST_SERVERS=local|containers forces a kind.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFerretDb, startNatsServer, type RunningServer } from '@jobwire/devstack';
import type { TestProject } from 'vitest/node';

export type HarnessKind = 'local-binaries' | 'testcontainers';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
    mongoUrl: string;
    harnessKind: HarnessKind;
  }
}

interface Started {
  natsUrl: string;
  mongoUrl: string;
  stop(): Promise<void>;
}

async function dockerReachable(): Promise<boolean> {
  const forced = process.env.JOBWIRE_TEST_SERVERS;
  if (forced === 'local') return false;
  if (forced === 'containers') return true;
  if (process.env.DOCKER_HOST === undefined && !existsSync('/var/run/docker.sock')) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const probe = getContainerRuntimeClient().then(() => true);
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000).unref());
    return await Promise.race([probe, timeout]);
  } catch {
    return false;
  }
}

async function startContainers(): Promise<Started> {
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const { NatsContainer } = await import('@testcontainers/nats');
  const [mongo, nats] = await Promise.all([
    new MongoDBContainer('mongo:7').start(),
    new NatsContainer('nats:2.10').withJetStream().start(),
  ]);
  const natsOptions = nats.getConnectionOptions();
  const servers = Array.isArray(natsOptions.servers) ? natsOptions.servers[0] : natsOptions.servers;
  return {
    natsUrl: `nats://${String(servers)}`,
    // directConnection: the container is a one-member replica set reached by its mapped port.
    mongoUrl: mongo.getConnectionString().replace(/\/?(\?.*)?$/, ''),
    stop: async () => {
      await Promise.all([mongo.stop(), nats.stop()]);
    },
  };
}

async function startLocal(): Promise<Started> {
  const dir = await mkdtemp(join(tmpdir(), 'jobwire-test-'));
  const started: RunningServer[] = [];
  try {
    const [nats, ferret] = await Promise.all([startNatsServer({ storeDir: join(dir, 'nats') }), startFerretDb({ dir: join(dir, 'ferretdb') })]);
    started.push(nats, ferret);
    return {
      natsUrl: nats.url,
      mongoUrl: ferret.url,
      stop: async () => {
        await Promise.all(started.map((s) => s.stop()));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
    throw new Error(`the test harness could not start its servers: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const useContainers = await dockerReachable();
  const servers = useContainers ? await startContainers() : await startLocal();
  project.provide('natsUrl', servers.natsUrl);
  project.provide('mongoUrl', servers.mongoUrl);
  project.provide('harnessKind', useContainers ? 'testcontainers' : 'local-binaries');
  return () => servers.stop();
}
