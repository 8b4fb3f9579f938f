/**
 * Fuzzing from the contract: schemathesis against the gateway's /openapi.json with every
 * service running as its own process on real servers, every operation, positive and
 * negative data, stateful links. Passes when no answer is a 5xx, no envelope carries a
 * 5xx-class code (envelope_checks.py), every answer matches its documented status,
 * content type, headers and schema, no operation that needs a token answers without one,
 * and no service logged an internal failure or stopped.
 *
 * The gateway runs with HTTP_STATUS_MODE=mirror, so the HTTP status says what the
 * envelope says and schemathesis's status checks apply to every family.
 *
 * Bounded for `npm test` (FUZZ_MAX_EXAMPLES per operation and phase, FUZZ_MAX_TIME
 * seconds in all); a longer run: FUZZ_MAX_EXAMPLES=100 FUZZ_MAX_TIME=1800 npx vitest run tests/fuzz
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@jobwire/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobsStack, type JobsStack, type Replica } from '../jobs/jobs.fixture.js';

const MAX_EXAMPLES = process.env.FUZZ_MAX_EXAMPLES ?? '5';
const MAX_TIME_SECONDS = Number(process.env.FUZZ_MAX_TIME ?? 100);
// A fixed seed by default, so a run can be repeated. (The SystemError schemathesis once stopped
// with, on seeds 480614 and 852814, was a thread race in CPython's parser: envelope_checks.py.)
const SEED = process.env.FUZZ_SEED ?? '852814';
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_headers_conformance', 'response_schema_conformance', 'ignored_auth', 'no_server_error_in_envelope'];

let stack: JobsStack;
let logDir: string;
const platform: Replica[] = [];
let gateway: Replica;

beforeAll(async () => {
  logDir = await mkdtemp(join(tmpdir(), 'jobwire-fuzz-'));
  stack = await startJobsStack({ replicas: 1, executors: 1, logDir });
  platform.push(await stack.startPlatformService('auth'), await stack.startPlatformService('users'));
  gateway = await stack.startPlatformService('gateway', { HTTP_STATUS_MODE: 'mirror' });
}, 180_000);

afterAll(async () => {
  await Promise.allSettled([gateway, ...platform].filter(Boolean).map((replica) => replica.process.stop(10_000)));
  await stack?.stop();
  await rm(logDir, { recursive: true, force: true });
});

function runSchemathesis(baseUrl: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const args = ['run', `${baseUrl}/openapi.json`, '--checks', CHECKS.join(','), '--max-examples', MAX_EXAMPLES, '--max-time', String(MAX_TIME_SECONDS), '--workers', '2', '--request-timeout', '10', '--seed', SEED, '--no-color'];
  return new Promise((resolve) => {
    const child = spawn(join(repoRoot(), '.tools/venv/bin/schemathesis'), args, { env: { ...process.env, ...env, PYTHONPATH: join(repoRoot(), 'tests/fuzz'), SCHEMATHESIS_HOOKS: 'envelope_checks' } });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('schemathesis against /openapi.json', () => {
  it('finds no server error, no off-contract answer and no failure in any service', async () => {
    const admin = await stack.usersDb.collection('users').findOne({ account: 'admin' });
    expect(admin).not.toBeNull();
    const { code, output } = await runSchemathesis(`http://127.0.0.1:${gateway.healthPort}`, { JOBWIRE_FUZZ_SUB: String(admin!._id), JOBWIRE_FUZZ_JWT_SECRET: stack.jwtSecret });
    const summary = output.slice(output.lastIndexOf('SUMMARY') - 40);
    console.info(`schemathesis (seed ${SEED}): ${summary.split('\n').filter((line) => /generated|Failures|❌|✅|Tested/.test(line)).join(' | ')}`);
    expect(code, `schemathesis failed (seed ${SEED}):\n${output.slice(-12_000)}`).toBe(0);

    // No process stopped, and none logged an internal failure (level 50 or more).
    for (const replica of [...stack.replicas, ...stack.executors, ...platform, gateway]) {
      expect((await fetch(`http://127.0.0.1:${replica.healthPort}/healthz`)).status, replica.name).toBe(200);
      const lines = (await readFile(replica.logFile!, 'utf8')).split('\n');
      expect(lines.filter((line) => /"level":(50|60)/.test(line)), replica.name).toEqual([]);
    }
  }, (MAX_TIME_SECONDS + 120) * 1000);
});
