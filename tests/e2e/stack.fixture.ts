/**
 * A whole Jobwire stack for end-to-end tests: its own nats-server, a database of its own
 * on the harness's FerretDB, the users and auth services and gateways, all in-process.
 */
import { randomBytes } from 'node:crypto';
import { kvBuckets } from '@jobwire/contracts';
import { connectNats, createLogger, type NatsConnection } from '@jobwire/service-kit';
import { Kvm, type KV } from '@nats-io/kv';
import bcrypt from 'bcrypt';
import mongoose from 'mongoose';
import { buildAuthApp, type AuthApp } from '../../services/auth/src/app.js';
import { captchaKey, CaptchaEntrySchema } from '../../services/auth/src/captcha/captcha.service.js';
import { loadAuthConfig } from '../../services/auth/src/config.js';
import { buildGateway, type Gateway } from '../../services/gateway/src/app.js';
import { loadGatewayConfig } from '../../services/gateway/src/config.js';
import { buildUsersApp, type UsersApp } from '../../services/users/src/app.js';
import { loadUsersConfig } from '../../services/users/src/config.js';
import { userModel } from '../../services/users/src/user.model.js';
import { databaseUrl, startIsolatedNats, uniqueDatabaseName } from '../harness/index.js';

export const ADMIN_PASSWORD = 'admin-secret-1';
const logger = createLogger({ name: 'e2e', level: (process.env.E2E_LOG_LEVEL ?? 'silent') as 'silent' });

export interface Json {
  [key: string]: unknown;
}

export interface Answer {
  status: number;
  type: string;
  headers: Headers;
  body: Json;
  bytes: Buffer;
}

export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const bytes = Buffer.from(await response.arrayBuffer());
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, headers: response.headers, bytes, body: type.includes('json') ? (JSON.parse(bytes.toString()) as Json) : {} };
}

export const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  call(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

export interface Stack {
  nc: NatsConnection;
  secret: string;
  gateways: string[];
  startGateway(env?: Record<string, string>): Promise<string>;
  /** Starts one more auth and one more users replica (queue groups share the calls between them). */
  addReplicas(): Promise<void>;
  /** Replaces the auth service with one started with these extra settings. */
  restartAuth(env: Record<string, string>): Promise<void>;
  createUser(account: string, password: string, extra?: Record<string, unknown>): Promise<string>;
  captchaAnswer(clientId: string): Promise<string>;
  stop(): Promise<void>;
}

let userSeq = 0;

/**
 * The flows under test log in and ask for codes far more often per minute than any person;
 * the rate limits have their own test (rate-limits.e2e.test.ts) with low figures.
 */
const GENEROUS_RATE_LIMITS = {
  RATE_LIMIT_LOGIN_PER_IP: '100000',
  RATE_LIMIT_LOGIN_PER_ACCOUNT: '100000',
  RATE_LIMIT_SMS_PER_IP: '100000',
  RATE_LIMIT_SMS_PER_ACCOUNT: '100000',
  RATE_LIMIT_CAPTCHA_PER_IP: '100000',
};

export async function startStack(authEnv: Record<string, string> = {}, usersEnv: Record<string, string> = {}): Promise<Stack> {
  const nats = await startIsolatedNats();
  const dbName = uniqueDatabaseName('e2e');
  const secret = randomBytes(32).toString('hex');
  const startUsers = async () => {
    const app = await buildUsersApp(
      loadUsersConfig({ NATS_URL: nats.url, MONGO_URL: databaseUrl(dbName), ADMIN_PASSWORD, BCRYPT_COST: '4', HEALTH_PORT: '0', LOG_LEVEL: 'silent', ...usersEnv }),
      { logger },
    );
    await app.start();
    return app;
  };
  const users: UsersApp = await startUsers();
  const extras: { stop(): Promise<void> }[] = [];
  const startAuth = async (env: Record<string, string>) => {
    const app = await buildAuthApp(loadAuthConfig({ NATS_URL: nats.url, JWT_SECRET: secret, HEALTH_PORT: '0', LOG_LEVEL: 'silent', ...env }), { logger });
    await app.start();
    return app;
  };
  let auth: AuthApp = await startAuth(authEnv);
  const gateways: Gateway[] = [];
  const urls: string[] = [];
  const nc = await connectNats({ url: nats.url, name: 'e2e', logger });
  const captchaKv: KV = await new Kvm(nc).open(kvBuckets.captcha.name);
  const connection = await mongoose.createConnection(databaseUrl(dbName)).asPromise();
  const userDocs = userModel(connection);

  const stack: Stack = {
    nc,
    secret,
    gateways: urls,
    async startGateway(env = {}) {
      const gateway = await buildGateway(loadGatewayConfig({ NATS_URL: nats.url, JWT_SECRET: secret, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...GENEROUS_RATE_LIMITS, ...env }), { logger });
      const port = await gateway.start();
      gateways.push(gateway);
      urls.push(`http://127.0.0.1:${port}`);
      return `http://127.0.0.1:${port}`;
    },
    async restartAuth(env) {
      await auth.stop();
      auth = await startAuth(env);
    },
    async addReplicas() {
      extras.push(await startAuth(authEnv), await startUsers());
    },
    async createUser(account, password, extra = {}) {
      userSeq += 1;
      const id = `9${String(Date.now()).slice(-12)}${String(userSeq).padStart(5, '0')}`;
      await userDocs.create({ _id: id, account, passwordHash: await bcrypt.hash(password, 4), tenantId: '1', ...extra });
      return id;
    },
    async captchaAnswer(clientId) {
      const entry = await captchaKv.get(captchaKey(clientId));
      return CaptchaEntrySchema.parse(entry?.json()).answer;
    },
    async stop() {
      for (const gateway of gateways) await gateway.stop();
      for (const extra of extras) await extra.stop();
      await auth.stop();
      await users.stop();
      await nc.drain();
      await connection.dropDatabase();
      await connection.close();
      await nats.stop();
    },
  };
  await stack.startGateway();
  return stack;
}

/** A tiny SMS gateway: records what it receives; can be told to fail the next N requests. */
export async function startSmsReceiver(): Promise<{ url: string; received: Json[]; failNext(count: number): void; stop(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const received: Json[] = [];
  let failures = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        res.statusCode = 503;
        res.end();
        return;
      }
      received.push(JSON.parse(body) as Json);
      res.statusCode = 200;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    received,
    failNext: (count) => {
      failures = count;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
