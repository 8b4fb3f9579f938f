import { randomUUID } from 'node:crypto';
import { AppError, defineEndpoint, natsHeaders, type Subject } from '@jobwire/contracts';
import { headers as natsHeadersOf, type NatsConnection } from '@nats-io/nats-core';
import { Svcm } from '@nats-io/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testServers } from '../../../tests/harness/index.js';
import { connectNats, createLogger, createServiceHost, errorFromReply, requestEndpoint, type ServiceHost } from '../src/index.js';

const logger = createLogger({ name: 'service-host-test', level: 'silent' });

/** Subjects unique to this file, so parallel test files never answer each other. */
const base = `test.${randomUUID().slice(0, 8)}`;
const greet = defineEndpoint(
  `${base}.greet` as Subject,
  z.object({ name: z.string().min(1).max(20), delayMs: z.number().int().min(0).max(5000).optional() }),
  z.object({ greeting: z.string(), requestId: z.string(), userId: z.string().nullable(), host: z.string() }),
);
const failing = defineEndpoint(`${base}.fail` as Subject, z.object({ how: z.enum(['catalogue', 'bug', 'contract']) }), z.object({ ok: z.boolean() }));
const nobody = defineEndpoint(`${base}.nobody` as Subject, z.object({}), z.object({}));

