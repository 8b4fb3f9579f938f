import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'signalled.app.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runFixture(env: Record<string, string>, signalAfterStart?: NodeJS.Signals): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@jobwire/source', '--import', 'tsx', fixture], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (signalAfterStart !== undefined && stdout.includes('started\n') && !child.killed) child.kill(signalAfterStart);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('process lifecycle', () => {
  it('when SIGTERM arrives, then in-flight work finishes before NATS drains and the exit code is 0', async () => {
    const run = await runFixture({ FIXTURE_WORK_MS: '300', SHUTDOWN_TIMEOUT_MS: '5000' }, 'SIGTERM');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter(Boolean)).toEqual(['started', 'stopped taking work', 'work finished', 'drained']);
  });

  it('when in-flight work outlasts the deadline, then the later steps still run within it', async () => {
    const started = Date.now();
    const run = await runFixture({ FIXTURE_WORK_MS: '60000', SHUTDOWN_TIMEOUT_MS: '400' }, 'SIGINT');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('drained');
    expect(run.stdout).not.toContain('work finished');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('when a variable is wrong, then the process stops at once naming it', async () => {
    const run = await runFixture({ FIXTURE_WORK_MS: 'soon', NATS_URL: 'nats://127.0.0.1:4222' });
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('FIXTURE_WORK_MS');
    expect(run.stdout).not.toContain('started');
  });
});
