import { randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createLogger } from '@jobwire/service-kit';
import { buildGateway, type Gateway } from '../src/app.js';
import { loadGatewayConfig } from '../src/config.js';

export const TEST_JWT_SECRET = randomBytes(32).toString('hex');

export interface RunningGateway {
  url: string;
  stop(): Promise<void>;
}

/** A real gateway on a free port, talking to the harness's nats-server. */
export async function startTestGateway(natsUrl: string, env: Record<string, string> = {}): Promise<RunningGateway> {
  const config = loadGatewayConfig({
    NATS_URL: natsUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NATS_REQUEST_TIMEOUT_MS: '2000',
    ...env,
  });
  const gateway: Gateway = await buildGateway(config, { logger: createLogger({ name: 'gateway-test', level: 'silent' }) });
  const port = await gateway.start();
  return { url: `http://127.0.0.1:${port}`, stop: () => gateway.stop() };
}

export interface TokenOptions {
  sub?: string;
  jti?: string;
  tenant?: string;
  expiresInSeconds?: number;
  secret?: string;
  algorithm?: jwt.Algorithm;
}

/** Signs a token the way the auth service does. */
export function mintToken(options: TokenOptions = {}): { token: string; jti: string } {
  const jti = options.jti ?? randomUUID();
  const token = jwt.sign({ sub: options.sub ?? '1001', jti, tenant: options.tenant ?? '1' }, options.secret ?? TEST_JWT_SECRET, {
    algorithm: options.algorithm ?? 'HS256',
    expiresIn: options.expiresInSeconds ?? 600,
  });
  return { token, jti };
}

/** A token with `alg: none` and no signature. */
export function unsignedToken(): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: '1001', jti: randomUUID(), iat: now, exp: now + 600 })}.`;
}

export async function getJson(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`expected JSON from ${url}, got ${response.status} ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, body };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return getJson(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}
