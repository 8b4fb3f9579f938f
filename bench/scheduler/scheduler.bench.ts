/**
 * bench/scheduler — in one run, each with JOBS jobs firing every second for DURATION s on
 * two scheduler replicas:
 *   (a) plain Agenda 6 with its default settings, the handler in-process;
 *   (b) the jobs service (two replicas) dispatching to a real executor process.
 * For each: fires/s, fire lag (handler start − scheduled time) p50/p99, duplicates,
 * misses, and the run-once pickup time (a `now()` from another process, or the API
 * call, → handler start). Then GET /openJob/page p99 with PAGE_JOBS jobs stored, with
 * and without filters, against a direct mongoose query of the same page.
 *
 * Run: pnpm bench:scheduler   (JOBS=200 DURATION=60 RUN_ONCE=20 PAGE_JOBS=100000 PAGE_SAMPLES=100)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoBackend } from '@agendajs/mongo-backend';
import { broadcastSubjects } from '@jobwire/contracts';
import { freePort, repoRoot, startFerretDb, startNatsServer, startProcess, waitForHttp, type ManagedProcess } from '@jobwire/devstack';
import { connect } from '@nats-io/transport-node';
import { Agenda } from 'agenda';
import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import { jobModel, newJobDocument } from '../../services/jobs/src/jobs/job.model.js';

const JOBS = Number(process.env.JOBS ?? 200);
const DURATION = Number(process.env.DURATION ?? 60);
const RUN_ONCE = Number(process.env.RUN_ONCE ?? 20);
const PAGE_JOBS = Number(process.env.PAGE_JOBS ?? 100_000);
const PAGE_SAMPLES = Number(process.env.PAGE_SAMPLES ?? 100);
const WARMUP_MS = 5000;

interface FireReport {
  key: string;
  kind: 'tick' | 'once';
  due: number;
  start: number;
  replica: string;
}

const root = repoRoot();
const dataDir = await mkdtemp(join(tmpdir(), 'jobwire-bench-scheduler-'));
const nats = await startNatsServer({ storeDir: join(dataDir, 'nats') });
const ferret = await startFerretDb({ dir: join(dataDir, 'ferretdb') });
const nc = await connect({ servers: nats.url });
const reports: FireReport[] = [];
nc.subscribe('bench.fire', {
  callback: (_error, msg) => {
    reports.push(msg.json<FireReport>());
  },
});
const children: ManagedProcess[] = [];
let retries = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

function spawn(name: string, file: string, env: Record<string, string>): ManagedProcess {
  // CPU_PROF_DIR=<dir>: every child writes a V8 CPU profile there when it exits.
  const profile = process.env.CPU_PROF_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROF_DIR}`];
  const child = startProcess({ name, command: process.execPath, args: [...profile, '--conditions=@jobwire/source', '--import', 'tsx', join(root, file)], env: { LOG_LEVEL: 'warn', ...env }, cwd: root, echo: true });
  children.push(child);
  return child;
}

interface Outcome {
  name: string;
  firesPerSecond: number;
  lagP50: number;
  lagP99: number;
  duplicates: number;
  misses: number;
  pickupP50: number;
  pickupP99: number;
}

/** Counts over [from, to): every job should fire once per second boundary in it. */
function summarise(name: string, keys: string[], from: number, to: number, pickups: number[]): Outcome {
  const ticks = reports.filter((r) => r.kind === 'tick' && r.due >= from && r.due < to);
  const seen = new Map<string, number>();
  for (const r of ticks) seen.set(`${r.key}@${r.due}`, (seen.get(`${r.key}@${r.due}`) ?? 0) + 1);
  let duplicates = 0;
  for (const count of seen.values()) duplicates += count - 1;
  let misses = 0;
  for (const key of keys) for (let second = Math.ceil(from / 1000) * 1000; second < to; second += 1000) if (!seen.has(`${key}@${second}`)) misses += 1;
  const lags = ticks.map((r) => r.start - r.due);
  return {
    name,
    firesPerSecond: ticks.length / ((to - from) / 1000),
    lagP50: percentile(lags, 50),
    lagP99: percentile(lags, 99),
    duplicates,
    misses,
    pickupP50: percentile(pickups, 50),
    pickupP99: percentile(pickups, 99),
  };
}

