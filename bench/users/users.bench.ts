/**
 * bench/users — in one run, through the gateway at CONNECTIONS connections:
 *   baseline: the echo route of bench/gateway (gateway → NATS → trivial endpoint);
 *   GET /openJobUser/currentUser and POST /ibps/oauth2/v3/user/context with a token.
 * Rounds are interleaved and the median ratio to the baseline is reported (goal ≥ 0.6).
 *
 * Run: pnpm bench:users   (ROUNDS=3 DURATION=6 CONNECTIONS=50)
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, processCpuSeconds, repoRoot, startFerretDb, startNatsServer, startProcess, waitForHttp, type ManagedProcess } from '@jobwire/devstack';
import autocannon from 'autocannon';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = Number(process.env.DURATION ?? 6);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);

const root = repoRoot();
const dataDir = await mkdtemp(join(tmpdir(), 'jobwire-bench-users-'));
const nats = await startNatsServer({ storeDir: join(dataDir, 'nats') });
const ferret = await startFerretDb({ dir: join(dataDir, 'ferretdb') });
const children: ManagedProcess[] = [];
const password = 'bench-admin-pass';
try {
  const gatewayPort = await freePort();
  const env = {
    NATS_URL: nats.url,
    MONGO_URL: `${ferret.url}/jobwire_bench_users`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_PASSWORD: password,
    SEED_DEMO: 'true',
    CAPTCHA_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    HEALTH_HOST: '127.0.0.1',
  };
  const start = async (name: string, file: string, extra: Record<string, string>, ready?: string) => {
    children.push(startProcess({ name, command: process.execPath, args: ['--conditions=@jobwire/source', '--import', 'tsx', join(root, file)], env: { ...env, ...extra }, cwd: root }));
    if (ready !== undefined) await waitForHttp(ready, 60_000, name);
  };
  const usersHealth = await freePort();
  const authHealth = await freePort();
  await start('users', 'services/users/src/main.ts', { HEALTH_PORT: String(usersHealth) }, `http://127.0.0.1:${usersHealth}/readyz`);
  await start('auth', 'services/auth/src/main.ts', { HEALTH_PORT: String(authHealth) }, `http://127.0.0.1:${authHealth}/readyz`);
  await start('echo', 'bench/gateway/echo.service.ts', {});
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  await start('gateway', 'services/gateway/src/main.ts', { PORT: String(gatewayPort) }, `${gateway}/readyz`);

  const login = (await (await fetch(`${gateway}/login/account`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password, deviceId: 'bench' }) })).json()) as { data: { accessToken: string } };
  const auth = { authorization: `Bearer ${login.data.accessToken}` };
  const targets = [
    { name: 'echo route (baseline)', url: `${gateway}/api/diag/echo?message=hello`, method: 'GET' as const, headers: {} },
    { name: 'GET currentUser', url: `${gateway}/openJobUser/currentUser`, method: 'GET' as const, headers: auth },
    { name: 'POST user/context', url: `${gateway}/ibps/oauth2/v3/user/context?username=admin`, method: 'POST' as const, headers: auth },
  ];
  for (const t of targets) {
    const probe = await fetch(t.url, { method: t.method, headers: t.headers });
    const body = (await probe.json()) as { code?: number; state?: number };
    if ((body.code ?? body.state) !== 200) throw new Error(`${t.name} answered ${JSON.stringify(body).slice(0, 200)}`);
    await autocannon({ url: t.url, method: t.method, headers: t.headers, connections: CONNECTIONS, duration: 2 });
  }

  const ratios: number[][] = [[], []];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const results = [];
    const processes = [...children.map((c) => ({ name: c.name, pid: c.pid })), { name: 'nats-server', pid: nats.pid }, { name: 'ferretdb', pid: ferret.pid }];
    const cpu: string[] = [];
    for (const t of targets) {
      const before = processes.map((p) => processCpuSeconds(p.pid));
      const result = await autocannon({ url: t.url, method: t.method, headers: t.headers, connections: CONNECTIONS, duration: DURATION });
      results.push(result);
      const per = processes.map((p, i) => `${p.name} ${(((processCpuSeconds(p.pid) - (before[i] ?? 0)) * 1e6) / Math.max(1, result.requests.total)).toFixed(0)}µs`);
      cpu.push(`${t.name}: ${per.join(', ')}`);
    }
    console.log(`\nround ${round}: ${CONNECTIONS} connections, ${DURATION} s each`);
    results.forEach((r, i) => console.log(`${targets[i]!.name.padEnd(24)} ${r.requests.average.toFixed(0).padStart(7)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  non-2xx ${r.non2xx}`));
    console.log(`CPU per request:\n  ${cpu.join('\n  ')}`);
    ratios[0]!.push(results[1]!.requests.average / results[0]!.requests.average);
    ratios[1]!.push(results[2]!.requests.average / results[0]!.requests.average);
  }
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  };
  console.log(`\nratios to the echo route (median of ${ROUNDS})`);
  console.log(`currentUser / echo: ${median(ratios[0]!).toFixed(2)}  (goal ≥ 0.6)`);
  console.log(`context / echo:     ${median(ratios[1]!).toFixed(2)}  (goal ≥ 0.6)`);
} finally {
  for (const child of children.reverse()) await child.stop();
  await ferret.stop();
  await nats.stop();
  await rm(dataDir, { recursive: true, force: true });
}
