/**
 * bench/gateway — in one run, on loopback:
 *   (a) a bare Express 5 hello-world,
 *   (b) gateway → NATS → a trivial echo endpoint → envelope,
 *   (c) the same with a valid token.
 * Prints requests/s and p50/p99 for each, and the ratios b/a and c/b, loaded (50
 * connections, autocannon) and unloaded (one keep-alive connection, one request at a
 * time, timed in microseconds). The scenarios are interleaved over several rounds and
 * the median of each ratio is the result, because a shared VM's speed drifts between
 * minutes. Absolute numbers depend on the machine; the ratios are the result.
 *
 * Run: pnpm bench:gateway   (ROUNDS=3 DURATION=6 CONNECTIONS=50 UNLOADED_REQUESTS=3000)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort, startNatsServer, waitForHttp } from '@jobwire/devstack';
import autocannon from 'autocannon';
import jwt from 'jsonwebtoken';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const DURATION = Number(process.env.DURATION ?? 6);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const UNLOADED_REQUESTS = Number(process.env.UNLOADED_REQUESTS ?? 3000);
const WARMUP_SECONDS = 2;

interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function spawnTs(file: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--conditions=@jobwire/source', '--import', 'tsx', file], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function firstJsonLine(child: ChildProcess, predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('child did not report ready in time')), timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (predicate(parsed)) {
          clearTimeout(timer);
          resolvePromise(parsed);
        }
      } catch {
        // not JSON: ignore
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${String(code)} before it was ready`)));
  });
}

async function measure(name: string, url: string, connections: number, headers: Record<string, string> = {}): Promise<Measured> {
  const result = await autocannon({ url, connections, duration: DURATION, headers });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** One request at a time over one keep-alive connection, timed with hrtime (autocannon rounds to whole ms). */
async function measureUnloaded(name: string, url: string, headers: Record<string, string> = {}): Promise<Measured> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<number>((resolvePromise, reject) => {
      const started = process.hrtime.bigint();
      const req = httpRequest(url, { agent, headers }, (res) => {
        res.resume();
        res.on('end', () => resolvePromise(res.statusCode === 200 ? Number(process.hrtime.bigint() - started) / 1e6 : -1));
      });
      req.on('error', reject);
      req.end();
    });
  for (let i = 0; i < 200; i += 1) await once();
  const times: number[] = [];
  let failures = 0;
  const started = Date.now();
  for (let i = 0; i < UNLOADED_REQUESTS; i += 1) {
    const ms = await once();
    if (ms < 0) failures += 1;
    else times.push(ms);
  }
  const seconds = (Date.now() - started) / 1000;
  agent.destroy();
  times.sort((x, y) => x - y);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.NaN;
  return { name, rps: UNLOADED_REQUESTS / seconds, p50: at(0.5), p99: at(0.99), errors: 0, non2xx: failures };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null) return resolvePromise();
    child.once('exit', () => resolvePromise());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

