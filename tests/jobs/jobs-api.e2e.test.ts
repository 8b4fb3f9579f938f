import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../harness/index.js';
import { createJob, startJobsStack, type JobsStack } from './jobs.fixture.js';
import type { RunDocument } from '../../services/jobs/src/runs/run.model.js';

interface RunRecord {
  id: string;
  jobId: string;
  runState: string;
  status: number;
  cause: string | null;
  trigger: string;
  attempt: number;
  executor: string | null;
  durationMs: number | null;
  misfired: boolean;
  output: string | null;
}

interface Page<T> {
  records: T[];
  total: string;
  current: string;
  pages: string;
  hasPrevious: boolean;
  hasNext: boolean;
}

let stack: JobsStack;
let eventWatch: NatsConnection;
const eventTypes = new Set<string>();

beforeAll(async () => {
  stack = await startJobsStack({ jobsEnv: { RETRY_BACKOFF_MS: '100', SCHEDULER_POLL_MS: '5000' } });
  // Events go to JetStream's EVENTS stream; a plain subscription sees them as they are published.
  eventWatch = await connect({ servers: stack.natsUrl });
  eventWatch.subscribe('events.jobs.>', {
    callback: (_error, msg) => {
      eventTypes.add((msg.json<{ type: string }>()).type);
    },
  });
}, 120_000);

afterAll(async () => {
  await eventWatch.drain();
  await stack.stop();
});

async function runsOf(jobId: string): Promise<RunRecord[]> {
  const answer = await stack.api('GET', `/openJobLog/page?jobId=${jobId}&pageSize=500`);
  expect(answer.body.code).toBe(200);
  return (answer.body.data as Page<RunRecord>).records;
}

async function finishedRuns(jobId: string, count: number, deadlineMs = 10_000): Promise<RunRecord[]> {
  return eventually(
    async () => {
      const runs = (await runsOf(jobId)).filter((run) => run.runState !== 'running');
      return runs.length >= count ? runs : undefined;
    },
    deadlineMs,
    `${count} finished run(s) of ${jobId}`,
  );
}

describe('cron preview', () => {
  it('answers the next fire times in the zone, after the given instant', async () => {
    const query = new URLSearchParams({ cronExpress: '0 0 12 ? * MON-FRI', count: '3', timezone: 'Asia/Shanghai', after: '2026-01-01T00:00:00Z' });
    const answer = await stack.api('GET', `/openJob/nextTriggerTime?${query.toString()}`);
    expect(answer.body).toMatchObject({ code: 200, data: ['2026-01-01 12:00:00', '2026-01-02 12:00:00', '2026-01-05 12:00:00'] });
  });

  it('defaults to five times from now', async () => {
    const answer = await stack.api('GET', `/openJob/nextTriggerTime?cronExpress=${encodeURIComponent('0 0/5 * * * ?')}`);
    expect((answer.body.data as string[]).length).toBe(5);
  });

  it('refuses an invalid expression with the field and the reason, and bad counts', async () => {
    const bad = await stack.api('GET', `/openJob/nextTriggerTime?cronExpress=${encodeURIComponent('0 0 25 * * ?')}`);
    expect(bad.status).toBe(200);
    expect(bad.body.code).toBe(400);
    expect(bad.body.msg).toMatch(/hour/i);
    const count = await stack.api('GET', `/openJob/nextTriggerTime?cronExpress=${encodeURIComponent('0 * * * * ?')}&count=101`);
    expect(count.body.code).toBe(400);
    const zone = await stack.api('GET', `/openJob/nextTriggerTime?cronExpress=${encodeURIComponent('0 * * * * ?')}&timezone=Mars/Olympus`);
    expect(zone.body.code).toBe(400);
  });
});

