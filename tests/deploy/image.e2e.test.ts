/**
 * What the container image runs, without a Docker engine: each service's bundle made by
 * scripts/bundle.sh (the directory the Dockerfile copies into the runtime stage), started
 * with the Dockerfile's CMD, WORKDIR and ENV in an environment holding only what a
 * container gets, against real nats-server and FerretDB. The Dockerfile's HEALTHCHECK
 * command is run as well.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, repoRoot, startProcess, waitForHttp } from '@jobwire/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, startIsolatedNats, uniqueDatabaseName } from '../harness/index.js';

const run = promisify(execFile);
const SERVICES = ['gateway', 'auth', 'users', 'jobs', 'executor'] as const;
type Service = (typeof SERVICES)[number];

interface RuntimeStage {
  workdir: string;
  env: Record<string, string>;
  cmd: string[];
  healthcheck: string[];
  stopSignal: string;
  user: string;
}

/** Reads the last stage of the Dockerfile, substituting its build arguments. */
function runtimeStage(dockerfile: string, args: Record<string, string>): RuntimeStage {
  const logical = dockerfile.replace(/\\\n\s*/g, ' ').split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  const from = logical.map((line, index) => (line.startsWith('FROM ') ? index : -1)).filter((index) => index >= 0).pop()!;
  const stage: RuntimeStage = { workdir: '/', env: {}, cmd: [], healthcheck: [], stopSignal: 'SIGTERM', user: 'root' };
  const known: Record<string, string> = {};
  const substitute = (text: string) => text.replace(/\$\{(\w+)\}/g, (_whole, name: string) => known[name] ?? '');
  for (const line of logical.slice(from + 1)) {
    const [instruction, ...rest] = line.trim().split(/\s+/);
    const body = rest.join(' ');
    if (instruction === 'ARG') {
      const [name, fallback] = body.split('=');
      known[name!] = args[name!] ?? fallback ?? '';
    } else if (instruction === 'ENV') {
      for (const pair of body.split(/\s+/)) {
        const [name, value] = pair.split('=');
        known[name!] = stage.env[name!] = substitute(value ?? '');
      }
    } else if (instruction === 'WORKDIR') stage.workdir = body;
    else if (instruction === 'USER') stage.user = body;
    else if (instruction === 'STOPSIGNAL') stage.stopSignal = body;
    else if (instruction === 'CMD') stage.cmd = JSON.parse(body) as string[];
    else if (instruction === 'HEALTHCHECK') stage.healthcheck = JSON.parse(body.slice(body.indexOf('CMD ') + 4)) as string[];
  }
  return stage;
}

/** An environment with nothing of this test process in it: what the container's ENV and the deployment give, and a PATH. */
function containerEnv(values: Record<string, string>): Record<string, string | undefined> {
  const cleared = Object.fromEntries(Object.keys(process.env).map((key) => [key, undefined]));
  return { ...cleared, PATH: process.env.PATH, ...values };
}

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) found.push(join(entry.parentPath, entry.name));
  return found;
}

const root = repoRoot();
const PNPM = join(root, '.tools', 'node_modules', '.bin', 'pnpm');
let dockerfile: string;
let work: string;
let nats: { url: string; stop(): Promise<void> };
const dbName = uniqueDatabaseName('image');

