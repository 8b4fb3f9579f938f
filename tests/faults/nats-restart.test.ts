/**
 * nats-server restarted (same port and JetStream store) while clients call the gateway
 * and every-second jobs fire on two jobs replicas and two executors, with auth, users and
 * a gateway as their own processes:
 * - every process reconnects by itself (ready again, no restart of any of them);
 * - calls during the gap get envelopes (503/504), never a broken connection or a 500,
 *   and all succeed again shortly after;
 * - a durable consumer gets every event stored before the restart;
 * - every fire in the window runs once: none doubled, none lost.
 */
import { cloudEventType, EVENTS_STREAM } from '@jobwire/contracts';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../harness/index.js';
import { createJob, type JobsStack } from '../jobs/jobs.fixture.js';
import { sleep, startLoad, tally } from './load.js';
import { allReady, startPlatform, type Platform } from './platform.js';

const JOBS = 5;
const REQUEST_TIMEOUT_MS = 2000;

let platform: Platform;
let stack: JobsStack;

beforeAll(async () => {
  platform = await startPlatform({ replicas: 2, executors: 2, gatewayEnv: { NATS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) } });
  stack = platform.stack;
}, 180_000);

afterAll(async () => {
  await platform?.stop();
});

describe('nats-server restarted under load', () => {
  it('reconnects every service, keeps stored events and fires every job once', async () => {
    const nc = await connect({ servers: stack.natsUrl, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(EVENTS_STREAM, { durable_name: 'faults-nats-restart', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, filter_subject: 'events.jobs.>' });

    const ids: string[] = [];
    for (let i = 0; i < JOBS; i += 1) ids.push(await createJob(stack, { jobName: `restart ${i}`, handlerName: 'echo', cronExpression: '* * * * * ?', allowOverlap: true }));
    for (const id of ids) expect((await stack.api('PUT', '/openJob/start', { id })).body.code).toBe(200);
    const load = startLoad(platform.gatewayUrl, stack.token, ['/openJob/page?current=1&size=10', '/openJobLog/page?current=1&size=10', '/openJobUser/currentUser', '/openJob/nextTriggerTime?cronExpress=0/5%20*%20*%20*%20*%20?&count=3']);
    const from = Date.now() + 1500;
    await sleep(4000);

    // What a durable consumer has to get: the events stored so far.
    // Events go on being stored: the pending count belongs to the last sequence only when
    // no event was stored while it was taken.
    let pendingBefore = 0;
    let lastBefore = -1;
    for (let first = 0; first !== lastBefore; ) {
      first = (await jsm.streams.info(EVENTS_STREAM)).state.last_seq;
      pendingBefore = (await jsm.consumers.info(EVENTS_STREAM, 'faults-nats-restart')).num_pending;
      lastBefore = (await jsm.streams.info(EVENTS_STREAM)).state.last_seq;
    }
    const restartAt = Date.now();
    await stack.nats.restart(1000);
    const upAt = Date.now();
    await eventually(async () => ((await allReady(platform.processes())) ? true : undefined), 20_000, 'every process to be ready again');
    const readyAt = Date.now();
    await sleep(6000);
    const samples = await load.stop();
    const to = Date.now() - 2000;
    for (const id of ids) await stack.api('PUT', '/openJob/stop', { id });

    // The calls: answered, in envelopes; failures only around the gap; all good after it.
    expect(samples.filter((sample) => sample.status === 'error'), JSON.stringify(tally(samples))).toEqual([]);
    const served = (path: string) => samples.find((sample) => sample.path === path && sample.at < restartAt)!.code;
    const wrong = samples.filter((sample) => sample.code !== served(sample.path));
    for (const sample of wrong) {
      expect([503, 504], `${sample.path} answered ${String(sample.code)}`).toContain(sample.code);
      expect(sample.at + sample.ms).toBeGreaterThanOrEqual(restartAt);
      expect(sample.at).toBeLessThan(readyAt + 2000);
    }
    expect(samples.filter((sample) => sample.at > readyAt + 2000).length).toBeGreaterThan(20);
    console.info(`nats restart: down ${upAt - restartAt} ms, every process ready ${readyAt - upAt} ms after; calls ${JSON.stringify(tally(samples))}`);

    // Every event stored before the restart reaches the durable consumer after it.
    const consumer = await jetstream(nc).consumers.get(EVENTS_STREAM, 'faults-nats-restart');
    const seen = new Set<number>();
    const types = new Map<string, Set<string>>();
    for (;;) {
      const batch = await consumer.fetch({ max_messages: 500, expires: 1000 });
      let got = 0;
      for await (const message of batch) {
        got += 1;
        if (message.seq <= lastBefore) seen.add(message.seq);
        const event = message.json<{ type: string; subject?: string }>();
        if (event.subject !== undefined) types.set(event.subject, (types.get(event.subject) ?? new Set()).add(event.type));
        message.ack();
      }
      if (got === 0) break;
    }
    expect(seen.size).toBe(pendingBefore);
    for (const id of ids) expect([...(types.get(id) ?? [])]).toEqual(expect.arrayContaining([cloudEventType('jobs.job.created'), cloudEventType('jobs.job.started')]));

    // Every fire in the window: one run, finished.
    await sleep(3000);
    const runs = await stack.runs.find({ jobId: { $in: ids } }).lean();
    let duplicates = 0;
    const missed: string[] = [];
    for (const id of ids) {
      const times = runs.filter((run) => run.jobId === id && run.attempt === 1).map((run) => run.scheduledTime.getTime());
      duplicates += times.length - new Set(times).size;
      for (let second = Math.ceil(from / 1000) * 1000; second <= to; second += 1000) if (!times.includes(second)) missed.push(`${id}@${new Date(second).toISOString()}`);
    }
    const states: Record<string, number> = {};
    for (const run of runs) states[`${run.runState}${run.cause === null ? '' : `: ${run.cause}`}`] = (states[`${run.runState}${run.cause === null ? '' : `: ${run.cause}`}`] ?? 0) + 1;
    console.info(`nats restart: runs ${JSON.stringify(states)}`);
    expect({ duplicates, missed }).toEqual({ duplicates: 0, missed: [] });
    expect(runs.filter((run) => run.runState !== 'succeeded').map((run) => `${run.runState} ${run.scheduledTime.toISOString()} ${run.cause ?? ''}`)).toEqual([]);
    await nc.close();
  }, 150_000);
});
