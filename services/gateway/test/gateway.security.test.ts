/**
 * Hostile input at the gateway: operator objects in every string field, operator keys in
 * every query parameter, prototype-pollution keys, path traversal and oversized headers.
 * Every endpoint subject has a recording subscriber, so each case also shows what reached
 * a service: nothing, or a payload without the hostile part.
 */
import { request as httpRequest } from 'node:http';
import { natsHeaders, routes, type RouteDef } from '@jobwire/contracts';
import { connectNats, createLogger } from '@jobwire/service-kit';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startIsolatedNats } from '../../../tests/harness/index.js';
import { mintToken, startTestGateway, type RunningGateway } from './gateway.fixture.js';

const OPERATOR = { $gt: '' };
const OFF = '0';

interface Forwarded {
  subject: string;
  payload: unknown;
}

function fieldsOf(schema: z.ZodType | undefined): [string, z.ZodType][] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.keys(schema.shape).map((key): [string, z.ZodType] => [key, (schema.shape as Record<string, z.ZodType>)[key]!]);
}

function pathOf(route: RouteDef): string {
  const path = route.paths[0]!;
  return path.replace(/:[A-Za-z]+/g, '1');
}

/** Keys anywhere in a value that a MongoDB query or a prototype chain would act on. */
function hostileKeys(value: unknown, at = '$'): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const found: string[] = [];
  for (const key of Object.keys(value)) {
    if (key.startsWith('$') || key === '__proto__' || key === 'constructor' || key === 'prototype') found.push(`${at}.${key}`);
    found.push(...hostileKeys((value as Record<string, unknown>)[key], `${at}.${key}`));
  }
  return found;
}

