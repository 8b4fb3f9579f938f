/**
 * FerretDB restarted (same port and data folder) while clients read and write through
 * the gateway and every-second jobs fire, with every service as its own process:
 * - calls during the gap fail cleanly (503/504 envelopes), never a broken connection or
 *   a 500, and succeed again after it with no service restarted;
 * - no job definition or run record is lost or half-written: every job a call created is
 *   there, every started job has its schedule and no stopped one fires, every run
 *   recorded before the restart is still there, and every run ends;
 * - the jobs keep firing after it, each fire once.
 */
import { FIRE_JOB } from '../../services/jobs/src/schedule/schedule.store.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startIsolatedFerretDb, type IsolatedServer } from '../harness/index.js';
import { createJob, type Envelope, type JobsStack } from '../jobs/jobs.fixture.js';
import { sleep, startLoad, tally } from './load.js';
import { allReady, startPlatform, type Platform } from './platform.js';

const JOBS = 3;
const REQUEST_TIMEOUT_MS = 2000;
const DOWN_MS = 3000;

let ferretdb: IsolatedServer;
let platform: Platform;
let stack: JobsStack;

beforeAll(async () => {
  ferretdb = await startIsolatedFerretDb();
  platform = await startPlatform({ replicas: 2, executors: 1, mongoServerUrl: ferretdb.url, gatewayEnv: { NATS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) } });
  stack = platform.stack;
}, 180_000);

afterAll(async () => {
  await platform?.stop();
  await ferretdb?.stop();
});

interface Write {
  at: number;
  step: 'create' | 'start' | 'stop';
  id?: string;
  code: number | 'error';
}

