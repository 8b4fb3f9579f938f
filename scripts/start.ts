/**
 * `npm start`: runs nats-server, FerretDB, every service that exists and the gateway,
 * waits until all are ready, prints where to call them, and stops everything in
 * reverse order on Ctrl-C. Data lives in .data/. The caller's environment reaches
 * every process; NATS_URL and MONGO_URL set where the servers listen too.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFerretDb, startNatsServer, startProcess, waitForHttp, type ManagedProcess } from '@jobwire/devstack';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, '.data');

/** Started in this order, stopped in the reverse one; the gateway comes last. */
const SERVICES = ['users', 'auth', 'jobs', 'executor', 'gateway'] as const;

interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

function portOf(url: string, fallback: number): number {
  try {
    const port = new URL(url).port;
    return port === '' ? fallback : Number(port);
  } catch {
    throw new Error(`cannot read a port from ${url}`);
  }
}

/** A value from the environment, else one kept in .data/<file> (made once), so restarts agree. */
async function persistentSecret(variable: string, file: string, make: () => string): Promise<string> {
  const fromEnv = process.env[variable];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const path = join(dataDir, file);
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  const value = make();
  await writeFile(path, `${value}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return value;
}

/** The probe port each service listens on (their HEALTH_PORT defaults). */
const HEALTH_PORTS: Partial<Record<(typeof SERVICES)[number], number>> = { auth: 9101, users: 9102, jobs: 9103, executor: 9104 };

const running: Stoppable[] = [];
let stopping = false;

async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  for (const part of running.reverse()) {
    try {
      await part.stop();
      console.log(`  stopped ${part.name}`);
    } catch (error) {
      console.error(`  ${part.name} did not stop cleanly: ${String(error)}`);
    }
  }
  process.exit(exitCode);
}

// A repeated Ctrl-C while stopping is ignored: the stop order matters more.
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  await mkdir(dataDir, { recursive: true });
  const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const mongoUrl = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/jobwire';
  const port = process.env.PORT ?? '8080';

  const nats = await startNatsServer({ port: portOf(natsUrl, 4222), storeDir: join(dataDir, 'nats'), logFile: join(dataDir, 'nats-server.log'), detached: true });
  running.push({ name: 'nats-server', stop: () => nats.stop() });
  console.log(`nats-server  ${nats.url}  (JetStream, data in .data/nats)`);

  const ferret = await startFerretDb({ port: portOf(mongoUrl, 27017), dir: join(dataDir, 'ferretdb'), logFile: join(dataDir, 'ferretdb.log'), detached: true });
  running.push({ name: 'FerretDB', stop: () => ferret.stop() });
  console.log(`FerretDB     ${ferret.url}  (SQLite, data in .data/ferretdb)`);

  const env: Record<string, string> = {
    NATS_URL: natsUrl,
    MONGO_URL: mongoUrl,
    JWT_SECRET: await persistentSecret('JWT_SECRET', 'jwt-secret', () => randomBytes(48).toString('base64url')),
    ADMIN_PASSWORD: await persistentSecret('ADMIN_PASSWORD', 'admin-password', () => randomBytes(9).toString('base64url')),
    DEMO_USER_PASSWORD: await persistentSecret('DEMO_USER_PASSWORD', 'demo-user-password', () => randomBytes(9).toString('base64url')),
    SEED_DEMO: 'true',
    PORT: port,
  };

  for (const service of SERVICES) {
    const main = join(root, 'services', service, 'src', 'main.ts');
    if (!existsSync(main)) continue;
    const child: ManagedProcess = startProcess({
      name: service,
      command: process.execPath,
      args: ['--conditions=@jobwire/source', '--import', 'tsx', main],
      env: { ...env, ...(service === 'gateway' ? {} : { PORT: '' }) },
      cwd: root,
      detached: true,
    });
    running.push({ name: service, stop: () => child.stop() });
    const healthPort = HEALTH_PORTS[service];
    if (healthPort !== undefined) await waitForHttp(`http://127.0.0.1:${healthPort}/readyz`, 60_000, `the ${service} service`);
  }

  const gatewayUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${gatewayUrl}/readyz`, 60_000, 'the gateway');
  console.log(`
Jobwire is up.
  gateway   ${gatewayUrl}
  API docs  ${gatewayUrl}/docs   (OpenAPI: ${gatewayUrl}/openapi.json)
  health    ${gatewayUrl}/healthz  ${gatewayUrl}/readyz  ${gatewayUrl}/metrics
  admin     user "admin", password "${env.ADMIN_PASSWORD}"   (ADMIN_PASSWORD, else kept in .data/admin-password)
  demo user user "user", password "${env.DEMO_USER_PASSWORD}"   (DEMO_USER_PASSWORD, else kept in .data/demo-user-password)
  try it    curl -s -X POST ${gatewayUrl}/validate/code -H 'content-type: application/json' -d '{"type":"image","deviceId":"demo"}' -o captcha.png
Press Ctrl-C to stop everything.`);
} catch (error) {
  console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
}
