import { stringify } from 'node:querystring';
import { routes, type RouteDef } from '@jobwire/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testServers } from '../../../tests/harness/index.js';
import { mintToken, startTestGateway, type RunningGateway } from './gateway.fixture.js';

/** A small deterministic PRNG so a failing case can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hostileValues: unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000)' },
  12345,
  -1,
  1e308,
  true,
  null,
  ['a', 'b'],
  { __proto__: { admin: true } },
  'x'.repeat(5000),
  '../../../../etc/passwd',
  '\u0000\u0001\u0002',
];
const hostileQueryValues = ['abc', '-1', '1e999', 'x'.repeat(3000), '../../etc/passwd', '%00', "1' OR '1'='1", '{"$gt":""}'];
const hostileParams = ['abc', '-1', '1%20OR%201%3D1', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(300), '%7B%22%24gt%22%3A%22%22%7D'];

interface FuzzCase {
  route: RouteDef;
  method: string;
  path: string;
  query: Record<string, string>;
  body?: string;
  contentType?: string;
  withToken: boolean;
  why: string;
}

function shapeOf(schema: z.ZodType | undefined): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function fillPath(path: string, value: string): string {
  return path.replace(/:[A-Za-z]+/g, value);
}

function rejectedLocally(route: RouteDef, query: Record<string, string>, body: unknown, paramValue: string | undefined): boolean {
  if (route.query !== undefined && !route.query.safeParse(query).success) return true;
  if (route.body !== undefined && !route.body.safeParse(body ?? {}).success) return true;
  if (route.params !== undefined && paramValue !== undefined) {
    const names = (route.paths[0] ?? '').match(/:[A-Za-z]+/g) ?? [];
    const params = Object.fromEntries(names.map((n) => [n.slice(1), decodeURIComponent(paramValue)]));
    if (!route.params.safeParse(params).success) return true;
  }
  return false;
}

/** Builds requests the contract rejects; any that would pass locally is dropped. */
function buildCases(random: () => number): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  for (const route of routes) {
    const method = route.method.toUpperCase();
    const basePath = route.paths.find((p) => !p.includes(':')) ?? route.paths[0] ?? '/';
    const withToken = route.auth === 'user';
    const sendsBody = route.method !== 'get' && route.body !== undefined;
    if (sendsBody) {
      cases.push({ route, method, path: basePath, query: {}, body: '{"broken": ', contentType: 'application/json', withToken, why: 'malformed JSON' });
      cases.push({ route, method, path: basePath, query: {}, body: JSON.stringify({ big: 'y'.repeat(300_000) }), contentType: 'application/json', withToken, why: 'over the body limit' });
      cases.push({ route, method, path: basePath, query: {}, body: '"just a string"', contentType: 'application/json', withToken, why: 'non-object JSON' });
      for (const field of shapeOf(route.body)) {
        for (let i = 0; i < 3; i += 1) {
          const value = pick(hostileValues);
          const body = { [field]: value };
          if (!rejectedLocally(route, {}, body, undefined)) continue;
          cases.push({ route, method, path: basePath, query: {}, body: JSON.stringify(body), contentType: 'application/json', withToken, why: `body.${field}=${JSON.stringify(value)?.slice(0, 40)}` });
        }
      }
      const polluted = '{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"x": 1}}}';
      if (rejectedLocally(route, {}, JSON.parse(polluted), undefined)) {
        cases.push({ route, method, path: basePath, query: {}, body: polluted, contentType: 'application/json', withToken, why: 'prototype pollution keys' });
      }
    }
    for (const field of shapeOf(route.query)) {
      for (let i = 0; i < 2; i += 1) {
        const value = pick(hostileQueryValues);
        const query = { [field]: value };
        if (!rejectedLocally(route, query, sendsBody ? {} : undefined, undefined)) continue;
        cases.push({ route, method, path: basePath, query, ...(sendsBody ? { body: '{}', contentType: 'application/json' } : {}), withToken, why: `query.${field}=${value.slice(0, 40)}` });
      }
    }
    const paramPath = route.paths.find((p) => p.includes(':'));
    if (paramPath !== undefined) {
      for (const value of hostileParams) {
        if (!rejectedLocally(route, {}, sendsBody ? {} : undefined, value)) continue;
        cases.push({ route, method, path: fillPath(paramPath, value), query: {}, ...(sendsBody ? { body: '{}', contentType: 'application/json' } : {}), withToken, why: `path ${value.slice(0, 40)}` });
      }
    }
    if (route.auth === 'user') {
      cases.push({ route, method, path: basePath, query: {}, withToken: false, why: 'no token' });
    }
  }
  return cases;
}

describe('gateway fuzz: malformed requests across every route', () => {
  let gateway: RunningGateway;
  const seed = Number(process.env.FUZZ_SEED ?? 20261124);
  const cases = buildCases(prng(seed));
  const { token } = mintToken({ expiresInSeconds: 3600 });

  beforeAll(async () => {
    gateway = await startTestGateway(testServers().natsUrl);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it(`builds at least 200 cases covering every route (seed ${seed})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const covered = new Set(cases.map((c) => c.route.id));
    const withInput = routes.filter((r) => r.body !== undefined || r.query !== undefined || r.params !== undefined || r.auth === 'user');
    expect([...covered].length).toBeGreaterThanOrEqual(withInput.length * 0.9);
  });

  it('answers every one with a 4xx-class code in the family envelope, never a 5xx, and stays up', async () => {
    const failures: string[] = [];
    for (const fuzz of cases) {
      const qs = stringify(fuzz.query);
      const headers: Record<string, string> = {};
      if (fuzz.contentType !== undefined) headers['content-type'] = fuzz.contentType;
      if (fuzz.withToken) headers.authorization = `Bearer ${token}`;
      const response = await fetch(`${gateway.url}${fuzz.path}${qs === '' ? '' : `?${qs}`}`, {
        method: fuzz.method,
        headers,
        ...(fuzz.body === undefined ? {} : { body: fuzz.body }),
      });
      const text = await response.text();
      const label = `${fuzz.method} ${fuzz.path} (${fuzz.why})`;
      if (response.status >= 500) {
        failures.push(`${label}: HTTP ${response.status}`);
        continue;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        failures.push(`${label}: not JSON: ${text.slice(0, 80)}`);
        continue;
      }
      const code = Number(fuzz.route.family === 'ibps' ? body.state : body.code);
      if (!Number.isInteger(code) || code === 200 || (code >= 500 && code < 600)) failures.push(`${label}: code ${String(code)}`);
      if (fuzz.route.family !== 'ibps' && body.success !== false) failures.push(`${label}: success is not false`);
    }
    expect(failures).toEqual([]);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });
});