describe('service host and endpoint client', () => {
  let nc: NatsConnection;
  let hostA: ServiceHost;
  let hostB: ServiceHost;
  const serviceName = `svc_${randomUUID().slice(0, 8)}`;

  const register = async (host: ServiceHost, label: string) => {
    await host.endpoint(greet, async (request, ctx) => {
      if (request.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, request.delayMs));
      return { greeting: `hello ${request.name}`, requestId: ctx.requestId, userId: ctx.userId ?? null, host: label };
    });
    await host.endpoint(failing, async (request) => {
      if (request.how === 'catalogue') throw new AppError('CONFLICT', 'That name is taken.', { details: [{ path: 'name', message: 'taken' }], retryAfterSeconds: 3 });
      if (request.how === 'bug') throw new Error('secret internal detail');
      return { ok: 'not a boolean' } as unknown as { ok: boolean };
    });
  };

  beforeAll(async () => {
    nc = await connectNats({ url: testServers().natsUrl, name: 'service-host-test', logger });
    hostA = createServiceHost(nc, { name: serviceName, version: '1.0.0', logger });
    hostB = createServiceHost(nc, { name: serviceName, version: '1.0.0', logger });
    await register(hostA, 'a');
    await register(hostB, 'b');
  });

  afterAll(async () => {
    await hostA?.stop();
    await hostB?.stop();
    await nc?.drain();
  });

  it('when a valid request arrives, then the handler answers with the headers in its context', async () => {
    const reply = await requestEndpoint(nc, greet, { name: 'ada' }, { headers: { [natsHeaders.requestId]: 'req-1', [natsHeaders.userId]: '42' } });
    expect(reply).toMatchObject({ greeting: 'hello ada', requestId: 'req-1', userId: '42' });
  });

  it('when replicas share the queue group, then each request is handled once and both replicas take work', async () => {
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => requestEndpoint(nc, greet, { name: `n${i}` })));
    expect(replies.map((r) => r.greeting)).toEqual(Array.from({ length: 40 }, (_, i) => `hello n${i}`));
    const hosts = new Set(replies.map((r) => r.host));
    expect(hosts).toEqual(new Set(['a', 'b']));
  });

  it('when the caller sends a request the contract rejects, then VALIDATION_FAILED names the field', async () => {
    await expect(requestEndpoint(nc, greet, { name: '' })).rejects.toMatchObject({ key: 'VALIDATION_FAILED' });
    // Bypass the client-side check: the service validates too.
    const reply = await nc.request(greet.subject, JSON.stringify({ name: { $gt: '' } }), { timeout: 2000 });
    const error = errorFromReply(reply);
    expect(error?.key).toBe('VALIDATION_FAILED');
    expect(error?.details.map((d) => d.path)).toContain('name');
    expect(reply.headers?.get('Nats-Service-Error-Code')).toBe('400');
  });

  it('when the body is not JSON, then VALIDATION_FAILED', async () => {
    const reply = await nc.request(greet.subject, '{broken', { timeout: 2000 });
    expect(errorFromReply(reply)?.key).toBe('VALIDATION_FAILED');
  });

  it('when a handler throws a catalogue error, then the caller gets the same key, message, details and retry hint', async () => {
    const error = await requestEndpoint(nc, failing, { how: 'catalogue' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ key: 'CONFLICT', message: 'That name is taken.', retryAfterSeconds: 3 });
    expect((error as AppError).details).toEqual([{ path: 'name', message: 'taken' }]);
  });

  it('when a handler has a bug, then the caller gets INTERNAL without the internal detail', async () => {
    const error = await requestEndpoint(nc, failing, { how: 'bug' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ key: 'INTERNAL' });
    expect((error as Error).message).not.toContain('secret');
  });

  it('when a handler breaks its response contract, then INTERNAL', async () => {
    await expect(requestEndpoint(nc, failing, { how: 'contract' })).rejects.toMatchObject({ key: 'INTERNAL' });
  });

  it('when nobody serves the subject, then SERVICE_UNAVAILABLE at once', async () => {
    const started = Date.now();
    await expect(requestEndpoint(nc, nobody, {}, { timeoutMs: 3000 })).rejects.toMatchObject({ key: 'SERVICE_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('when the service answers too late, then UPSTREAM_TIMEOUT', async () => {
    await expect(requestEndpoint(nc, greet, { name: 'slow', delayMs: 800 }, { timeoutMs: 200 })).rejects.toMatchObject({ key: 'UPSTREAM_TIMEOUT' });
  });

  it('registers with the Services API so $SRV discovery finds every replica', async () => {
    const client = new Svcm(nc).client();
    const found: string[] = [];
    for await (const info of await client.info(serviceName)) found.push(info.id);
    expect(found).toHaveLength(2);
    const stats = [];
    for await (const s of await client.stats(serviceName)) stats.push(s);
    const endpoints = stats.flatMap((s) => s.endpoints ?? []);
    expect(endpoints.some((e) => e.subject === greet.subject && e.queue_group === `q_${serviceName}`)).toBe(true);
  });

  it('when a host stops, then requests in flight still get their answer and new ones go to no one', async () => {
    const name = `stop_${randomUUID().slice(0, 8)}`;
    const endpoint = defineEndpoint(`${base}.${name}` as Subject, z.object({ delayMs: z.number() }), z.object({ done: z.boolean() }));
    const host = createServiceHost(nc, { name, version: '1.0.0', logger });
    await host.endpoint(endpoint, async (request) => {
      await new Promise((resolve) => setTimeout(resolve, request.delayMs));
      return { done: true };
    });
    await nc.flush();
    const pending = requestEndpoint(nc, endpoint, { delayMs: 400 }, { timeoutMs: 3000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(host.inFlight()).toBe(1);
    await host.stop();
    expect(host.inFlight()).toBe(0);
    await expect(pending).resolves.toEqual({ done: true });
    await expect(requestEndpoint(nc, endpoint, { delayMs: 0 }, { timeoutMs: 1000 })).rejects.toMatchObject({ key: 'SERVICE_UNAVAILABLE' });
  });

  it('keeps caller headers apart from error headers', async () => {
    const h = natsHeadersOf();
    h.set(natsHeaders.requestId, 'req-headers');
    const reply = await nc.request(failing.subject, JSON.stringify({ how: 'catalogue' }), { timeout: 2000, headers: h });
    expect(reply.headers?.get(natsHeaders.errorKey)).toBe('CONFLICT');
  });
});
