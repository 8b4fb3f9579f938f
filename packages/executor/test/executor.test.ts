import { execSubject } from '@jobwire/contracts';
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIsolatedNats } from '../../../tests/harness/index.js';
import { createExecutor } from '../src/index.js';

const logger = pino({ level: 'silent' });
let nats: Awaited<ReturnType<typeof startIsolatedNats>>;

beforeAll(async () => {
  nats = await startIsolatedNats();
});
afterAll(async () => {
  await nats.stop();
});

const request = (runId: string, deadlineInMs: number, params: string | null = null) =>
  JSON.stringify({ runId, jobId: 'j1', params, scheduledTime: new Date().toISOString(), attempt: 1, deadline: new Date(Date.now() + deadlineInMs).toISOString() });

describe('executor SDK on a real nats-server', () => {
  it('answers with the handler result, its error, or a refusal of a malformed request', async () => {
    const executor = createExecutor({ nats: { url: nats.url }, logger })
      .handle('sdk-ok', (ctx) => Promise.resolve({ got: ctx.paramsJson, attempt: ctx.attempt }))
      .handle('sdk-bad', () => Promise.reject(new Error('nope')));
    const { instanceId } = await executor.start();
    const nc = await connect({ servers: nats.url });
    const ok = (await nc.request(execSubject('sdk-ok'), request('r1', 5000, '{"a":1}'))).json<Record<string, unknown>>();
    expect(ok).toEqual({ status: 'succeeded', output: { got: { a: 1 }, attempt: 1 }, executor: instanceId });
    const bad = (await nc.request(execSubject('sdk-bad'), request('r2', 5000))).json<Record<string, unknown>>();
    expect(bad).toMatchObject({ status: 'failed', error: 'nope' });
    const malformed = (await nc.request(execSubject('sdk-ok'), '{"runId":1}')).json<Record<string, unknown>>();
    expect(malformed).toMatchObject({ status: 'failed', error: expect.stringContaining('invalid run request') });
    await nc.drain();
    await executor.stop();
  });

  it('runs a run sent twice (same run and attempt) once, and answers both copies with its outcome', async () => {
    let calls = 0;
    const executor = createExecutor({ nats: { url: nats.url }, logger }).handle('sdk-once', async (ctx) => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { attempt: ctx.attempt, call: calls };
    });
    await executor.start();
    const nc = await connect({ servers: nats.url });
    const copy = request('r-twice', 5000);
    const [first, second] = await Promise.all([nc.request(execSubject('sdk-once'), copy, { timeout: 5000 }), nc.request(execSubject('sdk-once'), copy, { timeout: 5000 })]);
    expect(first.json()).toEqual(second.json());
    // After it finished, a late copy still gets the same answer; another attempt runs again.
    expect((await nc.request(execSubject('sdk-once'), copy, { timeout: 5000 })).json()).toEqual(first.json());
    const retry = JSON.stringify({ ...(JSON.parse(copy) as Record<string, unknown>), attempt: 2 });
    expect((await nc.request(execSubject('sdk-once'), retry, { timeout: 5000 })).json()).toMatchObject({ status: 'succeeded', output: { attempt: 2, call: 2 } });
    expect(calls).toBe(2);
    await nc.drain();
    await executor.stop();
  });

  it('aborts the handler at the deadline through its signal', async () => {
    const executor = createExecutor({ nats: { url: nats.url }, logger }).handle(
      'sdk-slow',
      (ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted at the deadline')), { once: true });
        }),
    );
    await executor.start();
    const nc = await connect({ servers: nats.url });
    const started = Date.now();
    const answer = (await nc.request(execSubject('sdk-slow'), request('r3', 300), { timeout: 5000 })).json<Record<string, unknown>>();
    expect(answer).toMatchObject({ status: 'failed', error: 'aborted at the deadline' });
    expect(Date.now() - started).toBeLessThan(2000);
    await nc.drain();
    await executor.stop();
  });

  it('finishes running handlers when stopped, and takes no new runs', async () => {
    const executor = createExecutor({ nats: { url: nats.url }, logger }).handle('sdk-finish', () => new Promise((resolve) => setTimeout(() => resolve('done'), 400)));
    await executor.start();
    const nc = await connect({ servers: nats.url });
    const pending = nc.request(execSubject('sdk-finish'), request('r4', 5000), { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(executor.running()).toBe(1);
    await executor.stop();
    expect((await pending).json<Record<string, unknown>>()).toMatchObject({ status: 'succeeded', output: 'done' });
    await expect(nc.request(execSubject('sdk-finish'), request('r5', 5000), { timeout: 1000 })).rejects.toThrow();
    await nc.drain();
  });
});