describe('job definitions', () => {
  it('creates a stopped job, shows it, pages it and changes it', async () => {
    const id = await createJob(stack, { jobName: 'nightly report', handlerName: 'echo', cronExpression: '0 30 2 * * ?', params: '{"a":1}' });
    const info = await stack.api('GET', `/openJob/info/${id}`);
    expect(info.body).toMatchObject({ code: 200, data: { id, jobName: 'nightly report', status: 0, timezone: 'Asia/Shanghai', retries: 0, misfirePolicy: 'fire-once', allowOverlap: false, nextFireTime: null } });
    const page = await stack.api('GET', '/openJob/page?jobName=nightly&handlerName=echo&status=0');
    expect((page.body.data as Page<{ id: string }>).records.map((job) => job.id)).toContain(id);

    expect((await stack.api('PUT', '/openJob/update', { id, cronExpression: '0 0 3 * * ?', retries: 2 })).body).toMatchObject({ code: 200, data: true });
    const changed = await stack.api('GET', `/openJob/info/${id}`);
    expect(changed.body.data).toMatchObject({ cronExpression: '0 0 3 * * ?', retries: 2 });

    expect((await stack.api('PUT', '/openJob/start', { id })).body.code).toBe(200);
    const started = (await stack.api('GET', `/openJob/info/${id}`)).body.data as { status: number; nextFireTime: string };
    expect(started.status).toBe(1);
    expect(started.nextFireTime).toMatch(/ 03:00:00$/);
    // A started job's new expression reschedules it.
    await stack.api('PUT', '/openJob/update', { id, cronExpression: '0 15 4 * * ?' });
    const moved = (await stack.api('GET', `/openJob/info/${id}`)).body.data as { nextFireTime: string };
    expect(moved.nextFireTime).toMatch(/ 04:15:00$/);
    await stack.api('PUT', `/openJob/stop/${id}`);
    expect((await stack.api('GET', `/openJob/info/${id}`)).body.data).toMatchObject({ status: 0, nextFireTime: null });
  });

  it('refuses invalid jobs and saves nothing', async () => {
    const before = await stack.jobs.countDocuments();
    const cron = await stack.api('POST', '/openJob/save', { jobName: 'bad', handlerName: 'echo', cronExpression: '0 0 12 * * * *' });
    expect(cron.body.code).toBe(400);
    const field = await stack.api('POST', '/openJob/save', { jobName: 'bad', handlerName: 'echo', cronExpression: '0 0 12 ? * 9' });
    expect(field.body.code).toBe(400);
    expect(field.body.msg).toMatch(/dayOfWeek/);
    const zone = await stack.api('POST', '/openJob/save', { jobName: 'bad', handlerName: 'echo', cronExpression: '0 * * * * ?', timezone: 'Nowhere/City' });
    expect(zone.body.code).toBe(400);
    const handler = await stack.api('POST', '/openJob/save', { jobName: 'bad', handlerName: 'no spaces allowed', cronExpression: '0 * * * * ?' });
    expect(handler.body.code).toBe(400);
    expect(await stack.jobs.countDocuments()).toBe(before);
  });

  it('answers 404 for unknown jobs on every command', async () => {
    for (const [method, path, body] of [
      ['GET', '/openJob/info/123456789', undefined],
      ['PUT', '/openJob/update', { id: '123456789', jobName: 'x' }],
      ['PUT', '/openJob/start', { id: '123456789' }],
      ['PUT', '/openJob/stop', { id: '123456789' }],
      ['PUT', '/openJob/run', { id: '123456789' }],
      ['DELETE', '/openJob/delete/123456789', undefined],
    ] as const) {
      expect((await stack.api(method, path, body)).body.code, `${method} ${path}`).toBe(404);
    }
  });

  it('deletes all or nothing, and removes the schedule with the definition', async () => {
    const a = await createJob(stack, { jobName: 'del a', handlerName: 'echo', cronExpression: '0 0 * * * ?' });
    const b = await createJob(stack, { jobName: 'del b', handlerName: 'echo', cronExpression: '0 0 * * * ?' });
    await stack.api('PUT', '/openJob/start', { id: a });
    const refused = await stack.api('DELETE', '/openJob/delete', { ids: [a, b, '424242'] });
    expect(refused.body.code).toBe(404);
    expect(await stack.jobs.countDocuments({ _id: { $in: [a, b] } })).toBe(2);
    expect((await stack.api('DELETE', '/openJob/delete', { ids: [a, b] })).body).toMatchObject({ code: 200, data: true });
    expect(await stack.jobs.countDocuments({ _id: { $in: [a, b] } })).toBe(0);
    expect(await stack.scheduleDb.collection('agendaJobs').countDocuments({ 'data.jobId': { $in: [a, b] } })).toBe(0);
  });
});