beforeAll(async () => {
  dockerfile = await readFile(join(root, 'Dockerfile'), 'utf8');
  work = await mkdtemp(join(tmpdir(), 'jobwire-bundles-'));
  // One build of every service's closure, then the Dockerfile's bundle step per service.
  await run(PNPM, ['--filter', '{./services/*}...', 'run', 'build'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  for (const service of SERVICES) {
    await run('sh', ['scripts/bundle.sh', service, join(work, service)], { cwd: root, env: { ...process.env, JOBWIRE_BUNDLE_SKIP_BUILD: '1' }, maxBuffer: 16 * 1024 * 1024 });
  }
  nats = await startIsolatedNats();
}, 300_000);

afterAll(async () => {
  await nats?.stop();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('the Dockerfile', () => {
  it('copies the manifest of every workspace package before installing', async () => {
    for (const group of ['packages', 'services']) {
      for (const name of await readdir(join(root, group))) {
        if (!existsSync(join(root, group, name, 'package.json'))) continue;
        expect(dockerfile, `${group}/${name}/package.json`).toContain(`COPY ${group}/${name}/package.json ${group}/${name}/`);
      }
    }
  });

  it('runs as a non-root user on a pinned Node 22 image, with SIGTERM as the stop signal', () => {
    const stage = runtimeStage(dockerfile, { SERVICE: 'gateway', PROBE_PORT: '8080' });
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22\.\d+\.\d+-[\w-]+$/m);
    expect(stage.user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(stage.stopSignal).toBe('SIGTERM');
    expect(stage.cmd[0]).toBe('node');
    expect(stage.env.NODE_ENV).toBe('production');
  });
});

describe.each(SERVICES)('the %s bundle', (service: Service) => {
  it('holds compiled code and production dependencies only', async () => {
    const dir = join(work, service);
    const files = (await filesUnder(dir)).map((file) => file.slice(dir.length + 1));
    expect(files).toContain('dist/main.js');
    const own = files.filter((file) => !file.startsWith('node_modules/') || file.includes('/@jobwire/'));
    const jobwireSources = own.filter((file) => /(^|\/)(src|test)\//.test(file) || /\.test\.[jt]s$/.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts')));
    expect(jobwireSources).toEqual([]);
    for (const devTool of ['typescript', 'vitest', 'tsx', 'eslint', '@jobwire/devstack']) expect(existsSync(join(dir, 'node_modules', devTool)), devTool).toBe(false);
    expect(files.filter((file) => /(^|\/)\.env|secrets\.env$/.test(file))).toEqual([]);
  });

  it("starts with the Dockerfile's CMD, answers /healthz and /readyz and the HEALTHCHECK, and exits 0 on SIGTERM", async () => {
    const probePort = await freePort();
    const stage = runtimeStage(dockerfile, { SERVICE: service, PROBE_PORT: String(probePort) });
    expect(stage.workdir).toBe('/app');
    const secret = randomBytes(32).toString('hex');
    const settings: Record<Service, Record<string, string>> = {
      gateway: { PORT: String(probePort), HOST: '127.0.0.1', JWT_SECRET: secret },
      auth: { JWT_SECRET: secret, SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms' },
      users: { MONGO_URL: databaseUrl(dbName) },
      jobs: { MONGO_URL: databaseUrl(`${dbName}j`) },
      executor: {},
    };
    const env = containerEnv({
      ...stage.env,
      NATS_URL: nats.url,
      LOG_LEVEL: 'info',
      INSTANCE_ID: `${service}-image-test`,
      ...(service === 'gateway' ? {} : { HEALTH_PORT: String(probePort), HEALTH_HOST: '127.0.0.1' }),
      ...settings[service],
    });
    const [command, ...args] = stage.cmd;
    // The bundle directory stands in for WORKDIR /app.
    const child = startProcess({ name: `${service}-image`, command: command!, args, env, cwd: join(work, service), echo: false });
    let stopping = false;
    const exitedEarly = child.exited.then((code) => {
      if (!stopping) throw new Error(`${service} exited with ${String(code)} before it was stopped:\n${child.tail()}`);
    });
    exitedEarly.catch(() => undefined);
    try {
      await Promise.race([waitForHttp(`http://127.0.0.1:${probePort}/healthz`, 60_000, `${service} /healthz`), exitedEarly]);
      await waitForHttp(`http://127.0.0.1:${probePort}/readyz`, 30_000, `${service} /readyz`);
      const [hcCommand, ...hcArgs] = stage.healthcheck;
      await expect(run(hcCommand!, hcArgs, { cwd: join(work, service), env: env })).resolves.toBeDefined();
      // The log is JSON (pino) and says the production settings were taken.
      expect(child.tail()).not.toMatch(/"level":(50|60)/);
    } finally {
      stopping = true;
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        // Already gone: exitedEarly has said why.
      }
    }
    const started = Date.now();
    expect(await child.exited, child.tail()).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    // With the process gone the HEALTHCHECK fails.
    const [hcCommand, ...hcArgs] = stage.healthcheck;
    await expect(run(hcCommand!, hcArgs, { cwd: join(work, service), env: env })).rejects.toBeDefined();
  }, 90_000);
});
