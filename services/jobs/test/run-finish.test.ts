import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServers, uniqueDatabaseName } from '../../../tests/harness/index.js';
import { startReplyCutter, type ReplyCutter } from '../../../tests/harness/reply.cutter.js';
import { finishRun } from '../src/runs/run.finish.js';
import { activeRunModel, runModel, type ActiveRunModel, type RunModel } from '../src/runs/run.model.js';

describe('finishing a run', () => {
  const dbName = uniqueDatabaseName('finish');
  let cutter: ReplyCutter;
  let connection: Connection;
  let runs: RunModel;
  let active: ActiveRunModel;

  beforeAll(async () => {
    const target = new URL(testServers().mongoUrl);
    cutter = await startReplyCutter({ host: target.hostname, port: Number(target.port) });
    connection = await mongoose.createConnection(`${cutter.url}/${dbName}?directConnection=true`, { retryWrites: false, serverSelectionTimeoutMS: 5000 }).asPromise();
    runs = runModel(connection);
    active = activeRunModel(connection);
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
    await cutter?.close();
  });

  async function running(id: string, withEntry = true): Promise<void> {
    const now = new Date();
    await runs.create({ _id: id, jobId: 'j', jobName: 'j', handlerName: 'echo', timezone: 'UTC', runState: 'running', trigger: 'cron', scheduledTime: now, startTime: now, attempt: 1, scheduler: 's', createTime: now });
    if (withEntry) await active.create({ _id: id, jobId: 'j', scheduler: 's', startTime: now, leaseUntil: new Date(now.getTime() + 60_000) });
  }

  it('records the outcome once and only for the one who removed the entry', async () => {
    await running('r1');
    expect(await finishRun({ runs, active }, 'r1', { runState: 'succeeded' }, 5000)).toBe(true);
    expect(await finishRun({ runs, active }, 'r1', { runState: 'failed', cause: 'scheduler stopped' }, 5000)).toBe(false);
    expect((await runs.findById('r1').lean())?.runState).toBe('succeeded');
    await running('r2', false);
    expect(await finishRun({ runs, active }, 'r2', { runState: 'succeeded' }, 5000)).toBe(false);
    expect((await runs.findById('r2').lean())?.runState).toBe('running');
  });

  it('still records the outcome when the removal happened but its answer was lost', async () => {
    await running('r3');
    const cut = cutter.cutNextReply(['delete', 'job_runs_active']);
    expect(await finishRun({ runs, active }, 'r3', { runState: 'succeeded' }, 10_000)).toBe(true);
    await cut;
    expect(await active.exists({ _id: 'r3' })).toBeNull();
    expect((await runs.findById('r3').lean())?.runState).toBe('succeeded');
  }, 30_000);

  it('leaves a record another finisher ended alone after a lost answer', async () => {
    await running('r4');
    // A sweeper ends the record while this finisher's removal answer is lost.
    await runs.updateOne({ _id: 'r4' }, { $set: { runState: 'failed', cause: 'scheduler stopped' } });
    const cut = cutter.cutNextReply(['delete', 'job_runs_active']);
    expect(await finishRun({ runs, active }, 'r4', { runState: 'succeeded' }, 10_000)).toBe(false);
    await cut;
    expect((await runs.findById('r4').lean())?.runState).toBe('failed');
  }, 30_000);
});