/** A run record of a job that no longer exists, `ageMs` old, written straight to the database. */
function storedRun(id: string, ageMs: number, overrides: Partial<RunDocument>): RunDocument {
  const at = new Date(Date.now() - ageMs);
  return { _id: id, jobId: 'gone', jobName: 'run', handlerName: 'echo', timezone: 'UTC', runState: 'succeeded', cause: null, trigger: 'cron', scheduledTime: at, startTime: at, endTime: at, durationMs: 1, executor: null, attempt: 1, misfired: false, output: null, scheduler: 'x', createTime: at, ...overrides };
}

describe('runs', () => {
  it('runs once through a real executor and records it end to end', async () => {
    const id = await createJob(stack, { jobName: 'echo once', handlerName: 'echo', cronExpression: '0 0 0 1 1 ?', params: '{"hello":"world"}' });
    const asked = Date.now();
    expect((await stack.api('PUT', `/openJob/run/${id}`)).body).toMatchObject({ code: 200, data: true });
    const [run] = await finishedRuns(id, 1);
    expect(run).toMatchObject({ jobId: id, runState: 'succeeded', status: 1, trigger: 'manual', attempt: 1, misfired: false });
    expect(run!.executor).toEqual(expect.any(String));
    expect(JSON.parse(run!.output!)).toMatchObject({ params: { hello: 'world' }, attempt: 1 });
    const stored = await stack.runs.findById(run!.id).lean();
    expect(stored!.startTime!.getTime() - asked).toBeLessThan(1000);
    const info = await stack.api('GET', `/openJobLog/info/${run!.id}`);
    expect(info.body.data).toMatchObject({ id: run!.id, runState: 'succeeded' });
  });

  it('records an executor error with its message', async () => {
    const id = await createJob(stack, { jobName: 'fails', handlerName: 'fail', cronExpression: '0 0 0 1 1 ?', params: '{"message":"disk full"}' });
    await stack.api('PUT', '/openJob/run', { id });
    const [run] = await finishedRuns(id, 1);
    expect(run).toMatchObject({ runState: 'failed', status: 0, cause: 'disk full' });
  });

  it('fails at once when no executor serves the handler', async () => {
    const id = await createJob(stack, { jobName: 'orphan', handlerName: 'nobody-serves-this', cronExpression: '0 0 0 1 1 ?', timeoutSeconds: 30 });
    await stack.api('PUT', '/openJob/run', { id });
    const [run] = await finishedRuns(id, 1);
    expect(run).toMatchObject({ runState: 'failed', cause: 'no executor for handler nobody-serves-this' });
    expect(run!.durationMs).toBeLessThan(1000);
  });

  it('times a run out at its timeout, and the executor sees the deadline', async () => {
    const id = await createJob(stack, { jobName: 'slow', handlerName: 'sleep', cronExpression: '0 0 0 1 1 ?', params: '{"ms":5000}', timeoutSeconds: 1 });
    await stack.api('PUT', '/openJob/run', { id });
    const [run] = await finishedRuns(id, 1);
    expect(run!.runState).toBe('timeout');
    expect(run!.durationMs).toBeGreaterThanOrEqual(900);
    expect(run!.durationMs).toBeLessThan(3000);
  });

  it('retries a failing run with backoff, one record per attempt', async () => {
    const id = await createJob(stack, { jobName: 'retried', handlerName: 'fail', cronExpression: '0 0 0 1 1 ?', retries: 2 });
    await stack.api('PUT', '/openJob/run', { id });
    const runs = await finishedRuns(id, 3);
    expect(runs.map((run) => run.attempt).sort()).toEqual([1, 2, 3]);
    expect(runs.every((run) => run.runState === 'failed')).toBe(true);
    const stored = await stack.runs.find({ jobId: id }).sort({ attempt: 1 }).lean();
    // 100 ms then 200 ms between attempts.
    expect(stored[1]!.startTime!.getTime() - stored[0]!.endTime!.getTime()).toBeGreaterThanOrEqual(90);
    expect(stored[2]!.startTime!.getTime() - stored[1]!.endTime!.getTime()).toBeGreaterThanOrEqual(190);
  });

  it('fires every second while started, skips overlapping fires, and stop really stops', async () => {
    const id = await createJob(stack, { jobName: 'every second', handlerName: 'sleep', cronExpression: '* * * * * ?', params: '{"ms":1500}' });
    await stack.api('PUT', '/openJob/start', { id });
    const runs = await eventually(
      async () => {
        const all = await runsOf(id);
        return all.some((run) => run.runState === 'skipped') && all.some((run) => run.runState === 'succeeded') ? all : undefined;
      },
      10_000,
      'a skipped and a succeeded fire',
    );
    expect(runs.every((run) => run.trigger === 'cron')).toBe(true);
    expect(runs.find((run) => run.runState === 'skipped')!.cause).toBe('the previous run is still running');
    await stack.api('PUT', '/openJob/stop', { id });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const atStop = await stack.runs.countDocuments({ jobId: id });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await stack.runs.countDocuments({ jobId: id })).toBe(atStop);
  });

  it('runs a misfired job once for all missed fires, or skips it by policy', async () => {
    const once = await createJob(stack, { jobName: 'misfire once', handlerName: 'echo', cronExpression: '* * * * * ?' });
    const skip = await createJob(stack, { jobName: 'misfire skip', handlerName: 'echo', cronExpression: '* * * * * ?', misfirePolicy: 'skip' });
    const agendaJobs = stack.scheduleDb.collection('agendaJobs');
    // Stand in for downtime: stopped, then the schedule is found 30 s overdue.
    for (const id of [once, skip]) {
      await stack.api('PUT', '/openJob/start', { id });
      await stack.jobs.updateOne({ _id: id }, { $set: { status: 0 } });
      await stack.invalidateJobCache();
      await eventually(async () => ((await agendaJobs.countDocuments({ 'data.jobId': id })) === 0 ? true : undefined), 5000, 'the fire of a stopped job to drop its schedule');
      await stack.runs.deleteMany({ jobId: id });
      const overdue = new Date(Date.now() - 30_000);
      await stack.jobs.updateOne({ _id: id }, { $set: { status: 1 } });
      await stack.invalidateJobCache();
      await agendaJobs.insertOne({ name: 'jobwire.fire', data: { jobId: id }, nextRunAt: overdue, priority: 0, type: 'normal', lockedAt: null, disabled: false, lastModifiedBy: null });
    }
    const ran = (await finishedRuns(once, 1, 15_000)).find((run) => run.misfired);
    expect(ran).toMatchObject({ misfired: true, runState: 'succeeded' });
    expect(ran!.cause).toMatch(/stands for (29|30|31) missed fires/);
    const skipped = (await finishedRuns(skip, 1, 15_000)).find((run) => run.misfired);
    expect(skipped).toMatchObject({ misfired: true, runState: 'skipped' });
    // Afterwards the schedule resumes from now: no burst of catch-up runs.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const later = await stack.runs.find({ jobId: once }).lean();
    const misfiredRuns = later.filter((run) => run.misfired);
    expect(misfiredRuns).toHaveLength(1);
    // Every later fire was scheduled after the misfire run began: none of the 30 missed seconds is replayed,
    // and no second is fired twice. (A count bound would depend on how busy the machine is.)
    const resumedFrom = misfiredRuns[0]!.startTime!.getTime() - 5000;
    const scheduled = later.filter((run) => !run.misfired).map((run) => run.scheduledTime.getTime());
    expect(scheduled.filter((time) => time < resumedFrom)).toEqual([]);
    expect(new Set(scheduled).size).toBe(scheduled.length);
    await stack.api('DELETE', '/openJob/delete', { ids: [once, skip] });
  });

  it('pages, shows and deletes runs with filters', async () => {
    const id = await createJob(stack, { jobName: 'history', handlerName: 'echo', cronExpression: '0 0 0 1 1 ?' });
    const bad = await createJob(stack, { jobName: 'history bad', handlerName: 'fail', cronExpression: '0 0 0 1 1 ?' });
    // One after the other: a second run while the first still runs would be skipped.
    await stack.api('PUT', '/openJob/run', { id });
    await finishedRuns(id, 1);
    await stack.api('PUT', '/openJob/run', { id });
    await stack.api('PUT', '/openJob/run', { id: bad });
    await finishedRuns(id, 2);
    await finishedRuns(bad, 1);
    const ok = await stack.api('GET', `/openJobLog/page?taskId=${id}&status=1&pageSize=1`);
    expect(ok.body.data).toMatchObject({ total: '2', pages: '2', hasNext: true, hasPrevious: false });
    const failed = await stack.api('GET', `/openJobLog/page?jobId=${bad}&status=0`);
    expect((failed.body.data as Page<RunRecord>).records).toHaveLength(1);
    const runIds = (await runsOf(id)).map((run) => run.id);
    expect((await stack.api('DELETE', '/openJobLog/delete', { ids: runIds })).body).toMatchObject({ code: 200, data: true });
    expect(await runsOf(id)).toHaveLength(0);
    expect((await stack.api('GET', `/openJobLog/info/${runIds[0]!}`)).body.code).toBe(404);
  });

  it('runs the http handler of the sample executor against a real URL, and fails it on a bad answer', async () => {
    const ok = await createJob(stack, { jobName: 'http ok', handlerName: 'http', cronExpression: '0 0 0 1 1 ?', params: JSON.stringify({ url: `${stack.gatewayUrl}/healthz`, timeoutMs: 2000 }) });
    const missing = await createJob(stack, { jobName: 'http 404', handlerName: 'http', cronExpression: '0 0 0 1 1 ?', params: JSON.stringify({ url: `${stack.gatewayUrl}/no/such/page` }) });
    await stack.api('PUT', '/openJob/run', { id: ok });
    await stack.api('PUT', '/openJob/run', { id: missing });
    const [fetched] = await finishedRuns(ok, 1);
    expect(fetched!.runState).toBe('succeeded');
    expect(JSON.parse(fetched!.output!)).toMatchObject({ status: 200 });
    const [refused] = await finishedRuns(missing, 1);
    expect(refused).toMatchObject({ runState: 'failed', cause: expect.stringContaining('answered 404') });
  });

  it('removes runs older than the retention and fails orphaned running runs when a replica sweeps', async () => {
    await stack.runs.create(storedRun('1000000000000000001', 30 * 86_400_000, { jobName: 'old' }));
    // A run left `running` without its active entry (its scheduler died between the two
    // writes that finish a run) is failed by the same sweep.
    await stack.runs.create(storedRun('1000000000000000002', 3_600_000, { jobName: 'orphan', runState: 'running', endTime: null, durationMs: null }));
    const replica = await stack.startJobsReplica();
    await eventually(async () => ((await stack.runs.exists({ _id: '1000000000000000001' })) === null ? true : undefined), 15_000, 'the old run to be removed');
    const orphan = await eventually(async () => (await stack.runs.findOne({ _id: '1000000000000000002', runState: 'failed' }).lean()) ?? undefined, 15_000, 'the orphaned run to be failed');
    expect(orphan.cause).toBe('scheduler stopped');
    await replica.process.stop();
    stack.replicas.splice(stack.replicas.indexOf(replica), 1);
  });

  it('keeps removing runs as they pass a short retention, not only at its first sweep', async () => {
    const oldRun = (id: string, ageMs: number) => storedRun(id, ageMs, { jobName: 'aged' });
    const gone = async (id: string) => ((await stack.runs.exists({ _id: id })) === null ? true : undefined);
    await stack.runs.create(oldRun('1000000000000000003', 60_000));
    // Runs are kept 26 s here; the replica looks for old ones every tenth of that, at
    // least every sweep (5 s at the default lease).
    const replica = await stack.startJobsReplica({ RUN_RETENTION_DAYS: '0.0003' });
    await eventually(() => gone('1000000000000000003'), 15_000, 'the first old run to be removed');
    await stack.runs.create([oldRun('1000000000000000004', 60_000), oldRun('1000000000000000005', 0)]);
    await eventually(() => gone('1000000000000000004'), 12_000, 'a run that was old at a later sweep to be removed');
    expect(await stack.runs.exists({ _id: '1000000000000000005' })).not.toBeNull();
    await stack.runs.deleteOne({ _id: '1000000000000000005' });
    await replica.process.stop();
    stack.replicas.splice(stack.replicas.indexOf(replica), 1);
  });

  it('published the job and run events', () => {
    for (const type of ['jobs.job.created', 'jobs.job.updated', 'jobs.job.started', 'jobs.job.stopped', 'jobs.job.deleted', 'jobs.run.started', 'jobs.run.succeeded', 'jobs.run.failed', 'jobs.run.timed-out']) {
      expect(eventTypes, type).toContain(`jobwire.${type}`);
    }
  });

  it('lists live executors and their handlers', async () => {
    const answer = await stack.api('GET', '/openJob/executors');
    const executors = answer.body.data as { instanceId: string; handlers: string[]; host: string }[];
    expect(executors).toHaveLength(1);
    expect(executors[0]!.handlers).toEqual(['echo', 'fail', 'http', 'sleep']);
    expect(executors[0]!.host).toBe(stack.executors[0]!.name);
  });
});
