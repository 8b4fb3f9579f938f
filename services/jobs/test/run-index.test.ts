import mongoose, { type Connection } from 'mongoose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, eventually, uniqueDatabaseName } from '../../../tests/harness/index.js';
import { createListingCache } from '../src/paging/listing.cache.js';
import { createRunIndex, type RunIndex } from '../src/paging/run.index.js';
import { runModel, type RunDocument, type RunModel, type RunState } from '../src/runs/run.model.js';
import { pageRuns, type RunQueryDeps } from '../src/runs/run.queries.js';

const logger = pino({ level: 'silent' });
const ZONE = 'Asia/Shanghai';
const COUNT = 500;
const base = Date.parse('2026-06-01T00:00:00Z');
const states: RunState[] = ['succeeded', 'failed', 'timeout', 'succeeded', 'skipped', 'running'];
type Query = Parameters<typeof pageRuns>[1];

function run(i: number): RunDocument {
  const time = new Date(base + Math.floor(i / 4) * 30_000);
  return {
    _id: String(9_100_000_000_000 + ((i * 7919) % COUNT)),
    jobId: `job-${i % 7}`,
    jobName: `job ${i % 7}`,
    handlerName: 'echo',
    timezone: ZONE,
    runState: states[i % states.length]!,
    cause: null,
    trigger: i % 5 === 0 ? 'manual' : 'cron',
    scheduledTime: time,
    startTime: time,
    endTime: null,
    durationMs: null,
    executor: null,
    attempt: 1,
    misfired: false,
    output: null,
    scheduler: 's',
    // Four runs share each createTime, so the _id decides among them.
    createTime: time,
  };
}

describe('the run listing index', () => {
  const dbName = uniqueDatabaseName('runindex');
  let connection: Connection;
  let runs: RunModel;
  let index: RunIndex;
  let indexed: RunQueryDeps;
  let direct: RunQueryDeps;

  beforeAll(async () => {
    connection = await mongoose.createConnection(databaseUrl(dbName)).asPromise();
    runs = runModel(connection);
    await runs.insertMany(Array.from({ length: COUNT }, (_, i) => run(i)));
    index = createRunIndex({ runs, logger, reloadMs: 600_000, maxRuns: 10_000 });
    const common = { runs, defaultTimeZone: ZONE, queryTimeLimitMs: 30_000, listings: createListingCache({ maxAgeMs: { jobs: 0, runs: 0 } }), feed: { deleted: () => undefined } };
    indexed = { ...common, runIndex: index };
    direct = common;
    index.start();
    await eventually(() => (index.page({}, 0, 1) === undefined ? undefined : true), 20_000, 'the index to load');
  }, 60_000);

  afterAll(async () => {
    index?.close();
    await connection?.dropDatabase();
    await connection?.close();
  });

  const queries = [
    { current: 1, pageSize: 10 },
    { current: 9, pageSize: 17 },
    { current: 60, pageSize: 10 },
    { current: 1, pageSize: 500 },
    { current: 2, pageSize: 20, jobId: 'job-3' },
    { current: 1, pageSize: 20, taskId: 'job-4', status: 1 },
    { current: 3, pageSize: 20, status: 0 },
    { current: 1, pageSize: 50, status: 1, beginTime: '2026-06-01 08:10:00', endTime: '2026-06-01 08:40:00' },
    { current: 1, pageSize: 50, jobId: 'job-1', endTime: '2026-06-01 08:05:00' },
    { current: 1, pageSize: 50, jobId: 'no-such-job' },
  ];

  async function sameAsDatabase(): Promise<void> {
    for (const query of queries) {
      expect(await pageRuns(indexed, query as Query), JSON.stringify(query)).toEqual(await pageRuns(direct, query as Query));
    }
  }

  it('answers every filter and page exactly as the database listing does', sameAsDatabase, 60_000);

  it('follows the changes it is told of: new runs, new states, deletions and the retention', async () => {
    const added = { ...run(COUNT + 3), _id: '9200000000000', createTime: new Date(base + 50_000_000), runState: 'running' as const };
    await runs.create(added);
    index.apply({ added: [{ id: added._id, jobId: added.jobId, runState: 'running', createTime: added.createTime.toISOString() }], states: [], deleted: [] });
    await runs.updateOne({ _id: added._id }, { $set: { runState: 'succeeded' } });
    index.apply({ added: [], states: [{ id: added._id, runState: 'succeeded' }], deleted: [] });
    // A late copy of the insert does not take the state back.
    index.apply({ added: [{ id: added._id, jobId: added.jobId, runState: 'running', createTime: added.createTime.toISOString() }], states: [], deleted: [] });
    const gone = [run(10)._id, run(11)._id];
    await runs.deleteMany({ _id: { $in: gone } });
    index.apply({ added: [], states: [], deleted: gone });
    const cutoff = new Date(base + 20 * 30_000);
    await runs.deleteMany({ createTime: { $lt: cutoff }, runState: { $ne: 'running' } });
    index.apply({ added: [], states: [], deleted: [], removedBefore: cutoff.toISOString() });
    await sameAsDatabase();
    expect((await pageRuns(indexed, { current: 1, pageSize: 1, status: 1 })).records[0]).toMatchObject({ id: added._id, runState: 'succeeded' });
  }, 60_000);

  it('stands aside when more runs are stored than it may hold', async () => {
    const small = createRunIndex({ runs, logger, reloadMs: 600_000, maxRuns: 1000 });
    small.start();
    await eventually(() => (small.page({}, 0, 1) === undefined ? undefined : true), 20_000, 'the small index to load');
    small.apply({ added: Array.from({ length: 600 }, (_, i) => ({ id: `extra-${i}`, jobId: 'x', runState: 'succeeded' as const, createTime: new Date(base).toISOString() })), states: [], deleted: [] });
    expect(small.page({}, 0, 1)).toBeUndefined();
    small.close();
  });
});
