/**
 * The jobs part of Jobwire for end-to-end tests: its own nats-server, a database of its
 * own on the harness's FerretDB, jobs-service replicas and sample executors as real child
 * processes (so a test can SIGKILL them), and an in-process gateway with a signed token.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { broadcastSubjects } from '@jobwire/contracts';
import { createLogger } from '@jobwire/service-kit';
import { connect } from '@nats-io/transport-node';
import { repoRoot, startProcess, waitForHttp, freePort, type ManagedProcess } from '@jobwire/devstack';
import jwt from 'jsonwebtoken';
import mongoose, { type Connection } from 'mongoose';
import { buildGateway, type Gateway } from '../../services/gateway/src/app.js';
import { loadGatewayConfig } from '../../services/gateway/src/config.js';
import { jobModel, type JobModel } from '../../services/jobs/src/jobs/job.model.js';
import { runModel, type RunModel } from '../../services/jobs/src/runs/run.model.js';
import { databaseUrl, startIsolatedNats, uniqueDatabaseName, type IsolatedServer } from '../harness/index.js';

const logger = createLogger({ name: 'jobs-e2e', level: 'silent' });
const echoChildren = process.env.E2E_CHILD_LOGS === 'true';

export interface Json {
  [key: string]: unknown;
}

export interface Envelope {
  code: number;
  msg: string;
  data: unknown;
  success: boolean;
}

export interface Replica {
  name: string;
  process: ManagedProcess;
  healthPort: number;
  /** Every line the process wrote, when the stack was started with a log folder. */
  logFile?: string;
}

