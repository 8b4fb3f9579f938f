import { randomUUID } from 'node:crypto';
import { diagEndpoints, kvBuckets } from '@jobwire/contracts';
import { connectNats, createLogger, createServiceHost, type ServiceHost } from '@jobwire/service-kit';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServers } from '../../../tests/harness/index.js';
import { getJson, mintToken, postJson, startTestGateway, unsignedToken, type RunningGateway } from './gateway.fixture.js';

const logger = createLogger({ name: 'gateway-test', level: 'silent' });

describe('gateway', () => {
  let nc: NatsConnection;
  let gateway: RunningGateway;
  let second: RunningGateway;
  let mirror: RunningGateway;
  let echo: ServiceHost;
  const seen: Array<{ requestId: string; userId: string | undefined; message: string | undefined }> = [];

  beforeAll(async () => {
    const { natsUrl } = testServers();
    nc = await connectNats({ url: natsUrl, name: 'gateway-test', logger });
    echo = createServiceHost(nc, { name: 'diag', version: '0.1.0', logger });
    await echo.endpoint(diagEndpoints.echo, async (request, ctx) => {
      seen.push({ requestId: ctx.requestId, userId: ctx.userId, message: request.message });
      if (request.message === 'slow') await new Promise((resolve) => setTimeout(resolve, 1500));
      return { message: request.message ?? '', at: new Date().toISOString() };
    });
    gateway = await startTestGateway(natsUrl);
    second = await startTestGateway(natsUrl);
    mirror = await startTestGateway(natsUrl, { HTTP_STATUS_MODE: 'mirror', NATS_REQUEST_TIMEOUT_MS: '300' });
  });

  afterAll(async () => {
    const stopping = Date.now();
    await Promise.all([gateway?.stop(), second?.stop(), mirror?.stop()]);
    // Nothing is in flight, so stopping must not wait for the shutdown deadline.
    expect(Date.now() - stopping).toBeLessThan(2000);
    await echo?.stop();
    await nc?.drain();
  });

  describe('GET /api/diag/echo', () => {
    it('when an endpoint answers, then its data comes back in the envelope and the request id travels both ways', async () => {
      const requestId = `test-${randomUUID()}`;
      const { status, headers, body } = await getJson(`${gateway.url}/api/diag/echo?message=hi`, { headers: { 'x-request-id': requestId } });
      expect(status).toBe(200);
      expect(body).toMatchObject({ code: 200, success: true, data: { message: 'hi' } });
      expect(headers.get('x-request-id')).toBe(requestId);
      expect(seen.some((s) => s.requestId === requestId && s.message === 'hi')).toBe(true);
    });

    it('when the caller sends a malformed request id, then the gateway makes its own', async () => {
      const { headers } = await getJson(`${gateway.url}/api/diag/echo`, { headers: { 'x-request-id': 'bad id with spaces' } });
      expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('when the endpoint is slower than the NATS timeout, then code 504', async () => {
      const started = Date.now();
      const { status, body } = await getJson(`${mirror.url}/api/diag/echo?message=slow`);
      expect(body).toMatchObject({ code: 504, success: false });
      expect(status).toBe(504);
      expect(Date.now() - started).toBeLessThan(1400);
    });

    it('sets the helmet headers', async () => {
      const response = await fetch(`${gateway.url}/api/diag/echo`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-powered-by')).toBeNull();
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    });
  });

  describe('routes whose service is not running', () => {
    it('when nothing serves the subject, then HTTP 200 with code 503 in the Open-Job envelope', async () => {
      const { status, body } = await postJson(`${gateway.url}/login/account`, { username: 'admin', password: 'secret-pass', captcha: 'abcd', deviceId: 'device-1' });
      expect(status).toBe(200);
      expect(body).toMatchObject({ code: 503, success: false, data: null });
      expect(String(body.msg)).not.toBe('');
    });

    it('when nothing serves the subject in mirror mode, then HTTP 503', async () => {
      const { status, body } = await postJson(`${mirror.url}/login/account`, { username: 'admin', password: 'secret-pass', captcha: 'abcd', deviceId: 'device-1' });
      expect(status).toBe(503);
      expect(body).toMatchObject({ code: 503 });
    });

    it('answers the IBPS family in its own envelope', async () => {
      const { status, body } = await getJson(`${gateway.url}/ibps/oauth2/v3/user/open`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ request: expect.any(String), variables: {}, data: null });
      expect(body.state).toBeGreaterThanOrEqual(500);
    });
  });

  describe('bad input', () => {
    it('when the JSON is malformed, then code 400 as HTTP 200', async () => {
      const { status, body } = await getJson(`${gateway.url}/login/account`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username": ' });
      expect(status).toBe(200);
      expect(body).toMatchObject({ code: 400, success: false });
    });

    it('when a field has the wrong type, then code 400 naming the field', async () => {
      const { body } = await postJson(`${gateway.url}/login/account`, { username: 42, password: 'x', captcha: 'abcd', deviceId: 'd' });
      expect(body).toMatchObject({ code: 400, success: false });
      expect(String(body.msg)).toContain('body.username');
    });

    it('when a value is a NoSQL operator, then code 400', async () => {
      const { body } = await postJson(`${gateway.url}/login/account`, { username: { $gt: '' }, password: { $ne: null }, captcha: 'abcd', deviceId: 'd' });
      expect(body).toMatchObject({ code: 400 });
    });

    it('when the body is over the limit, then code 400 (413 in mirror mode)', async () => {
      const huge = { username: 'a'.repeat(200_000), password: 'x', captcha: 'abcd', deviceId: 'd' };
      expect((await postJson(`${gateway.url}/login/account`, huge)).body).toMatchObject({ code: 400 });
      expect((await postJson(`${mirror.url}/login/account`, huge)).status).toBe(413);
    });

    it('when an IBPS field is wrong, then state 400 with the field in cause', async () => {
      const { body } = await postJson(`${gateway.url}/ibps/oauth2/v3/user/login`, { username: ['a'], password: 'x' });
      expect(body.state).toBe(400);
      expect(String(body.cause)).toContain('body.username');
    });
  });

  describe('no route', () => {
    it('answers 404 in the family of the path', async () => {
      const openJob = await getJson(`${gateway.url}/openJob/nope`);
      expect(openJob.status).toBe(404);
      expect(openJob.body).toMatchObject({ code: 404, success: false });
      const ibps = await getJson(`${gateway.url}/ibps/oauth2/v3/nope`);
      expect(ibps.status).toBe(404);
      expect(ibps.body).toMatchObject({ state: 404 });
    });

    it('answers 405 with Allow for a wrong method', async () => {
      const { status, headers, body } = await getJson(`${gateway.url}/login/account`, { method: 'GET' });
      expect(status).toBe(405);
      expect(headers.get('allow')).toBe('POST');
      expect(body).toMatchObject({ code: 405 });
    });
  });

  describe('tokens', () => {
    const secured = (base: string) => `${base}/api/diag/echo/auth?message=secure`;
    const ibpsSecured = (base: string) => `${base}/ibps/oauth2/v3/user/context?username=admin`;

    it('when a valid token is sent, then the user id reaches the service', async () => {
      const { token } = mintToken({ sub: '4242' });
      const { status, body } = await getJson(secured(gateway.url), { headers: { authorization: `Bearer ${token}` } });
      expect(status).toBe(200);
      expect(body).toMatchObject({ code: 200, data: { message: 'secure' } });
      expect(seen.some((s) => s.userId === '4242')).toBe(true);
    });

    it('accepts the X-Authorization-access_token header', async () => {
      const { token } = mintToken();
      const { body } = await getJson(secured(gateway.url), { headers: { 'x-authorization-access_token': token } });
      expect(body).toMatchObject({ code: 200 });
    });

    it('when no token is sent, then 401 (Open-Job) and 6020201 (IBPS) as HTTP 200', async () => {
      const openJob = await getJson(`${gateway.url}/openJobUser/currentUser`);
      expect(openJob.status).toBe(200);
      expect(openJob.body).toMatchObject({ code: 401 });
      const ibps = await getJson(ibpsSecured(gateway.url), { method: 'POST' });
      expect(ibps.body).toMatchObject({ state: 6020201 });
    });

    it.each([
      ['signed with another key', () => mintToken({ secret: 'another-secret-that-is-32-bytes-long!!' }).token],
      ['with alg none', () => unsignedToken()],
      ['signed with HS512 while HS256 is pinned', () => mintToken({ algorithm: 'HS512' }).token],
      ['tampered', () => {
        const [h, p, s] = mintToken().token.split('.');
        const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
        claims.sub = '1';
        return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
      }],
      ['garbage', () => 'not-a-jwt'],
    ])('when the token is %s, then it is refused as invalid', async (_name, make) => {
      const token = make();
      const { body } = await getJson(secured(gateway.url), { headers: { authorization: `Bearer ${token}` } });
      expect(body).toMatchObject({ code: 401 });
      const ibps = await getJson(ibpsSecured(gateway.url), { method: 'POST', headers: { 'x-authorization-access_token': token } });
      expect(ibps.body).toMatchObject({ state: 6020201 });
    });

    it('when the token has expired, then 401 (Open-Job) and 6020301 (IBPS, so its front end refreshes)', async () => {
      const { token } = mintToken({ expiresInSeconds: -10 });
      expect((await getJson(secured(gateway.url), { headers: { authorization: `Bearer ${token}` } })).body).toMatchObject({ code: 401 });
      const ibps = await getJson(ibpsSecured(gateway.url), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(ibps.body).toMatchObject({ state: 6020301 });
    });

    it('when a token id is written to the revoked bucket, then every gateway refuses it within 1 second', async () => {
      const { token, jti } = mintToken();
      const headers = { authorization: `Bearer ${token}` };
      expect((await getJson(secured(gateway.url), { headers })).body).toMatchObject({ code: 200 });
      const kv = await new Kvm(nc).open(kvBuckets.revoked.name);
      await kv.put(jti, JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 600 }));
      const deadline = Date.now() + 1000;
      for (const instance of [gateway, second]) {
        let code = 200;
        while (Date.now() < deadline) {
          code = Number((await getJson(secured(instance.url), { headers })).body.code);
          if (code === 401) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(code).toBe(401);
      }
    });

    it('refuses a token from the query string on a route that does not take one there', async () => {
      const { token } = mintToken();
      const { body } = await getJson(`${secured(gateway.url)}&access_token=${token}`);
      expect(body).toMatchObject({ code: 401 });
    });
  });

  describe('graceful stop', () => {
    it('when the gateway stops with a request in flight, then that request still gets its answer and new connections are refused', async () => {
      const stopping = await startTestGateway(testServers().natsUrl);
      const pending = getJson(`${stopping.url}/api/diag/echo?message=slow`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const stopped = stopping.stop();
      const { body } = await pending;
      expect(body).toMatchObject({ code: 200, data: { message: 'slow' } });
      await stopped;
      await expect(fetch(`${stopping.url}/healthz`)).rejects.toThrow();
    });
  });

  describe('docs and probes', () => {
    it('serves a generated OpenAPI 3.1 document and a docs page', async () => {
      const { body } = await getJson(`${gateway.url}/openapi.json`);
      expect(body.openapi).toBe('3.1.0');
      expect(Object.keys(body.paths as object)).toContain('/login/account');
      const page = await fetch(`${gateway.url}/docs`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('swagger-ui');
      const asset = await fetch(`${gateway.url}/docs/assets/swagger-ui-bundle.js`);
      expect(asset.status).toBe(200);
      expect((await asset.text()).length).toBeGreaterThan(100_000);
    });

    it('answers /healthz, /readyz and /metrics', async () => {
      expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).toContain('gateway_responses_total');
      expect(metrics).toMatch(/gateway_responses_total\{[^}]*code_class="5xx"[^}]*\} \d+/);
    });
  });

});