async function pickupTimes(trigger: (index: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUN_ONCE; i += 1) {
    const before = reports.length;
    const asked = Date.now();
    await trigger(i);
    const until = Date.now() + 15_000;
    let found: FireReport | undefined;
    while (found === undefined && Date.now() < until) {
      found = reports.slice(before).find((r) => r.kind === 'once' && r.key === `once-${i}`);
      if (found === undefined) await sleep(5);
    }
    times.push(found === undefined ? Infinity : found.start - asked);
    await sleep(200 + Math.random() * 300);
  }
  return times;
}

async function waitReady(count: number): Promise<void> {
  let ready = 0;
  const sub = nc.subscribe('bench.ready', {
    max: count,
    callback: () => {
      ready += 1;
    },
  });
  const until = Date.now() + 60_000;
  while (ready < count && Date.now() < until) await sleep(50);
  sub.unsubscribe();
  if (ready < count) throw new Error('bench processes did not start');
}

async function plainAgenda(): Promise<Outcome> {
  const mongoUrl = `${ferret.url}/bench_plain_agenda`;
  const client = await mongoose.createConnection(mongoUrl).asPromise();
  const producer = new Agenda({ backend: new MongoBackend({ mongo: client.db! }) });
  await producer.ready;
  const keys = Array.from({ length: JOBS }, (_, i) => `a-${i}`);
  for (const key of keys) await producer.every('* * * * * *', 'tick', { key }, { skipImmediate: true });
  const ready = waitReady(2);
  const replicas = ['a1', 'a2'].map((replica) => spawn(`plain-${replica}`, 'bench/scheduler/plain-agenda.replica.ts', { MONGO_URL: mongoUrl, NATS_URL: nats.url, REPLICA: replica }));
  await ready;
  const from = Date.now() + WARMUP_MS;
  await sleep(WARMUP_MS + DURATION * 1000);
  const to = Date.now();
  const pickups = await pickupTimes(async (i) => {
    await producer.now('once', { key: `once-${i}` });
  });
  await Promise.all(replicas.map((r) => r.stop()));
  await client.dropDatabase();
  await client.close();
  return summarise('(a) plain Agenda 6, defaults', keys, from, to, pickups);
}

/** Where the jobs service of (b) answers, for the paging benchmark even when (b) fails. */
const stackB = { gateway: '', token: '', mongoUrl: '' };

