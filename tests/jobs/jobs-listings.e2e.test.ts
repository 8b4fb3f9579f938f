/**
 * Listings kept for identical queries stay true across two jobs-service replicas: a job
 * written through either replica shows in the next listing through any replica, and
 * deleted runs leave every replica's listings at once. Each listing is asked several
 * times so both replicas (the queue group picks one at random) hold a kept answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../harness/index.js';
import { createJob, startJobsStack, type JobsStack } from './jobs.fixture.js';

interface Page {
  records: { id: string; jobName?: string; status?: number; runState?: string }[];
  total: string;
}

let stack: JobsStack;

beforeAll(async () => {
  stack = await startJobsStack({ replicas: 2, executors: 1 });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function pages(path: string, times = 8): Promise<Page[]> {
  const answers: Page[] = [];
  for (let i = 0; i < times; i += 1) {
    const answer = await stack.api('GET', path);
    expect(answer.body.code).toBe(200);
    answers.push(answer.body.data as Page);
  }
  return answers;
}

describe('kept listings across two replicas', () => {
  it('show every job write at once through either replica', async () => {
    const path = '/openJob/page?current=1&size=5';
    await pages(path);
    for (let round = 0; round < 4; round += 1) {
      const id = await createJob(stack, { jobName: `kept ${round}`, handlerName: 'echo', cronExpression: '0 0 0 1 1 ?' });
      for (const page of await pages(path)) expect(page.records[0]).toMatchObject({ id, jobName: `kept ${round}`, status: 0 });
      expect((await stack.api('PUT', '/openJob/update', { id, jobName: `renamed ${round}` })).body.code).toBe(200);
      for (const page of await pages(path)) expect(page.records[0]).toMatchObject({ id, jobName: `renamed ${round}` });
      expect((await stack.api('PUT', '/openJob/start', { id })).body.code).toBe(200);
      for (const page of await pages(path)) expect(page.records[0]).toMatchObject({ id, status: 1 });
      expect((await stack.api('DELETE', '/openJob/delete', { ids: [id] })).body.code).toBe(200);
      for (const page of await pages(path)) expect(page.records.map((job) => job.id)).not.toContain(id);
    }
  }, 60_000);

  it('drop deleted runs at once in every replica, and show new runs within a second', async () => {
    const id = await createJob(stack, { jobName: 'kept runs', handlerName: 'echo', cronExpression: '0 0 0 1 1 ?' });
    const path = `/openJobLog/page?jobId=${id}&pageSize=50`;
    for (let run = 1; run <= 2; run += 1) {
      expect((await stack.api('PUT', '/openJob/run', { id })).body.code).toBe(200);
      await eventually(async () => ((await pages(path, 1))[0]!.records.filter((r) => r.runState === 'succeeded').length === run ? true : undefined), 10_000, `run ${run} listed`);
    }
    // Every replica's kept answer is at most RUN_LISTING_MAX_AGE_MS (1 s) old.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const listed = await pages(path);
    for (const page of listed) expect(page.total).toBe('2');
    const ids = listed[0]!.records.map((run) => run.id);
    expect((await stack.api('DELETE', '/openJobLog/delete', { ids })).body.code).toBe(200);
    for (const page of await pages(path)) expect(page).toMatchObject({ total: '0', records: [] });
  }, 60_000);
});