const dataDir = await mkdtemp(join(tmpdir(), 'jobwire-bench-'));
const nats = await startNatsServer({ storeDir: join(dataDir, 'nats') });
const children: ChildProcess[] = [];
try {
  const hello = spawnTs(join(here, 'hello.server.ts'), {});
  children.push(hello);
  const helloPort = Number((await firstJsonLine(hello, (l) => typeof l.port === 'number')).port);

  const echo = spawnTs(join(here, 'echo.service.ts'), { NATS_URL: nats.url });
  children.push(echo);
  await firstJsonLine(echo, (l) => l.ready === true);

  const secret = randomBytes(32).toString('hex');
  const gatewayPort = await freePort();
  const gateway = spawnTs(join(root, 'services/gateway/src/main.ts'), {
    NATS_URL: nats.url,
    JWT_SECRET: secret,
    PORT: String(gatewayPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  });
  children.push(gateway);
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  await waitForHttp(`${gatewayUrl}/readyz`, 30_000, 'the gateway');

  const token = jwt.sign({ sub: '1', jti: randomUUID(), tenant: '1' }, secret, { algorithm: 'HS256', expiresIn: 3600 });
  const probe = await (await fetch(`${gatewayUrl}/api/diag/echo/auth?message=x`, { headers: { authorization: `Bearer ${token}` } })).json() as { code: number };
  if (probe.code !== 200) throw new Error(`echo through the gateway answered code ${probe.code}`);

  const targets = {
    a: `http://127.0.0.1:${helloPort}/hello`,
    b: `${gatewayUrl}/api/diag/echo?message=hello`,
    c: `${gatewayUrl}/api/diag/echo/auth?message=hello`,
  };
  const auth = { authorization: `Bearer ${token}` };

  const table = (title: string, rows: Measured[], digits: number) => {
    console.log(`\n${title}`);
    console.log('scenario                    req/s     p50 ms  p99 ms  errors  non-2xx');
    for (const r of rows) {
      console.log(`${r.name.padEnd(26)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(digits).padStart(9)} ${r.p99.toFixed(digits).padStart(7)} ${String(r.errors).padStart(7)} ${String(r.non2xx).padStart(8)}`);
    }
  };
  const names = { a: '(a) bare Express', b: '(b) gateway→NATS→echo', c: '(c) (b) with a token' };
  // Warm every path (JIT, connection pools) before anything is measured.
  await autocannon({ url: targets.a, connections: CONNECTIONS, duration: WARMUP_SECONDS });
  await autocannon({ url: targets.b, connections: CONNECTIONS, duration: WARMUP_SECONDS });
  await autocannon({ url: targets.c, connections: CONNECTIONS, duration: WARMUP_SECONDS, headers: auth });

  const rounds: Array<{ loaded: [Measured, Measured, Measured]; unloaded: [Measured, Measured, Measured] }> = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const loaded: [Measured, Measured, Measured] = [
      await measure(names.a, targets.a, CONNECTIONS),
      await measure(names.b, targets.b, CONNECTIONS),
      await measure(names.c, targets.c, CONNECTIONS, auth),
    ];
    const unloaded: [Measured, Measured, Measured] = [
      await measureUnloaded(names.a, targets.a),
      await measureUnloaded(names.b, targets.b),
      await measureUnloaded(names.c, targets.c, auth),
    ];
    rounds.push({ loaded, unloaded });
    table(`round ${round}, loaded: ${CONNECTIONS} connections, ${DURATION} s each`, loaded, 1);
    table(`round ${round}, unloaded: 1 connection, ${UNLOADED_REQUESTS} requests each`, unloaded, 3);
  }

  const ratio = (x: number, y: number) => (y === 0 ? Number.NaN : x / y);
  const med = (pick: (r: (typeof rounds)[number]) => number) => median(rounds.map(pick));
  const checks = [
    { name: 'b/a requests/s (goal ≥ 0.5, aim 0.7)', value: med((r) => ratio(r.loaded[1].rps, r.loaded[0].rps)), ok: (v: number) => v >= 0.5 },
    { name: 'c/b requests/s (goal ≥ 0.9)', value: med((r) => ratio(r.loaded[2].rps, r.loaded[1].rps)), ok: (v: number) => v >= 0.9 },
    { name: 'b p99/p50 at load (goal ≤ 3)', value: med((r) => ratio(r.loaded[1].p99, r.loaded[1].p50)), ok: (v: number) => v <= 3 },
    { name: 'c p99/p50 at load (goal ≤ 3)', value: med((r) => ratio(r.loaded[2].p99, r.loaded[2].p50)), ok: (v: number) => v <= 3 },
    { name: 'unloaded p50 b/a (goal ≤ 3)', value: med((r) => ratio(r.unloaded[1].p50, r.unloaded[0].p50)), ok: (v: number) => v <= 3 },
  ];
  console.log(`\nratios (median of ${ROUNDS} rounds)`);
  for (const c of checks) console.log(`${c.name.padEnd(40)} ${c.value.toFixed(2).padStart(6)}  ${c.ok(c.value) ? 'met' : 'MISSED'}`);
  const failed = rounds.flatMap((r) => [...r.loaded, ...r.unloaded]).filter((r) => r.errors > 0 || r.non2xx > 0);
  if (failed.length > 0) console.log(`\nrequests failed in: ${[...new Set(failed.map((r) => r.name))].join(', ')}`);
} finally {
  await Promise.all(children.map(stop));
  await nats.stop();
  await rm(dataDir, { recursive: true, force: true });
}
