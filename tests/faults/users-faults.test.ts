/**
 * The users service under faults while clients keep calling it through the gateway:
 * - killed (SIGKILL): every call is answered, the ones after the kill with the 503
 *   envelope at once (no responders), none later than the NATS request timeout; once a
 *   new users process is ready, calls succeed again within 2 s, with no gateway restart;
 * - one of two replicas stopped (SIGTERM, as a rollout does): no call fails.
 */
import { join } from 'node:path';
import { freePort, repoRoot, startProcess, waitForHttp, type ManagedProcess } from '@jobwire/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken, startTestGateway, type RunningGateway } from '../../services/gateway/test/gateway.fixture.js';
import { databaseUrl, startIsolatedNats, uniqueDatabaseName } from '../harness/index.js';

const REQUEST_TIMEOUT_MS = 2000;
const CLIENTS = 8;
/** An Open-Job route the users service answers (the token's user does not exist: it answers 401 itself). */
const PATH = '/openJobUser/currentUser';
const UNAVAILABLE = 503;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sample {
  at: number;
  ms: number;
  code: number | 'error';
}

describe('users service killed under load', () => {
  let nats: Awaited<ReturnType<typeof startIsolatedNats>>;
  let gateway: RunningGateway;
  let users: ManagedProcess | undefined;
  const dbName = uniqueDatabaseName('faults_users');

  const startUsers = async (): Promise<ManagedProcess> => {
    const health = await freePort();
    const child = startProcess({
      name: 'users',
      command: process.execPath,
      args: ['--conditions=@jobwire/source', '--import', 'tsx', join(repoRoot(), 'services/users/src/main.ts')],
      env: { NATS_URL: nats.url, MONGO_URL: databaseUrl(dbName), BCRYPT_COST: '4', HEALTH_PORT: String(health), HEALTH_HOST: '127.0.0.1', LOG_LEVEL: 'warn', REGISTRATION_OPEN: 'true' },
      cwd: repoRoot(),
    });
    await waitForHttp(`http://127.0.0.1:${health}/readyz`, 60_000, 'users');
    return child;
  };

  /** CLIENTS loops calling PATH until stopped, each call recorded. */
  const startLoad = () => {
    const samples: Sample[] = [];
    const { token } = mintToken({ sub: '999999' });
    let running = true;
    const clients = Array.from({ length: CLIENTS }, async () => {
      while (running) {
        const started = Date.now();
        try {
          const response = await fetch(`${gateway.url}${PATH}`, { headers: { authorization: `Bearer ${token}` } });
          const body = (await response.json()) as { code?: number };
          samples.push({ at: started, ms: Date.now() - started, code: body.code ?? response.status });
        } catch {
          samples.push({ at: started, ms: Date.now() - started, code: 'error' });
        }
      }
    });
    return {
      samples,
      stop: async () => {
        running = false;
        await Promise.all(clients);
      },
    };
  };

  beforeAll(async () => {
    nats = await startIsolatedNats();
    users = await startUsers();
    gateway = await startTestGateway(nats.url, { NATS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
  }, 120_000);

  afterAll(async () => {
    await users?.stop();
    await gateway?.stop();
    await nats?.stop();
  });

  it('answers 503 at once while users is gone and recovers within 2 s of a restart, without a gateway restart', async () => {
    const load = startLoad();
    const samples = load.samples;
    await sleep(2000);
    const killedAt = Date.now();
    process.kill(users!.pid, 'SIGKILL');
    await users!.exited;
    // Calls in flight at the kill wait up to the request timeout (their requests reached the
    // dead process); the window must outlast them so every client also calls while it is gone.
    await sleep(REQUEST_TIMEOUT_MS + 1500);
    const restartAt = Date.now();
    users = await startUsers();
    const readyAt = Date.now();
    await sleep(2500);
    await load.stop();

    expect(samples.filter((s) => s.code === 'error')).toEqual([]);
    const before = samples.filter((s) => s.at < killedAt - 100);
    expect(before.length).toBeGreaterThanOrEqual(CLIENTS);
    // What the users service answers for this token, whatever it is, is its answer.
    const served = before[0]!.code;
    expect(served).not.toBe(UNAVAILABLE);
    expect(before.every((s) => s.code === served)).toBe(true);
    // While users is gone: 503 envelopes, each answered well before the request timeout.
    const down = samples.filter((s) => s.at > killedAt + 200 && s.at < restartAt);
    expect(down.length).toBeGreaterThanOrEqual(CLIENTS);
    expect(down.every((s) => s.code === UNAVAILABLE)).toBe(true);
    expect(Math.max(...down.map((s) => s.ms))).toBeLessThan(500);
    // Nothing waited past the timeout, even the calls in flight at the kill.
    expect(Math.max(...samples.map((s) => s.ms))).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS + 500);
    // Back within 2 s of the new process being ready, and from then on.
    const firstBack = samples.find((s) => s.at >= restartAt && s.code === served);
    expect(firstBack).toBeDefined();
    expect(firstBack!.at + firstBack!.ms - readyAt).toBeLessThan(2000);
    expect(samples.filter((s) => s.at > readyAt + 2000).every((s) => s.code === served)).toBe(true);
  }, 120_000);

  it('fails no call when one of two users replicas stops with SIGTERM', async () => {
    const second = await startUsers();
    const load = startLoad();
    await sleep(1500);
    const stoppedAt = Date.now();
    process.kill(users!.pid, 'SIGTERM');
    expect(await users!.exited).toBe(0);
    await sleep(1500);
    await load.stop();
    users = second;
    const { samples } = load;
    expect(samples.filter((s) => s.at > stoppedAt).length).toBeGreaterThanOrEqual(CLIENTS);
    const served = samples[0]!.code;
    expect(served).not.toBe(UNAVAILABLE);
    expect(samples.filter((s) => s.code !== served)).toEqual([]);
  }, 120_000);
});
