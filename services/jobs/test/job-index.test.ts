import mongoose, { type Connection } from 'mongoose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, eventually, uniqueDatabaseName } from '../../../tests/harness/index.js';
import { jobModel, newJobDocument, type JobDocument, type JobModel } from '../src/jobs/job.model.js';
import { pageJobs, type JobQueryDeps } from '../src/jobs/job.queries.js';
import { createJobIndex, type JobIndex } from '../src/paging/job.index.js';
import { createListingCache } from '../src/paging/listing.cache.js';
import type { ScheduleStore } from '../src/schedule/schedule.store.js';

const logger = pino({ level: 'silent' });
const schedules = { nextFires: () => Promise.resolve(new Map<string, Date | null>()) } as unknown as ScheduleStore;
const ZONE = 'Asia/Shanghai';
const COUNT = 400;
const base = Date.parse('2026-05-01T00:00:00Z');

function job(i: number): JobDocument {
  return newJobDocument({
    _id: String(8_100_000_000_000 + ((i * 7919) % COUNT)),
    // Metacharacters: the name filter is a literal substring in both.
    jobName: i % 9 === 0 ? `x.y (nightly) ${i}` : `job ${i} ${i % 4 === 0 ? 'Nightly' : 'hourly'}`,
    handlerName: ['echo', 'sleep', 'http'][i % 3]!,
    cronExpression: '0 0 * * * ?',
    timezone: ZONE,
    status: (i % 2) as 0 | 1,
    timeoutSeconds: 60,
    // Three jobs share each createTime, so the _id decides among them.
    createTime: new Date(base + Math.floor(i / 3) * 60_000),
    updateTime: new Date(base),
  });
}

describe('the job listing index', () => {
  const dbName = uniqueDatabaseName('jobindex');
  let connection: Connection;
  let jobs: JobModel;
  let index: JobIndex;
  let indexed: JobQueryDeps;
  let direct: JobQueryDeps;

  beforeAll(async () => {
    connection = await mongoose.createConnection(databaseUrl(dbName)).asPromise();
    jobs = jobModel(connection);
    await jobs.insertMany(Array.from({ length: COUNT }, (_, i) => job(i)));
    index = createJobIndex({ jobs, logger, reloadMs: 600_000 });
    const common = { jobs, schedules, defaultTimeZone: ZONE, queryTimeLimitMs: 30_000, listings: createListingCache({ maxAgeMs: { jobs: 0, runs: 0 } }) };
    indexed = { ...common, index };
    direct = common;
    index.start();
    await eventually(async () => ((await index.page({}, 0, 1)) === undefined ? undefined : true), 20_000, 'the index to load');
  }, 60_000);

  afterAll(async () => {
    index?.close();
    await connection?.dropDatabase();
    await connection?.close();
  });

  const queries = [
    { current: 1, pageSize: 10 },
    { current: 7, pageSize: 13 },
    { current: 40, pageSize: 10 },
    { current: 1, pageSize: 500 },
    { current: 2, pageSize: 20, jobName: 'ightly' },
    { current: 1, pageSize: 20, jobName: 'x.y (' },
    { current: 1, pageSize: 20, jobName: 'Nightly' },
    { current: 1, pageSize: 20, jobName: 'no such name' },
    { current: 3, pageSize: 15, handlerName: 'sleep' },
    { current: 1, pageSize: 30, status: 1 },
    { current: 2, pageSize: 30, status: 0, handlerName: 'http' },
    { current: 1, pageSize: 50, beginTime: '2026-05-01 09:00:00', endTime: '2026-05-01 10:30:00' },
    { current: 1, pageSize: 50, beginTime: '2026-05-01 12:00:00', jobName: 'hourly', status: 1 },
    { current: 1, pageSize: 50, endTime: '2026-05-01 08:05:00' },
  ];

  it('answers every filter and page exactly as the database listing does', async () => {
    for (const query of queries) {
      const q = query as Parameters<typeof pageJobs>[1];
      expect(await pageJobs(indexed, q), JSON.stringify(query)).toEqual(await pageJobs(direct, q));
    }
  }, 60_000);

  it('follows announced changes: inserts, updates, deletes, and a full read for "any job"', async () => {
    const added = { ...job(COUNT + 1), _id: '8200000000000', createTime: new Date(base + 10_000_000), jobName: 'added' };
    await jobs.create(added);
    const renamed = job(5)._id;
    await jobs.updateOne({ _id: renamed }, { $set: { jobName: 'renamed', status: 1 } });
    const removed = job(6)._id;
    await jobs.deleteOne({ _id: removed });
    index.changed([added._id, renamed, removed]);
    const first = await pageJobs(indexed, { current: 1, pageSize: 500 });
    expect(first).toEqual(await pageJobs(direct, { current: 1, pageSize: 500 }));
    expect(first.records[0]).toMatchObject({ id: added._id, jobName: 'added' });
    // Written without naming the ids: a full read before the next page.
    await jobs.updateMany({ handlerName: 'sleep' }, { $set: { handlerName: 'nap' } });
    index.changed(undefined);
    for (const query of queries) {
      const q = query as Parameters<typeof pageJobs>[1];
      expect(await pageJobs(indexed, q), JSON.stringify(query)).toEqual(await pageJobs(direct, q));
    }
    expect((await pageJobs(indexed, { current: 1, pageSize: 10, handlerName: 'nap' })).total).not.toBe('0');
  }, 60_000);
});
