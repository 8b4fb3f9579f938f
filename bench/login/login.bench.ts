/**
 * bench/login — in one run:
 *   bound:  bcrypt comparisons per second at the configured cost, CONCURRENCY at a time,
 *           in one process (what the users service can at most verify);
 *   logins: password logins per second through gateway → auth → users (captchas off),
 *           CONNECTIONS at a time.
 * Prints both and logins / bound (goal ≥ 0.8).
 *
 * Run: pnpm bench:login   (BCRYPT_COST=10 CONCURRENCY=8 CONNECTIONS=8 DURATION=10)
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, processCpuSeconds as cpuSeconds, repoRoot, startFerretDb, startNatsServer, startProcess, waitForHttp, type ManagedProcess } from '@jobwire/devstack';
import autocannon from 'autocannon';
import bcrypt from 'bcrypt';

const COST = Number(process.env.BCRYPT_COST ?? 10);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 8);
const DURATION = Number(process.env.DURATION ?? 10);

async function bcryptBound(): Promise<number> {
  const hash = await bcrypt.hash('bench-password-1', COST);
  const until = Date.now() + DURATION * 1000;
  let done = 0;
  const worker = async () => {
    while (Date.now() < until) {
      await bcrypt.compare('bench-password-1', hash);
      done += 1;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return done / ((Date.now() - started) / 1000);
}

const root = repoRoot();
const dataDir = await mkdtemp(join(tmpdir(), 'jobwire-bench-login-'));
const nats = await startNatsServer({ storeDir: join(dataDir, 'nats') });
const ferret = await startFerretDb({ dir: join(dataDir, 'ferretdb') });
const children: ManagedProcess[] = [];
const password = 'bench-password-1';
try {
  const gatewayPort = await freePort();
  const usersHealth = await freePort();
  const authHealth = await freePort();
  const env = {
    NATS_URL: nats.url,
    MONGO_URL: `${ferret.url}/jobwire_bench`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_PASSWORD: password,
    BCRYPT_COST: String(COST),
    CAPTCHA_ENABLED: 'false',
    // One client logs in as one account as fast as it can: the gateway's login limits would answer 429.
    RATE_LIMIT_LOGIN_PER_IP: '0',
    RATE_LIMIT_LOGIN_PER_ACCOUNT: '0',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
  };
  const start = (name: string, extra: Record<string, string>) => {
    const child = startProcess({ name, command: process.execPath, args: ['--conditions=@jobwire/source', '--import', 'tsx', join(root, 'services', name, 'src', 'main.ts')], env: { ...env, ...extra }, cwd: root });
    children.push(child);
  };
  start('users', { HEALTH_PORT: String(usersHealth), HEALTH_HOST: '127.0.0.1' });
  await waitForHttp(`http://127.0.0.1:${usersHealth}/readyz`, 60_000, 'users');
  start('auth', { HEALTH_PORT: String(authHealth), HEALTH_HOST: '127.0.0.1' });
  await waitForHttp(`http://127.0.0.1:${authHealth}/readyz`, 60_000, 'auth');
  start('gateway', { PORT: String(gatewayPort) });
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  await waitForHttp(`${gateway}/readyz`, 60_000, 'gateway');

  const request = { method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password, deviceId: 'bench' }) };
  const probe = (await (await fetch(`${gateway}/login/account`, request)).json()) as { code: number };
  if (probe.code !== 200) throw new Error(`login through the gateway answered code ${probe.code}`);

  const bound = await bcryptBound();
  await autocannon({ url: `${gateway}/login/account`, connections: CONNECTIONS, duration: 2, ...request });
  const processes = [...children.map((c) => ({ name: c.name, pid: c.pid })), { name: 'nats-server', pid: nats.pid }, { name: 'ferretdb', pid: ferret.pid }];
  const before = processes.map((p) => cpuSeconds(p.pid));
  const result = await autocannon({ url: `${gateway}/login/account`, connections: CONNECTIONS, duration: DURATION, ...request });
  const used = processes.map((p, i) => `${p.name} ${((cpuSeconds(p.pid) - (before[i] ?? 0)) * 1000 / Math.max(1, result.requests.total)).toFixed(1)} ms`);
  const logins = result.requests.average;
  console.log(`\nbcrypt cost ${COST}, ${CONCURRENCY} at a time:   ${bound.toFixed(1)} comparisons/s (the bound)`);
  console.log(`password logins, ${CONNECTIONS} connections: ${logins.toFixed(1)} logins/s  (p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors})`);
  console.log(`CPU per login: ${used.join(', ')}`);
  const ratio = logins / bound;
  console.log(`logins / bound: ${ratio.toFixed(2)}  (goal ≥ 0.8: ${ratio >= 0.8 ? 'met' : 'MISSED'})`);
} finally {
  for (const child of children.reverse()) await child.stop();
  await ferret.stop();
  await nats.stop();
  await rm(dataDir, { recursive: true, force: true });
}
