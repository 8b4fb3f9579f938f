/**
 * SIGTERM (what a rollout sends) to one of two replicas under load, for the services the
 * other fault tests do not stop this way (users: users-faults.test.ts; a jobs replica and
 * a gateway: tests/deploy/sigterm.e2e.test.ts):
 * - auth, while clients call routes it answers: it exits 0 and no call fails;
 * - an executor, during runs: it finishes the runs it took, exits 0, and no run fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../harness/index.js';
import { createJob, startJobsStack, type JobsStack, type Replica } from '../jobs/jobs.fixture.js';
import { sleep, startLoad, tally } from './load.js';

let stack: JobsStack;
let gateway: Replica;
const auth: Replica[] = [];

beforeAll(async () => {
  stack = await startJobsStack({ replicas: 1, executors: 2 });
  auth.push(await stack.startPlatformService('auth'), await stack.startPlatformService('auth'));
  await stack.startPlatformService('users').then((users) => auth.push(users));
  gateway = await stack.startPlatformService('gateway');
}, 180_000);

afterAll(async () => {
  await Promise.allSettled([gateway, ...auth].filter(Boolean).map((replica) => replica.process.stop(10_000)));
  await stack?.stop();
});

describe('SIGTERM under load', () => {
  it('one of two auth replicas: exit 0, no failed call', async () => {
    const load = startLoad(`http://127.0.0.1:${gateway.healthPort}`, stack.token, ['/login/refreshToken?refreshToken=not-a-refresh-token', '/openJobUser/currentUser'], 8);
    await sleep(1500);
    const stoppedAt = Date.now();
    process.kill(auth[0]!.process.pid, 'SIGTERM');
    expect(await auth[0]!.process.exited).toBe(0);
    await sleep(1500);
    const samples = await load.stop();
    const byPath = (path: string) => samples.filter((sample) => sample.path === path);
    expect(samples.filter((sample) => sample.at > stoppedAt).length).toBeGreaterThan(16);
    // Each route answers what it answered before the stop, every time.
    for (const path of new Set(samples.map((sample) => sample.path))) {
      const first = byPath(path)[0]!.code;
      expect(first, path).not.toBe('error');
      expect([503, 504]).not.toContain(first);
      expect(byPath(path).filter((sample) => sample.code !== first), JSON.stringify(tally(samples))).toEqual([]);
    }
  }, 60_000);

  it('one of two executors during runs: finishes what it took, exit 0, no failed run', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) ids.push(await createJob(stack, { jobName: `sigterm ${i}`, handlerName: 'sleep', cronExpression: '* * * * * ?', params: '{"ms":1200}', allowOverlap: true }));
    for (const id of ids) expect((await stack.api('PUT', '/openJob/start', { id })).body.code).toBe(200);
    const executorIds = await eventually(
      async () => {
        const found = (await stack.runs.distinct('executor', { jobId: { $in: ids }, runState: 'succeeded' })).filter((id): id is string => typeof id === 'string');
        return found.length === 2 ? found : undefined;
      },
      20_000,
      'runs on both executors',
    );
    const stoppedAt = Date.now();
    process.kill(stack.executors[0]!.process.pid, 'SIGTERM');
    expect(await stack.executors[0]!.process.exited).toBe(0);
    await sleep(3000);
    for (const id of ids) await stack.api('PUT', '/openJob/stop', { id });
    await eventually(async () => ((await stack.runs.countDocuments({ jobId: { $in: ids }, runState: 'running' })) === 0 ? true : undefined), 15_000, 'every run to end');
    const runs = await stack.runs.find({ jobId: { $in: ids } }).lean();
    expect(runs.filter((run) => run.runState !== 'succeeded').map((run) => `${run.runState}: ${run.cause ?? ''}`)).toEqual([]);
    // The stopped executor (the one that took no run after the signal) was running runs
    // when it got it, and finished them; the other took the rest.
    const later = runs.filter((run) => run.startTime!.getTime() > stoppedAt + 500);
    expect(later.length).toBeGreaterThan(4);
    const stopped = executorIds.filter((id) => !later.some((run) => run.executor === id));
    expect(stopped).toHaveLength(1);
    const finishedAfter = runs.filter((run) => run.executor === stopped[0] && run.startTime!.getTime() < stoppedAt && run.endTime!.getTime() > stoppedAt);
    expect(finishedAfter.length).toBeGreaterThan(0);
  }, 90_000);
});