async function jobsService(): Promise<{ outcome: Outcome; gateway: string; token: string; mongoUrl: string }> {
  const mongoUrl = `${ferret.url}/bench_jobs_service`;
  const secret = randomBytes(32).toString('hex');
  const env = { NATS_URL: nats.url, MONGO_URL: mongoUrl, JWT_SECRET: secret, HOST: '127.0.0.1', HEALTH_HOST: '127.0.0.1' };
  const ready = waitReady(1);
  spawn('bench-executor', 'bench/scheduler/bench.executor.ts', env);
  await ready;
  for (const replica of ['b1', 'b2']) {
    const health = await freePort();
    spawn(`jobs-${replica}`, 'services/jobs/src/main.ts', { ...env, INSTANCE_ID: `jobs-${replica}`, HEALTH_PORT: String(health) });
    await waitForHttp(`http://127.0.0.1:${health}/readyz`, 60_000, `jobs ${replica}`);
  }
  const port = await freePort();
  const gateway = `http://127.0.0.1:${port}`;
  spawn('gateway', 'services/gateway/src/main.ts', { ...env, PORT: String(port), HEALTH_PORT: '0' });
  await waitForHttp(`${gateway}/readyz`, 60_000, 'gateway');
  const now = Math.floor(Date.now() / 1000);
  const token = jwt.sign({ sub: '1', jti: randomUUID(), tenant: '1', iat: now, exp: now + 7200 }, secret, { algorithm: 'HS256' });
  Object.assign(stackB, { gateway, token, mongoUrl });
  // FerretDB queues writes under this load; a call that times out is tried again.
  const api = async (method: string, path: string, body?: unknown) => {
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetch(`${gateway}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const answer = (await response.json()) as { code: number; data: unknown };
      if (answer.code === 200) return { answer, location: response.headers.get('location') ?? '' };
      if ((answer.code !== 503 && answer.code !== 504) || attempt === 8) throw new Error(`${method} ${path}: ${JSON.stringify(answer)}`);
      retries += 1;
      await sleep(500 * attempt);
    }
  };
  const keys = Array.from({ length: JOBS }, (_, i) => `b-${i}`);
  const ids: string[] = [];
  for (const key of keys) {
    const { location } = await api('POST', '/openJob/save', { jobName: key, handlerName: 'bench', cronExpression: '* * * * * ?', params: JSON.stringify({ key }) });
    ids.push(location.split('/').pop()!);
  }
  const onceIds: string[] = [];
  for (let i = 0; i < RUN_ONCE; i += 1) {
    const { location } = await api('POST', '/openJob/save', { jobName: `once-${i}`, handlerName: 'bench', cronExpression: '0 0 0 1 1 ?', params: JSON.stringify({ key: `once-${i}`, once: true }) });
    onceIds.push(location.split('/').pop()!);
  }
  // Started ten at a time: under this load each call waits on the database.
  for (let i = 0; i < ids.length; i += 10) await Promise.all(ids.slice(i, i + 10).map((id) => api('PUT', '/openJob/start', { id })));
  const from = Date.now() + WARMUP_MS;
  await sleep(WARMUP_MS + DURATION * 1000);
  const to = Date.now();
  const pickups = await pickupTimes(async (i) => {
    await api('PUT', '/openJob/run', { id: onceIds[i] });
  });
  const outcome = summarise('(b) jobs service + executor', keys, from, to, pickups);
  try {
    for (let i = 0; i < ids.length; i += 10) await Promise.all(ids.slice(i, i + 10).map((id) => api('PUT', '/openJob/stop', { id })));
  } catch (error) {
    console.log(`  stopping the jobs failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { outcome, gateway, token, mongoUrl };
}

async function pageBench(gateway: string, token: string, mongoUrl: string): Promise<void> {
  const connection = await mongoose.createConnection(mongoUrl).asPromise();
  const jobs = jobModel(connection);
  await jobs.init();
  const base = Date.now() - PAGE_JOBS * 1000;
  const handlers = ['echo', 'sleep', 'http', 'bench'];
  for (let offset = 0; offset < PAGE_JOBS; offset += 1000) {
    const batch = Array.from({ length: Math.min(1000, PAGE_JOBS - offset) }, (_, j) => {
      const i = offset + j;
      return newJobDocument({
        _id: String(8_000_000_000_000 + i),
        jobName: `bulk job ${i} ${i % 7 === 0 ? 'nightly' : 'hourly'}`,
        handlerName: handlers[i % handlers.length]!,
        cronExpression: '0 0 * * * ?',
        timezone: 'Asia/Shanghai',
        timeoutSeconds: 60,
        createTime: new Date(base + i * 1000),
      });
    });
    await jobs.insertMany(batch, { ordered: false, lean: true });
  }
  const total = await jobs.estimatedDocumentCount();
  // Written past the service: the replicas read every job again, as after any such write.
  const announced = performance.now();
  nc.publish(broadcastSubjects.jobsCacheInvalidate, '"all"');
  for (;;) {
    const response = await fetch(`${gateway}/openJob/page?current=1&pageSize=1`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { code: number; data?: { total?: string } };
    if (body.code === 200 && body.data?.total === String(total)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.log(`\npage benchmark: ${total} jobs stored; the replicas' job index followed in ${(performance.now() - announced).toFixed(0)} ms`);
  const cases = [
    { name: 'no filter', query: 'current=1&pageSize=10', filter: {}, skip: 0 },
    { name: 'jobName + handlerName + status', query: 'jobName=nightly&handlerName=sleep&status=0&current=3&pageSize=10', filter: { jobName: { $regex: /nightly/ }, handlerName: 'sleep', status: 0 as const }, skip: 20 },
  ];
  for (const c of cases) {
    const api: number[] = [];
    const direct: number[] = [];
    /** Answers other than 200 (a 504 when the query outlasts the NATS request timeout). */
    const failed = new Map<number, number>();
    for (let i = 0; i < PAGE_SAMPLES; i += 1) {
      let t = performance.now();
      const response = await fetch(`${gateway}/openJob/page?${c.query}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { code: number };
      if (body.code === 200) api.push(performance.now() - t);
      else failed.set(body.code, (failed.get(body.code) ?? 0) + 1);
      t = performance.now();
      await Promise.all([
        jobs.find(c.filter).sort({ createTime: -1, _id: -1 }).skip(c.skip).limit(10).lean(),
        jobs.countDocuments(c.filter),
      ]);
      direct.push(performance.now() - t);
    }
    const a99 = percentile(api, 99);
    const d99 = percentile(direct, 99);
    const failures = failed.size === 0 ? '' : ` | not answered: ${[...failed].map(([code, count]) => `${count}× code ${code}`).join(', ')}`;
    console.log(`GET /openJob/page ${c.name.padEnd(32)} p50 ${percentile(api, 50).toFixed(1)} ms  p99 ${a99.toFixed(1)} ms | direct mongoose p50 ${percentile(direct, 50).toFixed(1)} ms  p99 ${d99.toFixed(1)} ms | p99 ratio api/direct ${(a99 / d99).toPrecision(2)}${failures}`);
  }
  await connection.close();
}

try {
  console.log(`bench/scheduler: ${JOBS} every-second jobs for ${DURATION} s on two scheduler replicas, ${RUN_ONCE} run-once samples`);
  const print = (o: Outcome) =>
    console.log(
      `${o.name.padEnd(32)} fires/s ${o.firesPerSecond.toFixed(1).padStart(6)} (of ${JOBS})  lag p50 ${o.lagP50} ms p99 ${o.lagP99} ms  duplicates ${o.duplicates}  misses ${o.misses}  run-once pickup p50 ${o.pickupP50} ms p99 ${o.pickupP99} ms`,
    );
  const a = await plainAgenda();
  console.log('');
  print(a);
  try {
    const b = await jobsService();
    print(b.outcome);
    if (retries > 0) console.log(`  (${retries} API calls answered 503/504 under load and were retried)`);
    const o = b.outcome;
    const verdicts = [
      ['zero duplicates and misses', o.duplicates === 0 && o.misses === 0],
      ['recurring lag p99 <= 250 ms', o.lagP99 <= 250],
      ['lag p99 within 50 ms of (a)', o.lagP99 <= a.lagP99 + 50],
      ['run-once pickup p99 <= 200 ms', o.pickupP99 <= 200],
    ] as const;
    for (const [goal, met] of verdicts) console.log(`  ${met ? 'MET   ' : 'MISSED'} ${goal}`);
  } catch (error) {
    console.log(`(b) jobs service + executor     FAILED: ${error instanceof Error ? error.message : String(error)}`);
    // Stop every fire: the schedule database goes.
    const connection = await mongoose.createConnection(`${stackB.mongoUrl}_schedule`).asPromise();
    await connection.dropDatabase();
    await connection.close();
    await sleep(5000);
  }
  if (PAGE_JOBS > 0 && stackB.gateway !== '') await pageBench(stackB.gateway, stackB.token, stackB.mongoUrl);
} finally {
  // A profiled child writes its profile only when it exits by itself: give it the time.
  for (const child of children.reverse()) await child.stop(process.env.CPU_PROF_DIR === undefined ? undefined : 120_000);
  await nc.drain();
  await ferret.stop();
  await nats.stop();
  await rm(dataDir, { recursive: true, force: true });
}
