import { AppError } from '@jobwire/contracts';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, uniqueDatabaseName } from '../../../tests/harness/index.js';
import { jobModel, newJobDocument, type JobModel } from '../src/jobs/job.model.js';
import { pageJobs } from '../src/jobs/job.queries.js';
import { createListingCache } from '../src/paging/listing.cache.js';
import type { ScheduleStore } from '../src/schedule/schedule.store.js';

/** Stopped jobs only: the page never asks the schedule for their next fires. */
const noSchedules = { nextFires: () => Promise.resolve(new Map<string, Date | null>()) } as unknown as ScheduleStore;
const uncached = createListingCache({ maxAgeMs: { jobs: 0, runs: 0 } });
const query = { current: 1, pageSize: 10 } as Parameters<typeof pageJobs>[1];

describe('job listing under a time limit', () => {
  const dbName = uniqueDatabaseName('listing');
  let connection: Connection;
  let jobs: JobModel;

  beforeAll(async () => {
    connection = await mongoose.createConnection(databaseUrl(dbName)).asPromise();
    jobs = jobModel(connection);
    await jobs.init();
    const base = Date.now() - 10_000_000;
    for (let offset = 0; offset < 5000; offset += 1000) {
      await jobs.insertMany(
        Array.from({ length: 1000 }, (_, j) =>
          newJobDocument({
            _id: String(7_000_000_000_000 + offset + j),
            jobName: `job ${offset + j}`,
            handlerName: 'echo',
            cronExpression: '0 0 * * * ?',
            timezone: 'UTC',
            timeoutSeconds: 60,
            createTime: new Date(base + (offset + j) * 1000),
          }),
        ),
        { lean: true },
      );
    }
  }, 60_000);

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('answers the page within the limit', async () => {
    const page = await pageJobs({ jobs, schedules: noSchedules, defaultTimeZone: 'UTC', queryTimeLimitMs: 30_000, listings: uncached }, query);
    expect(page.total).toBe('5000');
    expect(page.records).toHaveLength(10);
  });

  it('stops a listing the database cannot finish in time and answers 504 saying so', async () => {
    const started = Date.now();
    const failure = await pageJobs({ jobs, schedules: noSchedules, defaultTimeZone: 'UTC', queryTimeLimitMs: 1, listings: uncached }, query).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).key).toBe('UPSTREAM_TIMEOUT');
    expect((failure as AppError).message).toMatch(/took longer than 1 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
