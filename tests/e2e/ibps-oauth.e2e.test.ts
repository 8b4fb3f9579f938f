import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, call, post, startStack, type Json, type Stack } from './stack.fixture.js';

const IBPS = '/ibps/oauth2/v3';

describe('the IBPS front end’s OAuth sequence', () => {
  let stack: Stack;
  let gateway: string;
  let adminToken: string;
  let client: { clientId: string; clientSecret: string };

  const ibps = (path: string, body: unknown, token?: string) =>
    post(`${gateway}${IBPS}${path}`, body, token === undefined ? {} : { 'x-authorization-access_token': token });
  const loginApply = async (username: string, password: string) => String((await ibps('/user/login/apply', { username, password, captcha: '', requestId: '' })).body.data);
  const tokensFor = async (loginState: string) => {
    const code = (await ibps('/authorize/apply', { login_state: loginState, client_id: client.clientId })).body;
    expect(code).toMatchObject({ state: 200, data: expect.any(String) });
    const applied = await ibps('/authentication/apply', { grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, authorize_code: String(code.data) });
    expect(applied.body).toMatchObject({ state: 200 });
    return applied.body.data as { access_token: string; refresh_token: string; uid: string; expires_in: number; scope: string };
  };

  beforeAll(async () => {
    stack = await startStack({ CAPTCHA_ENABLED: 'false' });
    gateway = stack.gateways[0]!;
    adminToken = await loginApply('admin', ADMIN_PASSWORD);
    const created = await post(`${gateway}/api/clients`, { clientId: 'ibps-web', name: 'IBPS front end' }, { authorization: `Bearer ${adminToken}` });
    expect(created.status).toBe(200);
    client = created.body.data as { clientId: string; clientSecret: string };
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('login/apply → authorize/apply → authentication/apply → context, then a refresh after state 6020301', async () => {
    const userId = await stack.createUser('wang', 'wang-pass-1', { fullName: '王五' });
    const tokens = await tokensFor(await loginApply('wang', 'wang-pass-1'));
    expect(tokens).toMatchObject({ uid: userId, expires_in: 7200, scope: 'all' });

    const context = await post(`${gateway}${IBPS}/user/context?username=wang`, {}, { 'x-authorization-access_token': tokens.access_token });
    expect(context.body).toMatchObject({ state: 200, data: { user: { id: userId, account: 'wang', password: null } } });

    // The front end meets an expired token, refreshes by itself, and carries on.
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign({ sub: userId, jti: randomUUID(), tenant: '1', iat: now - 7300, exp: now - 100 }, stack.secret, { algorithm: 'HS256' });
    expect((await post(`${gateway}${IBPS}/user/context?username=wang`, {}, { 'x-authorization-access_token': expired })).body).toMatchObject({ state: 6020301 });
    const refreshed = await ibps('/authentication/apply', { grant_type: 'refresh_token', client_id: client.clientId, refresh_token: tokens.refresh_token });
    expect(refreshed.body).toMatchObject({ state: 200, data: { uid: userId, access_token: expect.any(String), refresh_token: expect.any(String) } });
    const next = refreshed.body.data as { access_token: string };
    expect((await post(`${gateway}${IBPS}/user/context?username=wang`, {}, { 'x-authorization-access_token': next.access_token })).body).toMatchObject({ state: 200 });
  });

  it('makes an authorization code single use and bound to its client', async () => {
    const code = String((await ibps('/authorize/apply', { login_state: adminToken, client_id: client.clientId })).body.data);
    const other = await post(`${gateway}/api/clients`, { clientId: 'other-app', name: 'Other' }, { authorization: `Bearer ${adminToken}` });
    const otherClient = other.body.data as { clientId: string; clientSecret: string };
    const wrongClient = await ibps('/authentication/apply', { grant_type: 'authorization_code', client_id: otherClient.clientId, client_secret: otherClient.clientSecret, authorize_code: code });
    expect(wrongClient.body.state).not.toBe(200);
    // The wrong client's attempt spent it as well.
    const again = await ibps('/authentication/apply', { grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, authorize_code: code });
    expect(again.body.state).not.toBe(200);
    const badSecret = await ibps('/authentication/apply', { grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'nope' });
    expect(badSecret.body).toMatchObject({ state: 401 });
  });

  it('when a spent refresh token is used again, then the whole token family is revoked', async () => {
    const first = await tokensFor(adminToken);
    const second = (await ibps('/authentication/apply', { grant_type: 'refresh_token', client_id: client.clientId, refresh_token: first.refresh_token })).body.data as { access_token: string; refresh_token: string };
    const reuse = await ibps('/authentication/apply', { grant_type: 'refresh_token', client_id: client.clientId, refresh_token: first.refresh_token });
    expect(reuse.body).toMatchObject({ state: 6020201 });
    const deadline = Date.now() + 1000;
    let state = 200;
    while (Date.now() < deadline && state === 200) {
      state = Number((await post(`${gateway}${IBPS}/user/context?username=admin`, {}, { 'x-authorization-access_token': second.access_token })).body.state);
    }
    expect(state).toBe(6020201);
    expect((await ibps('/authentication/apply', { grant_type: 'refresh_token', client_id: client.clientId, refresh_token: second.refresh_token })).body.state).not.toBe(200);
  });

  it('grants password and client credentials, and verifies tokens', async () => {
    const password = await ibps('/authentication/apply', { grant_type: 'password_credentials', username: 'admin', password: ADMIN_PASSWORD });
    const token = password.body.data as { access_token: string; uid: string };
    expect((await call(`${gateway}${IBPS}/authentication/verify?access_token=${token.access_token}&uid=${token.uid}`, { method: 'POST' })).body).toMatchObject({ state: 200, data: true });
    expect((await call(`${gateway}${IBPS}/authentication/verify?access_token=${token.access_token}&uid=someone-else`, { method: 'POST' })).body).toMatchObject({ data: false });
    expect((await call(`${gateway}${IBPS}/authentication/verify?access_token=garbage`, { method: 'POST' })).body).toMatchObject({ data: false });
    const wrong = await ibps('/authentication/apply', { grant_type: 'password_credentials', username: 'admin', password: 'wrong' });
    expect(wrong.body).toMatchObject({ state: 2 });

    const credentials = await ibps('/authentication/apply', { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret });
    expect(credentials.body).toMatchObject({ state: 200, data: { access_token: expect.any(String), uid: `c:${client.clientId}` } });
    expect((credentials.body.data as Json).refresh_token).toBeUndefined();
    // A client token verifies too (its subject, `c:<client>`, is no user: found by schemathesis as a 500).
    const clientToken = (credentials.body.data as { access_token: string }).access_token;
    expect((await call(`${gateway}${IBPS}/authentication/verify?access_token=${clientToken}`, { method: 'POST' })).body).toMatchObject({ state: 200, data: true });
  });

  it('lets a user give a client a one-time code that the client trades for the user’s profile', async () => {
    await stack.createUser('zhao', 'zhao-pass-1', { fullName: '赵六', mobile: '13811112222', email: 'zhao@example.com' });
    const userToken = await loginApply('zhao', 'zhao-pass-1');
    const code = String((await post(`${gateway}${IBPS}/user/authorize?clientId=${client.clientId}`, {}, { 'x-authorization-access_token': userToken })).body.data);
    const clientToken = ((await ibps('/authentication/apply', { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret })).body.data as { access_token: string }).access_token;

    // A user token is not the client's token.
    expect((await post(`${gateway}${IBPS}/user/getUserInfo?code=${code}`, {}, { 'x-authorization-access_token': userToken })).body).toMatchObject({ state: 403 });
    const info = await post(`${gateway}${IBPS}/user/getUserInfo?code=${code}`, {}, { 'x-authorization-access_token': clientToken });
    expect(info.body).toMatchObject({ state: 200, data: { account: 'zhao', name: '赵六', mobile: '13811112222', email: 'zhao@example.com', tenantId: '1' } });
    expect(JSON.stringify(info.body)).not.toContain('password');
    expect((await post(`${gateway}${IBPS}/user/getUserInfo?code=${code}`, {}, { 'x-authorization-access_token': clientToken })).body.state).not.toBe(200);
  });

  it('keeps the client list to administrators', async () => {
    const userToken = await loginApply('zhao', 'zhao-pass-1');
    const refused = await call(`${gateway}/api/clients`, { headers: { authorization: `Bearer ${userToken}` } });
    expect(refused.status).toBe(403);
    const listed = await call(`${gateway}/api/clients`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(listed.body).toMatchObject({ code: 200 });
    expect(JSON.stringify(listed.body)).not.toMatch(/secret/i);
  });
});
