/**
 * bench/soak — mixed traffic through the gateway for DURATION seconds while JOBS jobs
 * fire every second, every service as its own process on real nats-server and FerretDB:
 *   1. max:  CLIENTS closed-loop clients for MAX_SECONDS: the most mixed calls per second;
 *   2. soak: an open loop at LOAD_SHARE (0.7) of that rate for DURATION (600) seconds.
 * The mix: password logins, user context reads, job listings, job creates, run-once calls
 * and run-log listings; with DELETES=true also deletes of the oldest job the soak created. Prints
 * throughput, p50/p99 and errors per minute, and the RSS of every process (sampled every
 * 5 s; the median of the 30 s before the end of the warm-up, per minute, and of the last
 * 30 s) (goal: growth under 10 % from the warm-up to the end; errors 0).
 *
 * Stored data: runs are kept RUN_RETENTION_MINUTES (2, so the run history is steady after
 * the warm-up; 10080 is the service's default of 7 days, then it grows with every run and
 * so do the jobs service's run index and FerretDB). Created jobs accumulate unless
 * DELETES=true.
 *
 * Run: pnpm bench:soak   (DURATION=600 WARMUP=180 LOAD_SHARE=0.7 MAX_SECONDS=20 CLIENTS=16 JOBS=10 BCRYPT_COST=10
 *                         RUN_RETENTION_MINUTES=2 DELETES=false)
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot, startFerretDb, startNatsServer, startProcess, waitForHttp, type ManagedProcess } from '@jobwire/devstack';

const DURATION = Number(process.env.DURATION ?? 600);
const WARMUP = Number(process.env.WARMUP ?? 180);
const LOAD_SHARE = Number(process.env.LOAD_SHARE ?? 0.7);
const MAX_SECONDS = Number(process.env.MAX_SECONDS ?? 20);
const CLIENTS = Number(process.env.CLIENTS ?? 16);
const JOBS = Number(process.env.JOBS ?? 10);
const BCRYPT_COST = process.env.BCRYPT_COST ?? '10';
const RUN_RETENTION_MINUTES = Number(process.env.RUN_RETENTION_MINUTES ?? 2);
const DELETES = process.env.DELETES === 'true';
/** RSS is sampled this often; a figure is the median of the samples of RSS_WINDOW_MS. */
const RSS_EVERY_MS = 5000;
const RSS_WINDOW_MS = 30_000;
const PASSWORD = 'soak-admin-password';

interface Sample {
  at: number;
  ms: number;
  op: string;
  ok: boolean;
}

const root = repoRoot();
const dataDir = await mkdtemp(join(tmpdir(), 'jobwire-bench-soak-'));
const nats = await startNatsServer({ storeDir: join(dataDir, 'nats') });
const ferret = await startFerretDb({ dir: join(dataDir, 'ferretdb') });
const children: ManagedProcess[] = [];

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

