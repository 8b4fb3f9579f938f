/**
 * bench/gateway — in one run, on loopback:
 *   (a) a bare Express 5 hello-world,
 *   (b) gateway → NATS → a trivial echo endpoint → envelope,
 *   (c) the same with a valid token.
 * Prints requests/s and p50/p99 for each, and the ratios b/a and c/b, loaded (50
 * connections) and unloaded (1 connection). Absolute numbers depend on the machine;
 * the ratios are the result.
 *
 * Run: pnpm bench:gateway   (DURATION=10 CONNECTIONS=50 to change the load)
 */
import { spawn, type ChildProcess } from 'node:child_process';
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
const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const WARMUP_SECONDS = 3;

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
  await autocannon({ url, connections, duration: WARMUP_SECONDS, headers });
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

  const loaded = [
    await measure('(a) bare Express', targets.a, CONNECTIONS),
    await measure('(b) gateway→NATS→echo', targets.b, CONNECTIONS),
    await measure('(c) (b) with a token', targets.c, CONNECTIONS, auth),
  ];
  const unloaded = [
    await measure('(a) bare Express', targets.a, 1),
    await measure('(b) gateway→NATS→echo', targets.b, 1),
    await measure('(c) (b) with a token', targets.c, 1, auth),
  ];

  const table = (title: string, rows: Measured[]) => {
    console.log(`\n${title}`);
    console.log('scenario                    req/s     p50 ms  p99 ms  errors  non-2xx');
    for (const r of rows) {
      console.log(`${r.name.padEnd(26)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(1).padStart(9)} ${r.p99.toFixed(1).padStart(7)} ${String(r.errors).padStart(7)} ${String(r.non2xx).padStart(8)}`);
    }
  };
  table(`loaded: ${CONNECTIONS} connections, ${DURATION} s each`, loaded);
  table(`unloaded: 1 connection, ${DURATION} s each`, unloaded);

  const [la, lb, lc] = loaded as [Measured, Measured, Measured];
  const [ua, ub] = unloaded as [Measured, Measured, Measured];
  const ratio = (x: number, y: number) => (y === 0 ? Number.NaN : x / y);
  const checks = [
    { name: 'b/a requests/s (goal ≥ 0.5, aim 0.7)', value: ratio(lb.rps, la.rps), ok: ratio(lb.rps, la.rps) >= 0.5 },
    { name: 'c/b requests/s (goal ≥ 0.9)', value: ratio(lc.rps, lb.rps), ok: ratio(lc.rps, lb.rps) >= 0.9 },
    { name: 'b p99/p50 at load (goal ≤ 3)', value: ratio(lb.p99, lb.p50), ok: ratio(lb.p99, lb.p50) <= 3 },
    { name: 'c p99/p50 at load (goal ≤ 3)', value: ratio(lc.p99, lc.p50), ok: ratio(lc.p99, lc.p50) <= 3 },
    { name: 'unloaded p50 b/a (goal ≤ 3)', value: ratio(ub.p50, ua.p50), ok: ratio(ub.p50, ua.p50) <= 3 },
  ];
  console.log('\nratios');
  for (const c of checks) console.log(`${c.name.padEnd(40)} ${c.value.toFixed(2).padStart(6)}  ${c.ok ? 'met' : 'MISSED'}`);
  const failed = [...loaded, ...unloaded].filter((r) => r.errors > 0 || r.non2xx > 0);
  if (failed.length > 0) console.log(`\nrequests failed in: ${failed.map((r) => r.name).join(', ')}`);
} finally {
  await Promise.all(children.map(stop));
  await nats.stop();
  await rm(dataDir, { recursive: true, force: true });
}
