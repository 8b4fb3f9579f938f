import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newJobDocument, type JobDocument } from '../../services/jobs/src/jobs/job.model.js';
import { startJobsStack, type JobsStack } from './jobs.fixture.js';

const COUNT = 1000;
const ZONE = 'Asia/Shanghai';
const handlers = ['echo', 'sleep', 'http', 'report.daily'];
const base = Date.parse('2026-03-01T00:00:00Z');

let stack: JobsStack;
let jobs: JobDocument[];

beforeAll(async () => {
  stack = await startJobsStack({ executors: 0 });
  jobs = Array.from({ length: COUNT }, (_, i) =>
    newJobDocument({
      _id: String(7_000_000_000_000 + i),
      // Names with regex metacharacters prove the filter is a literal substring.
      jobName: i % 10 === 0 ? `a.b job ${i}` : `job ${i} ${i % 3 === 0 ? 'nightly' : 'hourly'}`,
      handlerName: handlers[i % handlers.length]!,
      cronExpression: '0 0 * * * ?',
      timezone: ZONE,
      status: (i % 2) as 0 | 1,
      timeoutSeconds: 60,
      // Minutes apart, some sharing a createTime so the id breaks ties.
      createTime: new Date(base + Math.floor(i / 2) * 60_000),
      updateTime: new Date(base),
    }),
  );
  await stack.jobs.insertMany(jobs);
  // Written past the service: every replica reads its jobs again.
  await stack.invalidateJobCache();
}, 120_000);

afterAll(async () => {
  await stack.stop();
});

const wall = (date: Date) => DateTime.fromJSDate(date, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm:ss');

function expected(filter: (job: JobDocument) => boolean): string[] {
  return jobs
    .filter(filter)
    .sort((a, b) => b.createTime.getTime() - a.createTime.getTime() || (BigInt(b._id) > BigInt(a._id) ? 1 : -1))
    .map((job) => job._id);
}

describe(`GET /openJob/page over ${COUNT} jobs`, () => {
  const begin = new Date(base + 100 * 60_000);
  const end = new Date(base + 300 * 60_000);
  const cases: [string, Record<string, string>, (job: JobDocument) => boolean][] = [
    ['no filter', {}, () => true],
    ['jobName substring with a dot', { jobName: 'a.b' }, (job) => job.jobName.includes('a.b')],
    ['jobName word', { jobName: 'nightly' }, (job) => job.jobName.includes('nightly')],
    ['handlerName', { handlerName: 'report.daily' }, (job) => job.handlerName === 'report.daily'],
    ['status 1', { status: '1' }, (job) => job.status === 1],
    ['status 0', { status: '0' }, (job) => job.status === 0],
    ['createTime range', { beginTime: wall(begin), endTime: wall(end) }, (job) => job.createTime >= begin && job.createTime <= end],
    [
      'every filter at once',
      { jobName: 'hourly', handlerName: 'sleep', status: '1', beginTime: wall(begin), endTime: wall(end) },
      (job) => job.jobName.includes('hourly') && job.handlerName === 'sleep' && job.status === 1 && job.createTime >= begin && job.createTime <= end,
    ],
  ];

  for (const [name, query, filter] of cases) {
    it(`${name}: totals, first, middle and last pages`, async () => {
      const ids = expected(filter);
      const pageSize = 37;
      const pages = Math.ceil(ids.length / pageSize);
      for (const current of [...new Set([1, Math.max(1, Math.floor(pages / 2)), Math.max(1, pages)])]) {
        const params = new URLSearchParams({ ...query, current: String(current), pageSize: String(pageSize) });
        const answer = await stack.api('GET', `/openJob/page?${params.toString()}`);
        expect(answer.body.code).toBe(200);
        const page = answer.body.data as { records: { id: string }[]; total: string; pages: string; hasNext: boolean; hasPrevious: boolean };
        expect(page.total).toBe(String(ids.length));
        expect(page.pages).toBe(String(pages));
        expect(page.hasPrevious).toBe(current > 1);
        expect(page.hasNext).toBe(current < pages);
        expect(page.records.map((record) => record.id)).toEqual(ids.slice((current - 1) * pageSize, current * pageSize));
      }
    });
  }

  it('refuses page sizes over 500, bad dates and reversed ranges', async () => {
    expect((await stack.api('GET', '/openJob/page?pageSize=501')).body.code).toBe(400);
    expect((await stack.api('GET', '/openJob/page?beginTime=2026-13-01%2000:00:00')).body.code).toBe(400);
    expect((await stack.api('GET', '/openJob/page?beginTime=2026-03-02%2000:00:00&endTime=2026-03-01%2000:00:00')).body.code).toBe(400);
  });
});