describe('FerretDB restarted under load', () => {
  it('fails calls cleanly meanwhile, succeeds after, and loses or half-writes nothing', async () => {
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i += 1) ids.push(await createJob(stack, { jobName: `db restart ${i}`, handlerName: 'echo', cronExpression: '* * * * * ?', allowOverlap: true }));
    for (const id of ids) expect((await stack.api('PUT', '/openJob/start', { id })).body.code).toBe(200);
    const { gatewayUrl } = platform;
    const load = startLoad(gatewayUrl, stack.token, ['/openJob/page?current=1&size=10', '/openJobLog/page?current=1&size=10', '/openJobUser/currentUser', '/openJob/nextTriggerTime?cronExpress=0/5%20*%20*%20*%20*%20?&count=3']);

    // A writer that creates a job, starts it and stops it, over and over.
    const writes: Write[] = [];
    let writing = true;
    const call = async (method: string, path: string, body: unknown): Promise<(Envelope & { location: string }) | 'error'> => {
      try {
        const response = await fetch(`${gatewayUrl}${path}`, { method, headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { ...((await response.json()) as Envelope), location: response.headers.get('location') ?? '' };
      } catch {
        return 'error';
      }
    };
    const writer = (async () => {
      for (let n = 0; writing; n += 1) {
        const at = Date.now();
        const created = await call('POST', '/openJob/save', { jobName: `written ${n}`, handlerName: 'echo', cronExpression: '0 0 0 1 1 ? 2099' });
        const id = created === 'error' || created.code !== 200 ? undefined : created.location.split('/').pop();
        writes.push({ at, step: 'create', ...(id === undefined ? {} : { id }), code: created === 'error' ? 'error' : created.code });
        if (id === undefined) continue;
        for (const step of ['start', 'stop'] as const) {
          const answer = await call('PUT', `/openJob/${step}`, { id });
          writes.push({ at: Date.now(), step, id, code: answer === 'error' ? 'error' : answer.code });
        }
      }
    })();
    await sleep(4000);
    const runsBefore = await stack.runs.find({ jobId: { $in: ids } }, { _id: 1 }).lean();
    const restartAt = Date.now();
    await ferretdb.restart(DOWN_MS);
    const upAt = Date.now();
    // Back when every process says it is ready again (each follows its database
    // connection) and a listing answers.
    const backAt = await eventually(
      async () => {
        if (!(await allReady(platform.processes()))) return undefined;
        const page = await fetch(`${gatewayUrl}/openJob/page?current=1&size=1`, { headers: { authorization: `Bearer ${stack.token}` } }).then((response) => response.json() as Promise<Envelope>);
        return page.code === 200 ? Date.now() : undefined;
      },
      30_000,
      'every process to be ready and listing jobs to work again',
    );
    expect(backAt - upAt, 'recovery after the database is back').toBeLessThan(15_000);
    await sleep(6000);
    writing = false;
    await writer;
    const samples = await load.stop();
    const afterAt = Date.now();

    console.info(`FerretDB restart: down ${upAt - restartAt} ms, answering ${backAt - upAt} ms after; calls ${JSON.stringify(tally(samples))}; writes ${JSON.stringify(tally(writes.map((w) => ({ path: w.step, code: w.code, at: w.at, ms: 0, status: 0 }))))}`);
    // Calls: answered, in envelopes; failures only around the gap.
    expect(samples.filter((sample) => sample.status === 'error')).toEqual([]);
    expect(writes.filter((write) => write.code === 'error')).toEqual([]);
    const served = (path: string) => samples.find((sample) => sample.path === path && sample.at < restartAt)!.code;
    for (const sample of samples.filter((s) => s.code !== served(s.path))) {
      expect([503, 504], `${sample.path} answered ${String(sample.code)}`).toContain(sample.code);
      expect(sample.at + sample.ms).toBeGreaterThanOrEqual(restartAt);
      expect(sample.at).toBeLessThan(backAt + 3000);
    }
    for (const write of writes.filter((w) => w.code !== 200)) {
      expect([503, 504], `${write.step} answered ${String(write.code)}`).toContain(write.code);
      expect(write.at).toBeLessThan(backAt + 3000);
    }
    expect(samples.filter((sample) => sample.at > backAt + 3000 && sample.code === served(sample.path)).length).toBeGreaterThan(20);
    expect(writes.filter((write) => write.at > backAt + 3000 && write.code === 200).length).toBeGreaterThan(3);

    // Nothing lost: every job a call created, every run recorded before the restart.
    await sleep(3000);
    const created = writes.filter((write) => write.step === 'create' && write.code === 200).map((write) => write.id!);
    expect(await stack.jobs.countDocuments({ _id: { $in: created } })).toBe(created.length);
    expect(await stack.runs.countDocuments({ _id: { $in: runsBefore.map((run) => run._id) } })).toBe(runsBefore.length);
    // Nothing half-written: a started job has its schedule; the written jobs, last
    // stopped or left mid-way, fire nothing and every schedule belongs to a job.
    const jobs = await stack.jobs.find({}, { _id: 1, status: 1 }).lean();
    const schedules = await stack.scheduleDb.collection('agendaJobs').find({ name: FIRE_JOB }).toArray();
    const scheduled = new Set(schedules.map((doc) => (doc.data as { jobId: string }).jobId));
    const known = new Set(jobs.map((job) => job._id));
    expect(jobs.filter((job) => job.status === 1 && !scheduled.has(job._id)).map((job) => job._id)).toEqual([]);
    const orphans = [...scheduled].filter((id) => !known.has(id));
    expect(orphans, JSON.stringify({ writes: writes.filter((write) => orphans.includes(write.id ?? '')), direct: await stack.jobs.find({ _id: { $in: orphans } }).lean() })).toEqual([]);
    const writtenRuns = await stack.runs.countDocuments({ jobId: { $in: created } });
    expect(writtenRuns).toBe(0);

    // The jobs fire on after the gap, each fire once, and every run ends.
    for (const id of ids) await stack.api('PUT', '/openJob/stop', { id });
    await eventually(async () => ((await stack.runs.countDocuments({ jobId: { $in: ids }, runState: 'running' })) === 0 ? true : undefined), 15_000, 'every run to end').catch(async (error: unknown) => {
      const stuck = await stack.runs.find({ jobId: { $in: ids }, runState: 'running' }).lean();
      const entries = await stack.db.collection('job_runs_active').find({ _id: { $in: stuck.map((run) => run._id) } as never }).toArray();
      throw new Error(`${String(error)}: ${JSON.stringify({ stuck, entries })}`);
    });
    const runs = await stack.runs.find({ jobId: { $in: ids } }).lean();
    for (const id of ids) {
      const times = runs.filter((run) => run.jobId === id && run.attempt === 1).map((run) => run.scheduledTime.getTime());
      expect(times.length - new Set(times).size, `duplicate fires of ${id}`).toBe(0);
      expect(times.filter((time) => time > backAt + 1000 && time < afterAt - 1000).length, `fires of ${id} after the gap`).toBeGreaterThan(3);
    }
    const states: Record<string, number> = {};
    for (const run of runs) states[run.runState] = (states[run.runState] ?? 0) + 1;
    console.info(`FerretDB restart: runs ${JSON.stringify(states)}, misfired ${runs.filter((run) => run.misfired).length}`);
    expect(runs.filter((run) => run.runState !== 'succeeded').map((run) => `${run.runState} ${run.scheduledTime.toISOString()} ${run.cause ?? ''}`)).toEqual([]);
  }, 180_000);
});