describe('gateway: hostile input', () => {
  let nats: Awaited<ReturnType<typeof startIsolatedNats>>;
  let nc: NatsConnection;
  let gateway: RunningGateway;
  const forwarded: Forwarded[] = [];
  const { token } = mintToken({ expiresInSeconds: 3600 });

  const send = async (route: RouteDef, path: string, body: string | undefined) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${gateway.url}${path}`, { method: route.method.toUpperCase(), headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let envelope: Record<string, unknown> = {};
    try {
      envelope = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // left empty: the case reports it
    }
    return { status: response.status, envelope, code: Number(route.family === 'ibps' ? envelope.state : envelope.code) };
  };

  beforeAll(async () => {
    nats = await startIsolatedNats();
    const logger = createLogger({ name: 'security-test', level: 'silent' });
    nc = await connectNats({ url: nats.url, name: 'security-test', logger });
    for (const subject of new Set(routes.map((route) => route.endpoint.subject))) {
      // Records, and answers as a service that found nothing.
      nc.subscribe(subject, {
        callback: (_error, msg) => {
          forwarded.push({ subject, payload: msg.json<unknown>() });
          const h = headers();
          h.set('Nats-Service-Error', 'not found');
          h.set('Nats-Service-Error-Code', '404');
          h.set(natsHeaders.errorKey, 'NOT_FOUND');
          msg.respond(JSON.stringify({ message: 'not found' }), { headers: h });
        },
      });
    }
    await nc.flush();
    gateway = await startTestGateway(nats.url, {
      NATS_REQUEST_TIMEOUT_MS: '300',
      RATE_LIMIT_LOGIN_PER_IP: OFF,
      RATE_LIMIT_LOGIN_PER_ACCOUNT: OFF,
      RATE_LIMIT_SMS_PER_IP: OFF,
      RATE_LIMIT_SMS_PER_ACCOUNT: OFF,
      RATE_LIMIT_CAPTCHA_PER_IP: OFF,
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await nc?.close();
    await nats?.stop();
  });

  it('refuses an operator object in every string field of every body, naming the field, and forwards nothing', async () => {
    const failures: string[] = [];
    let cases = 0;
    for (const route of routes) {
      if (route.method === 'get') continue;
      for (const [field, schema] of fieldsOf(route.body)) {
        // Fields that hold free-form JSON (job params) take objects as data, never as a query.
        if (schema.safeParse(OPERATOR).success) continue;
        cases += 1;
        const before = forwarded.length;
        const answer = await send(route, pathOf(route), JSON.stringify({ [field]: OPERATOR }));
        const label = `${route.method.toUpperCase()} ${pathOf(route)} body.${field}`;
        if (!(answer.code >= 400 && answer.code < 500)) failures.push(`${label}: code ${answer.code}`);
        if (!JSON.stringify(answer.envelope).includes(field)) failures.push(`${label}: the answer does not name the field`);
        if (forwarded.length !== before) failures.push(`${label}: forwarded to ${forwarded[before]!.subject}`);
      }
    }
    expect(cases).toBeGreaterThanOrEqual(40);
    expect(failures).toEqual([]);
  });

  it('drops operator keys in every query parameter: what is forwarded, if anything, holds no operator', async () => {
    const before = forwarded.length;
    let cases = 0;
    for (const route of routes) {
      for (const [field] of fieldsOf(route.query)) {
        cases += 1;
        const body = route.method === 'get' ? undefined : '{}';
        for (const query of [`${field}[$ne]=x`, `${field}[$gt]=`, `${encodeURIComponent(`${field}[$regex]`)}=.*`]) {
          const answer = await send(route, `${pathOf(route)}?${query}`, body);
          expect(answer.status, `${route.id} ?${query}`).toBeLessThan(500);
        }
      }
    }
    expect(cases).toBeGreaterThanOrEqual(30);
    const leaked = forwarded.slice(before).flatMap((entry) => hostileKeys(entry.payload).map((key) => `${entry.subject}: ${key}`));
    expect(leaked).toEqual([]);
  });

  it('strips __proto__ and constructor keys from every body and pollutes no prototype', async () => {
    const before = forwarded.length;
    const polluted = '{"__proto__": {"pollutedByRequest": true}, "constructor": {"prototype": {"pollutedByConstructor": true}}, "nested": {"__proto__": {"deep": true}}}';
    for (const route of routes) {
      if (route.method === 'get' || route.body === undefined) continue;
      const answer = await send(route, pathOf(route), polluted);
      expect(answer.status, route.id).toBeLessThan(500);
    }
    const probe = {} as Record<string, unknown>;
    expect(probe.pollutedByRequest).toBeUndefined();
    expect(probe.pollutedByConstructor).toBeUndefined();
    expect(probe.deep).toBeUndefined();
    const leaked = forwarded.slice(before).flatMap((entry) => hostileKeys(entry.payload).map((key) => `${entry.subject}: ${key}`));
    expect(leaked).toEqual([]);
  });

  /** A raw request, so `..` segments reach the server as sent. */
  const raw = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const url = new URL(gateway.url);
      const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET', headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('serves nothing outside its routes for path traversal', async () => {
    const paths = [
      '/../../../../etc/passwd',
      '/docs/../../../package.json',
      '/docs/..%2F..%2F..%2Fpackage.json',
      '/openJob/info/..%2F..%2F..%2Fetc%2Fpasswd',
      '/openJobLog/info/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/ibps/oauth2/v3/../../../../etc/passwd',
    ];
    for (const path of paths) {
      const answer = await raw(path, { authorization: `Bearer ${token}` });
      expect(answer.status, path).toBeLessThan(500);
      expect(answer.body, path).not.toMatch(/root:x:0:0|"workspaces"|"packageManager"/);
      expect(answer.type, path).toContain('application/json');
    }
  });

  it('answers oversized headers with 431 in the envelope and stays up', async () => {
    const answer = await raw('/openJob/page', { 'x-padding': 'a'.repeat(20_000) });
    expect(answer.status).toBe(431);
    expect(answer.type).toContain('application/json');
    expect(JSON.parse(answer.body)).toMatchObject({ code: 400, success: false, msg: expect.stringMatching(/headers are too large/) });
    // An IBPS path gets the IBPS envelope.
    const ibps = await raw('/ibps/oauth2/v3/user/context', { 'x-padding': 'a'.repeat(20_000) });
    expect(ibps.status).toBe(431);
    expect(JSON.parse(ibps.body)).toMatchObject({ state: 400, request: '/ibps/oauth2/v3/user/context', data: null, message: expect.stringMatching(/headers are too large/) });
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });
});
