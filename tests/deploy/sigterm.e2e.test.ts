/**
 * What Kubernetes does to a pod on a rollout or scale-down: SIGTERM while work is in
 * flight. A jobs-service replica with a run in progress and a gateway process with
 * requests in progress each finish what they accepted, record it, and exit 0 within the
 * deadline the deploy manifests' grace periods are checked against.
 */
import { request } from 'node:http';
import { exitWithinMs } from '@jobwire/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig, shutdownDeadlineMs as gatewayDeadline } from '../../services/gateway/src/config.js';
import { loadJobsConfig, shutdownDeadlineMs as jobsDeadline } from '../../services/jobs/src/config.js';
import { eventually } from '../harness/index.js';
import { createJob, startJobsStack, type JobsStack } from '../jobs/jobs.fixture.js';

type Outcome = { status: number; code: number | undefined } | { error: string };

/** One request on its own connection (no keep-alive pool), so a refused connection and a cut answer are told apart. */
function call(port: number, path: string, token: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, code: (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code?: number }).code });
        } catch {
          resolve({ error: 'incomplete answer' });
        }
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

/** Keeps `concurrency` requests going until `until` resolves; answers every outcome. */
async function keepCalling(port: number, path: string, token: string, concurrency: number, until: Promise<unknown>): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let done = false;
  void until.finally(() => {
    done = true;
  });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!done) outcomes.push(await call(port, path, token));
    }),
  );
  return outcomes;
}

const PAGE = '/openJob/page?pageNum=1&pageSize=10';
let stack: JobsStack;

beforeAll(async () => {
  stack = await startJobsStack({ replicas: 2, executors: 1 });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('SIGTERM with work in flight', () => {
  it('a jobs replica finishes its running run, records its result, keeps answering what it took, and exits 0 in time', async () => {
    const id = await createJob(stack, { jobName: 'in flight', handlerName: 'sleep', cronExpression: '0 0 0 1 1 ? 2099', params: '{"ms":3000}', timeoutSeconds: 30 });
    expect((await stack.api('PUT', '/openJob/run', { id })).body.code).toBe(200);
    const running = await eventually(async () => (await stack.runs.findOne({ jobId: id, runState: 'running' }).lean()) ?? undefined, 10_000, 'a running run');
    const replica = stack.replicas.find((candidate) => candidate.name === running.scheduler)!;
    const gatewayPort = Number(new URL(stack.gatewayUrl).port);

    const sentAt = Date.now();
    process.kill(replica.process.pid, 'SIGTERM');
    const exited = replica.process.exited;
    const outcomes = await keepCalling(gatewayPort, PAGE, stack.token, 8, exited);
    const code = await exited;
    const tookMs = Date.now() - sentAt;

    expect(code, replica.process.tail()).toBe(0);
    expect(tookMs).toBeLessThan(exitWithinMs(jobsDeadline(loadJobsConfig({}))));
    // The run ended as the handler did, not as an interrupted run.
    const run = await stack.runs.findById(running._id).lean();
    expect({ state: run?.runState, cause: run?.cause ?? null }).toEqual({ state: 'succeeded', cause: null });
    expect(run!.endTime!.getTime()).toBeLessThanOrEqual(sentAt + tookMs);
    // The other replica answered meanwhile; nothing was dropped.
    expect(outcomes.length).toBeGreaterThan(10);
    expect(outcomes.filter((outcome) => !('status' in outcome) || outcome.code !== 200)).toEqual([]);
    stack.replicas.splice(stack.replicas.indexOf(replica), 1);
  }, 60_000);

  it('a gateway process answers every request it accepted and exits 0 in time', async () => {
    const gateway = await stack.startGatewayProcess();
    const port = gateway.healthPort;
    expect(await call(port, PAGE, stack.token)).toEqual({ status: 200, code: 200 });
    // As in Kubernetes, clients stop opening connections once the pod is terminating (its
    // endpoint is removed during the preStop sleep); every request started before is owed an answer.
    let signalled!: () => void;
    const terminating = new Promise<void>((resolve) => {
      signalled = resolve;
    });
    const load = keepCalling(port, PAGE, stack.token, 16, terminating);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const sentAt = Date.now();
    process.kill(gateway.process.pid, 'SIGTERM');
    signalled();
    const outcomes = await load;
    const code = await gateway.process.exited;
    const tookMs = Date.now() - sentAt;

    expect(code, gateway.process.tail()).toBe(0);
    expect(tookMs).toBeLessThan(exitWithinMs(gatewayDeadline(loadGatewayConfig({ JWT_SECRET: 'a-secret-only-for-reading-the-defaults-0000000' }))));
    expect(outcomes.length).toBeGreaterThan(16);
    expect(outcomes.filter((outcome) => !('status' in outcome) || outcome.status !== 200 || outcome.code !== 200)).toEqual([]);
    // Once it has stopped, the port takes no connection.
    expect(await call(port, PAGE, stack.token)).toEqual({ error: 'ECONNREFUSED' });
  }, 60_000);
});
