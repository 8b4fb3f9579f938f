/**
 * One of two executors, then one of two jobs-service replicas SIGKILLed 4 s apart, while
 * every-2-second jobs run for 2.5 s each (so there are always runs going):
 * - no fire runs twice and none is lost: each fire time has exactly one run;
 * - the jobs go on firing on the survivors;
 * - every run the kills interrupted is recorded failed with its cause: the runs of the
 *   killed replica "scheduler stopped", the runs on the killed executor naming it.
 */
import { EXEC_BEATS_ALL, ExecBeatSchema } from '@jobwire/contracts';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../harness/index.js';
import { createJob, startJobsStack, type JobsStack } from '../jobs/jobs.fixture.js';
import { sleep } from './load.js';
import { FAULT_JOBS_ENV } from './platform.js';

const JOBS = 6;
let stack: JobsStack;

beforeAll(async () => {
  stack = await startJobsStack({
    replicas: 2,
    executors: 2,
    jobsEnv: { ...FAULT_JOBS_ENV, EXECUTOR_BEAT_MS: '500' },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a jobs replica and an executor killed during runs', () => {
  it('doubles and loses no fire, fires on, and records the interrupted runs failed with their cause', async () => {
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i += 1) {
      ids.push(await createJob(stack, { jobName: `kill ${i}`, handlerName: 'sleep', cronExpression: '0/2 * * * * ?', params: '{"ms":2500}', timeoutSeconds: 60, allowOverlap: true }));
    }
    for (const id of ids) expect((await stack.api('PUT', '/openJob/start', { id })).body.code).toBe(200);
    const from = Date.now() + 2000;
    // Both executors answer runs (the queue group shares them out).
    await eventually(async () => ((await stack.runs.distinct('executor', { jobId: { $in: ids }, runState: 'succeeded' })).length === 2 ? true : undefined), 30_000, 'answers from both executors');
    const executorIds = (await stack.runs.distinct('executor', { jobId: { $in: ids }, runState: 'succeeded' })).filter((id): id is string => typeof id === 'string');
    // The queue group shares runs out at random: the kill waits for a moment when both
    // executors have runs going (each beat within the last 300 ms), whichever one dies.
    const nc = await connect({ servers: stack.natsUrl });
    const lastBeat = new Map<string, number>();
    nc.subscribe(EXEC_BEATS_ALL, {
      callback: (_error, msg) => {
        const beat = ExecBeatSchema.safeParse(msg.json());
        if (beat.success) lastBeat.set(beat.data.executor, Date.now());
      },
    });
    await eventually(() => (executorIds.every((id) => Date.now() - (lastBeat.get(id) ?? 0) < 300) ? true : undefined), 20_000, 'runs going on both executors');
    await nc.close();
    const executorKilledAt = Date.now();
    process.kill(stack.executors[0]!.process.pid, 'SIGKILL');
    await stack.executors[0]!.process.exited;
    await sleep(4000);
    // The victim is a replica with runs going (which replica wins a fire is timing: one may win them all).
    const going = await eventually(async () => (await stack.runs.findOne({ jobId: { $in: ids }, runState: 'running' }).lean()) ?? undefined, 10_000, 'a run going');
    const victim = stack.replicas.find((replica) => replica.name === going.scheduler)!;
    const killedAt = Date.now();
    process.kill(victim.process.pid, 'SIGKILL');
    await victim.process.exited;
    await sleep(14_000);
    const to = Date.now() - 3000;
    for (const id of ids) await stack.api('PUT', '/openJob/stop', { id });
    await eventually(async () => ((await stack.runs.countDocuments({ jobId: { $in: ids }, runState: 'running' })) === 0 ? true : undefined), 20_000, 'every run to end');

    const runs = await stack.runs.find({ jobId: { $in: ids } }).lean();
    // The executor that was killed is the one that answered nothing after the kill.
    const answeredLater = new Set(runs.filter((run) => run.runState === 'succeeded' && run.endTime!.getTime() > executorKilledAt + 1000).map((run) => run.executor));
    const dead = executorIds.filter((id) => !answeredLater.has(id));
    expect(dead).toHaveLength(1);

    let duplicates = 0;
    const missed: string[] = [];
    for (const id of ids) {
      const times = runs.filter((run) => run.jobId === id && run.attempt === 1).map((run) => run.scheduledTime.getTime());
      duplicates += times.length - new Set(times).size;
      for (let t = Math.ceil(from / 2000) * 2000; t <= to; t += 2000) if (!times.includes(t)) missed.push(`${id}@${new Date(t).toISOString()}`);
      expect(runs.some((run) => run.jobId === id && run.runState === 'succeeded' && run.scheduledTime.getTime() > killedAt + 6000), `${id} fires on after the kills`).toBe(true);
    }
    expect({ duplicates, missed }).toEqual({ duplicates: 0, missed: [] });

    // Interrupted by a kill: started before it and not finished by then.
    const goingAt = (at: number) => runs.filter((run) => run.startTime !== null && run.startTime.getTime() < at && (run.endTime === null || run.endTime.getTime() > at));
    const byExecutor = goingAt(executorKilledAt).filter((run) => run.executor === dead[0]);
    const byReplica = goingAt(killedAt).filter((run) => run.scheduler === victim.name && !byExecutor.includes(run));
    expect(byExecutor.length).toBeGreaterThan(0);
    expect(byReplica.length).toBeGreaterThan(0);
    for (const run of byExecutor) {
      expect(run.runState).toBe('failed');
      expect(run.cause).toContain(`executor ${dead[0]} stopped during the run`);
      // Found out from the missing beats, long before the 60 s deadline.
      expect(run.endTime!.getTime() - executorKilledAt).toBeLessThan(8000);
    }
    for (const run of byReplica) expect({ state: run.runState, cause: run.cause }).toEqual({ state: 'failed', cause: 'scheduler stopped' });
    const interrupted = [...byExecutor, ...byReplica];
    // Everything else ran to the end.
    const others = runs.filter((run) => !interrupted.includes(run));
    expect(others.filter((run) => run.runState !== 'succeeded').map((run) => `${run.runState} ${run.cause ?? ''}`)).toEqual([]);
    console.info(`kills: ${runs.length} runs, interrupted ${byReplica.length} on the killed replica and ${byExecutor.length} on the killed executor`);
  }, 120_000);
});
