import { randomUUID } from 'node:crypto';
import { CloudEventSchema, EVENTS_STREAM } from '@jobwire/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, testServers, uniqueDatabaseName } from '../../../tests/harness/index.js';
import {
  closeMongo,
  connectMongo,
  connectNats,
  createEventPublisher,
  createHealthHandlers,
  createLogger,
  createMetricsRegistry,
  isMongoUp,
  isNatsUp,
  startHealthServer,
} from '../src/index.js';

const logger = createLogger({ name: 'kit-test', level: 'silent' });

describe('event publisher', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connectNats({ url: testServers().natsUrl, name: 'events-test', logger });
  });
  afterAll(async () => {
    await nc?.drain();
  });

  it('creates the EVENTS stream when missing and leaves it alone after', async () => {
    const publisher = createEventPublisher(nc, { source: 'jobwire/test', logger });
    await publisher.ensureStream();
    await publisher.ensureStream();
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(EVENTS_STREAM);
    expect(info.config.subjects).toEqual(['events.>']);
    expect(info.config.duplicate_window).toBeGreaterThan(0);
  });

  it('publishes a CloudEvent with the event id as Nats-Msg-Id, so a retry is dropped as a duplicate', async () => {
    const publisher = createEventPublisher(nc, { source: 'jobwire/test', logger });
    await publisher.ensureStream();
    const id = randomUUID();
    const first = await publisher.publish('users.user.created', { userId: 'u1' }, { id, subject: 'u1', correlationId: 'req-9' });
    expect(first.duplicate).toBe(false);
    expect(CloudEventSchema.parse(first.event)).toMatchObject({ id, type: 'jobwire.users.user.created', source: 'jobwire/test', correlationid: 'req-9', subject: 'u1' });
    const retry = await publisher.publish('users.user.created', { userId: 'u1' }, { id });
    expect(retry.duplicate).toBe(true);
    expect(retry.sequence).toBe(first.sequence);

    const jsm = await jetstreamManager(nc);
    const stored = await jsm.streams.getMessage(EVENTS_STREAM, { seq: first.sequence });
    expect(stored?.subject).toBe('events.users.user.created');
    expect(stored?.header.get('Nats-Msg-Id')).toBe(id);
    expect(stored?.json<{ data: unknown }>().data).toEqual({ userId: 'u1' });
  });
});

describe('mongo connection and probes', () => {
  it('connects to the database, reports readiness and closes', async () => {
    const connection = await connectMongo({ url: databaseUrl(uniqueDatabaseName('kit')), logger });
    expect(isMongoUp(connection)).toBe(true);
    const pong = await connection.db?.admin().ping();
    expect(pong?.ok).toBe(1);
    await closeMongo(connection);
    expect(isMongoUp(connection)).toBe(false);
  });

  it('serves /healthz, /readyz (503 while a dependency is down) and /metrics', async () => {
    const nc = await connectNats({ url: testServers().natsUrl, name: 'probe-test', logger });
    let mongoUp = false;
    const registry = createMetricsRegistry({ service: 'probe-test' });
    const server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      logger,
      handlers: createHealthHandlers({ registry, checks: { nats: () => isNatsUp(nc), mongo: () => mongoUp } }),
    });
    const url = `http://127.0.0.1:${server.port}`;
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const notReady = await fetch(`${url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ checks: { nats: true, mongo: false } });
      mongoUp = true;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('process_cpu_user_seconds_total{service="probe-test"}');
      expect((await fetch(`${url}/nope`)).status).toBe(404);
      await nc.drain();
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
    } finally {
      await server.close();
    }
  });
});