try {
  const gatewayPort = await freePort();
  const env = {
    NATS_URL: nats.url,
    MONGO_URL: `${ferret.url}/jobwire_soak`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_PASSWORD: PASSWORD,
    BCRYPT_COST,
    RUN_RETENTION_DAYS: String(RUN_RETENTION_MINUTES / 1440),
    CAPTCHA_ENABLED: 'false',
    // One client logs in as one account far more often than a person: no login limits.
    RATE_LIMIT_LOGIN_PER_IP: '0',
    RATE_LIMIT_LOGIN_PER_ACCOUNT: '0',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    HEALTH_HOST: '127.0.0.1',
  };
  const start = async (name: string) => {
    const port = await freePort();
    const child = startProcess({
      name,
      command: process.execPath,
      args: ['--conditions=@jobwire/source', '--import', 'tsx', join(root, 'services', name, 'src', 'main.ts')],
      env: { ...env, ...(name === 'gateway' ? { PORT: String(gatewayPort) } : { HEALTH_PORT: String(port) }) },
      cwd: root,
    });
    children.push(child);
    await waitForHttp(name === 'gateway' ? `http://127.0.0.1:${gatewayPort}/readyz` : `http://127.0.0.1:${port}/readyz`, 60_000, name);
  };
  for (const name of ['users', 'auth', 'jobs', 'executor', 'gateway']) await start(name);
  const gateway = `http://127.0.0.1:${gatewayPort}`;

  const call = async (method: string, path: string, body?: unknown, token?: string): Promise<{ code: number; data: unknown; location: string }> => {
    const response = await fetch(`${gateway}${path}`, {
      method,
      headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const envelope = (await response.json()) as { code: number; data: unknown };
    return { code: envelope.code, data: envelope.data, location: response.headers.get('location') ?? '' };
  };
  const login = async () => {
    const answer = await call('POST', '/login/account', { username: 'admin', password: PASSWORD, deviceId: 'soak' });
    if (answer.code !== 200) throw new Error(`login answered ${answer.code}`);
    return (answer.data as { accessToken: string }).accessToken;
  };
  const token = await login();
  if (typeof token !== 'string') throw new Error('no token in the login answer');
  const jobIds: string[] = [];
  for (let i = 0; i < JOBS; i += 1) {
    const created = await call('POST', '/openJob/save', { jobName: `soak tick ${i}`, handlerName: 'echo', cronExpression: '* * * * * ?', allowOverlap: true }, token);
    const id = created.location.split('/').pop() ?? '';
    if ((await call('PUT', '/openJob/start', { id }, token)).code !== 200) throw new Error('could not start a job');
    jobIds.push(id);
  }
  const manual = (await call('POST', '/openJob/save', { jobName: 'soak manual', handlerName: 'echo', cronExpression: '0 0 0 1 1 ? 2099' }, token)).location.split('/').pop() ?? '';

  let created = 0;
  /** Jobs the soak created, oldest first: the deletes take them in that order. */
  const createdIds: string[] = [];
  const createJob = async () => {
    const answer = await call('POST', '/openJob/save', { jobName: `soak created ${(created += 1)}`, handlerName: 'echo', cronExpression: '0 0 0 1 1 ? 2099' }, token);
    if (answer.code === 200) createdIds.push(answer.location.split('/').pop() ?? '');
    return answer.code === 200;
  };
  // The mix, by weight out of 100.
  const ops: { name: string; weight: number; run(): Promise<boolean> }[] = [
    { name: 'login', weight: 5, run: async () => typeof (await login()) === 'string' },
    { name: 'context', weight: 30, run: async () => (await call('GET', '/openJobUser/currentUser', undefined, token)).code === 200 },
    { name: 'job list', weight: 20, run: async () => (await call('GET', '/openJob/page?current=1&size=20', undefined, token)).code === 200 },
    { name: 'job create', weight: 5, run: createJob },
    // The oldest job the soak created (a create when there is none left).
    ...(DELETES ? [{ name: 'job delete', weight: 5, run: async () => (createdIds.length === 0 ? createJob() : (await call('DELETE', `/openJob/delete/${createdIds.shift()}`, undefined, token)).code === 200) }] : []),
    { name: 'job run', weight: 5, run: async () => (await call('PUT', '/openJob/run', { id: manual }, token)).code === 200 },
    { name: 'run log', weight: 35, run: async () => (await call('GET', '/openJobLog/page?current=1&size=20', undefined, token)).code === 200 },
  ];
  const picks = ops.flatMap((op) => Array.from({ length: op.weight }, () => op));
  const one = async (samples: Sample[]): Promise<void> => {
    const op = picks[Math.floor(Math.random() * picks.length)]!;
    const at = Date.now();
    let ok = false;
    try {
      ok = await op.run();
    } catch {
      ok = false;
    }
    samples.push({ at, ms: Date.now() - at, op: op.name, ok });
  };

  // 1. The most this machine answers with this mix (closed loop).
  const maxSamples: Sample[] = [];
  const maxUntil = Date.now() + MAX_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < maxUntil) await one(maxSamples);
    }),
  );
  const maxRate = maxSamples.length / MAX_SECONDS;
  const rate = maxRate * LOAD_SHARE;
  console.log(`\nmax: ${maxRate.toFixed(1)} calls/s with ${CLIENTS} clients (errors ${maxSamples.filter((s) => !s.ok).length}); soak at ${(LOAD_SHARE * 100).toFixed(0)} %: ${rate.toFixed(1)} calls/s for ${DURATION} s`);

  // 2. The soak: calls started at a steady rate whatever the answers take (open loop).
  const processes = [...children.map((c) => ({ name: c.name, pid: c.pid })), { name: 'nats-server', pid: nats.pid }, { name: 'ferretdb', pid: ferret.pid }];
  const rssStart = processes.map((p) => rssMb(p.pid));
  const rssSamples: { at: number; mb: number[] }[] = [];
  let rssNext = 0;
  const samples: Sample[] = [];
  const inFlight = new Set<Promise<void>>();
  const began = Date.now();
  let issued = 0;
  while (Date.now() - began < DURATION * 1000) {
    const due = Math.floor(((Date.now() - began) / 1000) * rate);
    for (; issued < due; issued += 1) {
      const pending = one(samples).finally(() => inFlight.delete(pending));
      inFlight.add(pending);
    }
    if (Date.now() - began >= rssNext) {
      rssSamples.push({ at: Date.now() - began, mb: processes.map((p) => rssMb(p.pid)) });
      rssNext += RSS_EVERY_MS;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(inFlight);
  const rssMedian = (from: number, to: number) => {
    const window = rssSamples.filter((sample) => sample.at > from && sample.at <= to);
    return processes.map((_, i) => median(window.map((sample) => sample.mb[i]!)));
  };
  const rssWarm = rssMedian(WARMUP * 1000 - RSS_WINDOW_MS, WARMUP * 1000);
  const rssEnd = rssMedian(DURATION * 1000 - RSS_WINDOW_MS, DURATION * 1000);

  console.log('\nminute  calls/s  p50 ms  p99 ms  errors');
  for (let minute = 0; minute * 60 < DURATION; minute += 1) {
    const bucket = samples.filter((s) => s.at - began >= minute * 60_000 && s.at - began < (minute + 1) * 60_000);
    const sorted = bucket.map((s) => s.ms).sort((a, b) => a - b);
    const seconds = Math.min(60, DURATION - minute * 60);
    console.log(`${String(minute + 1).padStart(6)}  ${(bucket.length / seconds).toFixed(1).padStart(7)}  ${String(percentile(sorted, 50)).padStart(6)}  ${String(percentile(sorted, 99)).padStart(6)}  ${String(bucket.filter((s) => !s.ok).length).padStart(6)}`);
  }
  const all = samples.map((s) => s.ms).sort((a, b) => a - b);
  const errors = samples.filter((s) => !s.ok);
  console.log(`\nsoak: ${samples.length} calls, ${(samples.length / DURATION).toFixed(1)} calls/s (${((samples.length / DURATION / maxRate) * 100).toFixed(0)} % of max), p50 ${percentile(all, 50)} ms, p99 ${percentile(all, 99)} ms, errors ${errors.length} (goal 0)`);
  for (const op of ops) {
    const mine = samples.filter((s) => s.op === op.name);
    const sorted = mine.map((s) => s.ms).sort((a, b) => a - b);
    console.log(`  ${op.name.padEnd(10)} ${String(mine.length).padStart(7)} calls  p50 ${percentile(sorted, 50)} ms  p99 ${percentile(sorted, 99)} ms  errors ${mine.filter((s) => !s.ok).length}`);
  }
  console.log(`\nRSS MB, median per minute (runs kept ${RUN_RETENTION_MINUTES} min, ${DELETES ? 'creates followed by deletes' : 'no deletes'}; ${createdIds.length} soak-created jobs stored at the end)`);
  console.log(`minute  ${processes.map((p) => p.name.padStart(11)).join(' ')}`);
  for (let minute = 0; minute * 60 < DURATION; minute += 1) {
    const mb = rssMedian(minute * 60_000, (minute + 1) * 60_000);
    console.log(`${String(minute + 1).padStart(6)}  ${mb.map((value) => value.toFixed(0).padStart(11)).join(' ')}`);
  }
  console.log(`\nRSS MB     start    warm     end   end/warm (goal < 1.10; warm: the ${RSS_WINDOW_MS / 1000} s before ${WARMUP} s, end: the last ${RSS_WINDOW_MS / 1000} s)`);
  processes.forEach((p, i) => {
    const ratio = rssEnd[i]! / Math.max(1, rssWarm[i]!);
    console.log(`  ${p.name.padEnd(11)} ${rssStart[i]!.toFixed(0).padStart(5)}  ${rssWarm[i]!.toFixed(0).padStart(6)}  ${rssEnd[i]!.toFixed(0).padStart(6)}   ${ratio.toFixed(2)}${ratio < 1.1 ? '' : '  MISSED'}`);
  });
  for (const id of jobIds) await call('PUT', '/openJob/stop', { id }, token);
} finally {
  for (const child of children.reverse()) await child.stop();
  await ferret.stop();
  await nats.stop();
  await rm(dataDir, { recursive: true, force: true });
}