export interface JobsStack {
  natsUrl: string;
  /** The stack's own nats-server, which a test may restart. */
  nats: IsolatedServer;
  gatewayUrl: string;
  token: string;
  jobs: JobModel;
  runs: RunModel;
  db: Connection;
  /** Agenda's collections (agendaJobs, agendaClaims) are in a database of their own. */
  scheduleDb: Connection;
  /** The users service's database (startPlatformService('users')). */
  usersDb: Connection;
  /** The secret the stack's tokens are signed with. */
  jwtSecret: string;
  replicas: Replica[];
  executors: Replica[];
  startJobsReplica(env?: Record<string, string>): Promise<Replica>;
  startExecutor(env?: Record<string, string>): Promise<Replica>;
  /** A gateway as its own process (the stack's own gateway runs in the test process), taking the stack's token. */
  startGatewayProcess(env?: Record<string, string>): Promise<Replica>;
  /**
   * Another service of the platform as its own process on the stack's servers: auth,
   * users (a database of its own) or a gateway (generous rate limits; its URL is
   * `http://127.0.0.1:<healthPort>`).
   */
  startPlatformService(name: 'auth' | 'users' | 'gateway', env?: Record<string, string>): Promise<Replica>;
  /** After writing job definitions directly: every jobs replica drops its cached copies. */
  invalidateJobCache(): Promise<void>;
  /** Calls the gateway with the token; answers the parsed Open-Job envelope. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: Envelope }>;
  stop(): Promise<void>;
}

/** Rate limits off (0): a fault test's clients call far more often than people do; the limits have their own test. */
const RATE_LIMITS_OFF = { RATE_LIMIT_LOGIN_PER_IP: '0', RATE_LIMIT_LOGIN_PER_ACCOUNT: '0', RATE_LIMIT_SMS_PER_IP: '0', RATE_LIMIT_SMS_PER_ACCOUNT: '0', RATE_LIMIT_CAPTCHA_PER_IP: '0' };

function serviceMain(name: string): string {
  return join(repoRoot(), 'services', name, 'src', 'main.ts');
}

/** Starts a service as its own process; `portVariable` names the setting its probes listen on (the gateway's is PORT). */
async function startService(name: string, env: Record<string, string>, portVariable = 'HEALTH_PORT', logDir?: string): Promise<Replica> {
  const healthPort = await freePort();
  const instance = `${name}-${randomUUID().slice(0, 8)}`;
  const logFile = logDir === undefined ? undefined : join(logDir, `${instance}.log`);
  const child = startProcess({
    name: instance,
    ...(logFile === undefined ? {} : { logFile }),
    command: process.execPath,
    args: ['--conditions=@jobwire/source', '--import', 'tsx', serviceMain(name)],
    env: { LOG_LEVEL: echoChildren ? 'info' : 'warn', [portVariable]: String(healthPort), HEALTH_HOST: '127.0.0.1', HOST: '127.0.0.1', INSTANCE_ID: instance, ...env },
    cwd: repoRoot(),
    echo: echoChildren,
  });
  try {
    await waitForHttp(`http://127.0.0.1:${healthPort}/readyz`, 60_000, instance);
  } catch (error) {
    await child.stop(1000);
    throw new Error(`${instance} did not become ready: ${error instanceof Error ? error.message : String(error)}\n${child.tail()}`);
  }
  return { name: instance, process: child, healthPort, ...(logFile === undefined ? {} : { logFile }) };
}

export interface JobsStackOptions {
  replicas?: number;
  executors?: number;
  jobsEnv?: Record<string, string>;
  /** A database server of the test's own (a URL without a database name); the harness's by default. */
  mongoServerUrl?: string;
  /** A folder for every process's output, one file each (Replica.logFile). */
  logDir?: string;
}

export async function startJobsStack(options: JobsStackOptions = {}): Promise<JobsStack> {
  const nats = await startIsolatedNats();
  const dbName = uniqueDatabaseName('jobs');
  const mongoUrl = options.mongoServerUrl === undefined ? databaseUrl(dbName) : `${options.mongoServerUrl.replace(/\/$/, '')}/${dbName}`;
  const usersUrl = mongoUrl.replace(`/${dbName}`, `/${dbName}_users`);
  const secret = randomBytes(32).toString('hex');
  const baseEnv = { NATS_URL: nats.url };
  const jobsEnv = { ...baseEnv, MONGO_URL: mongoUrl, DEFAULT_TIMEZONE: 'Asia/Shanghai', ...options.jobsEnv };
  const replicas: Replica[] = [];
  const executors: Replica[] = [];
  const gateway: Gateway = await buildGateway(loadGatewayConfig({ NATS_URL: nats.url, JWT_SECRET: secret, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), { logger });
  const port = await gateway.start();
  const gatewayUrl = `http://127.0.0.1:${port}`;
  const now = Math.floor(Date.now() / 1000);
  const token = jwt.sign({ sub: '1', jti: randomUUID(), tenant: '1', iat: now, exp: now + 3600 }, secret, { algorithm: 'HS256' });
  const db = await mongoose.createConnection(mongoUrl).asPromise();
  const scheduleDb = db.useDb(`${dbName}_schedule`);

  const stack: JobsStack = {
    natsUrl: nats.url,
    nats,
    gatewayUrl,
    token,
    jobs: jobModel(db),
    runs: runModel(db),
    db,
    scheduleDb,
    usersDb: db.useDb(`${dbName}_users`),
    jwtSecret: secret,
    replicas,
    executors,
    async startJobsReplica(env = {}) {
      const replica = await startService('jobs', { ...jobsEnv, ...env }, 'HEALTH_PORT', options.logDir);
      replicas.push(replica);
      return replica;
    },
    async startExecutor(env = {}) {
      const executor = await startService('executor', { ...baseEnv, ...env }, 'HEALTH_PORT', options.logDir);
      executors.push(executor);
      return executor;
    },
    async startGatewayProcess(env = {}) {
      return startService('gateway', { ...baseEnv, JWT_SECRET: secret, ...env }, 'PORT', options.logDir);
    },
    async startPlatformService(name, env = {}) {
      const own: Record<string, Record<string, string>> = {
        auth: { JWT_SECRET: secret },
        users: { MONGO_URL: usersUrl, ADMIN_PASSWORD: 'admin-secret-1', BCRYPT_COST: '4' },
        gateway: { JWT_SECRET: secret, ...RATE_LIMITS_OFF },
      };
      return startService(name, { ...baseEnv, ...own[name], ...env }, name === 'gateway' ? 'PORT' : 'HEALTH_PORT', options.logDir);
    },
    async invalidateJobCache() {
      const nc = await connect({ servers: nats.url });
      nc.publish(broadcastSubjects.jobsCacheInvalidate, '"all"');
      await nc.drain();
    },
    async api(method, path, body) {
      const response = await fetch(`${gatewayUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as Envelope };
    },
    async stop() {
      await Promise.allSettled([...replicas, ...executors].map((replica) => replica.process.stop(15_000)));
      await gateway.stop();
      await db.dropDatabase().catch(() => undefined);
      await scheduleDb.dropDatabase().catch(() => undefined);
      await db.useDb(`${dbName}_users`).dropDatabase().catch(() => undefined);
      await db.close();
      await nats.stop();
    },
  };
  try {
    for (let i = 0; i < (options.replicas ?? 1); i += 1) await stack.startJobsReplica();
    for (let i = 0; i < (options.executors ?? 1); i += 1) await stack.startExecutor();
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

/** Creates a job through the API and answers its id (from the Location header). */
export async function createJob(stack: JobsStack, body: Json): Promise<string> {
  const answer = await stack.api('POST', '/openJob/save', body);
  if (answer.body.code !== 200) throw new Error(`create failed: ${JSON.stringify(answer.body)}`);
  const location = answer.headers.get('location') ?? '';
  const id = location.split('/').pop() ?? '';
  if (id === '') throw new Error('no Location header on create');
  return id;
}
