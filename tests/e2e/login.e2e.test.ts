import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, call, post, startStack, type Stack } from './stack.fixture.js';

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('auth service through the gateway', () => {
  let stack: Stack;
  let gatewayA: string;
  let gatewayB: string;

  const answerFor = (clientId: string) => stack.captchaAnswer(clientId);
  const newCaptcha = async (base: string, deviceId: string) => {
    const response = await post(`${base}/validate/code`, { type: 'image', deviceId });
    expect(response.type).toContain('image/png');
    return answerFor(deviceId);
  };
  const login = async (base: string, username: string, password: string) => {
    const deviceId = `dev-${randomBytes(4).toString('hex')}`;
    const captcha = await newCaptcha(base, deviceId);
    return post(`${base}/login/account`, { username, password, captcha, deviceId, type: 'account', autoLogin: true });
  };

  beforeAll(async () => {
    stack = await startStack();
    gatewayA = stack.gateways[0]!;
    gatewayB = await stack.startGateway();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('captchas', () => {
    it('answers a real PNG of at least 100×38 for POST /validate/code and /validate/code/image', async () => {
      for (const url of [`${gatewayA}/validate/code`, `${gatewayA}/validate/code/image`]) {
        const response = await post(url, { type: 'image', deviceId: `png-${randomBytes(3).toString('hex')}` });
        expect(response.status).toBe(200);
        const size = pngSize(response.bytes);
        expect(size.width).toBeGreaterThanOrEqual(100);
        expect(size.height).toBeGreaterThanOrEqual(38);
      }
    });

    it('answers the IBPS captcha as a data URL with variables.requestId', async () => {
      const { body } = await call(`${gatewayA}/ibps/oauth2/v3/user/captcha`);
      expect(body.state).toBe(200);
      expect(String(body.data)).toMatch(/^data:image\/png;base64,/);
      const requestId = (body.variables as { requestId?: string }).requestId;
      expect(requestId).toMatch(/^[0-9a-f]{32}$/);
      pngSize(Buffer.from(String(body.data).split(',')[1] ?? '', 'base64'));
      expect(await answerFor(requestId!)).toMatch(/^[a-z0-9]{4}$/);
      expect((await call(`${gatewayA}/ibps/oauth2/v3/captcha/open`)).body).toMatchObject({ state: 200, data: true });
    });

    it('when the answer is wrong, then 1006 and the captcha is spent (the right answer fails after)', async () => {
      const deviceId = 'dev-wrong-1';
      const answer = await newCaptcha(gatewayA, deviceId);
      const wrong = await post(`${gatewayA}/login/account`, { username: 'admin', password: ADMIN_PASSWORD, captcha: 'zzzz', deviceId });
      expect(wrong.status).toBe(200);
      expect(wrong.body).toMatchObject({ code: 1006, success: false });
      const retry = await post(`${gatewayA}/login/account`, { username: 'admin', password: ADMIN_PASSWORD, captcha: answer, deviceId });
      expect(retry.body).toMatchObject({ code: 1006 });
    });

    it('when a right answer is replayed, then only the first login passes; answers are case-insensitive', async () => {
      const deviceId = 'dev-replay-1';
      const answer = await newCaptcha(gatewayA, deviceId);
      const first = await post(`${gatewayA}/login/account`, { username: 'admin', password: ADMIN_PASSWORD, captcha: answer.toUpperCase(), deviceId });
      expect(first.body).toMatchObject({ code: 200 });
      const replay = await post(`${gatewayA}/login/account`, { username: 'admin', password: ADMIN_PASSWORD, captcha: answer, deviceId });
      expect(replay.body).toMatchObject({ code: 1006 });
    });

    it('when a new captcha is made for the same device, then the old answer no longer works', async () => {
      const deviceId = 'dev-replace-1';
      const old = await newCaptcha(gatewayA, deviceId);
      let fresh = await newCaptcha(gatewayA, deviceId);
      while (fresh === old) fresh = await newCaptcha(gatewayA, deviceId);
      const response = await post(`${gatewayA}/login/account`, { username: 'admin', password: ADMIN_PASSWORD, captcha: old, deviceId });
      expect(response.body).toMatchObject({ code: 1006 });
    });
  });

  describe('password login and tokens', () => {
    it('when the password is right, then a token pair in the Open-Job shape that opens currentUser', async () => {
      const { body } = await login(gatewayA, 'admin', ADMIN_PASSWORD);
      expect(body).toMatchObject({ code: 200, success: true });
      const data = body.data as { accessToken: string; expiredTime: string; refreshToken: string };
      expect(Number(data.expiredTime)).toBeGreaterThan(Date.now());
      const me = await call(`${gatewayA}/openJobUser/currentUser`, { headers: { authorization: `Bearer ${data.accessToken}` } });
      expect(me.body).toMatchObject({ code: 200, data: { username: 'admin', status: 1 } });
      expect(JSON.stringify(me.body)).not.toMatch(/passwordHash|\$2[aby]\$/);
    });

    it('when the account is unknown or the password wrong, then the same 1005 answer', async () => {
      const unknown = await login(gatewayA, 'nobody-here', 'whatever-1');
      const wrong = await login(gatewayA, 'admin', 'not-the-password');
      expect(unknown.body).toMatchObject({ code: 1005, success: false });
      expect(wrong.body).toEqual(unknown.body);
    });

    it('logs in on the IBPS family with requestId and answers the token string, accepted by the Open-Job family', async () => {
      const { body: captcha } = await call(`${gatewayA}/ibps/oauth2/v3/user/captcha`);
      const requestId = (captcha.variables as { requestId: string }).requestId;
      const answer = await answerFor(requestId);
      for (const path of ['/ibps/oauth2/v3/user/login']) {
        const { body } = await post(`${gatewayA}${path}`, { username: 'admin', password: ADMIN_PASSWORD, captcha: answer, requestId });
        expect(body).toMatchObject({ state: 200 });
        const token = String(body.data);
        const me = await call(`${gatewayB}/openJobUser/currentUser`, { headers: { 'x-authorization-access_token': token } });
        expect(me.body).toMatchObject({ code: 200, data: { username: 'admin' } });
      }
    });

    it('when a user logs out, then the token is refused by the other gateway too', async () => {
      const { body } = await login(gatewayA, 'admin', ADMIN_PASSWORD);
      const { accessToken } = body.data as { accessToken: string };
      const headers = { authorization: `Bearer ${accessToken}` };
      expect((await call(`${gatewayB}/openJobUser/currentUser`, { headers })).body).toMatchObject({ code: 200 });
      const out = await call(`${gatewayA}/login/outLogin?accessToken=${accessToken}`);
      expect(out.body).toMatchObject({ code: 200, data: true });
      const deadline = Date.now() + 1000;
      let code = 200;
      while (Date.now() < deadline && code === 200) {
        code = Number((await call(`${gatewayB}/openJobUser/currentUser`, { headers })).body.code);
        if (code === 200) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(code).toBe(401);
      const ibps = await call(`${gatewayB}/ibps/oauth2/v3/user/logout?access_token=${accessToken}`, { method: 'POST' });
      expect(ibps.body).toMatchObject({ state: 6020201 });
    });

    it('when a refresh token is used, then a new pair comes back and the old refresh token is spent', async () => {
      const { body } = await login(gatewayA, 'admin', ADMIN_PASSWORD);
      const { refreshToken } = body.data as { refreshToken: string };
      const first = await call(`${gatewayA}/login/refreshToken?refreshToken=${encodeURIComponent(refreshToken)}`);
      expect(first.body).toMatchObject({ code: 200, data: { accessToken: expect.any(String), refreshToken: expect.any(String) } });
      expect((first.body.data as { refreshToken: string }).refreshToken).not.toBe(refreshToken);
      const again = await call(`${gatewayA}/login/refreshToken?refreshToken=${encodeURIComponent(refreshToken)}`);
      expect(again.body).toMatchObject({ code: 1004, success: false });
    });

    it('when 5 wrong passwords arrive, then the account is locked with its own answer (1007), even with the right password', async () => {
      await stack.createUser('mallory', 'mallory-pass-1');
      for (let i = 0; i < 4; i += 1) expect((await login(gatewayA, 'mallory', 'wrong-pass')).body).toMatchObject({ code: 1005 });
      expect((await login(gatewayA, 'mallory', 'wrong-pass')).body).toMatchObject({ code: 1007 });
      const right = await login(gatewayA, 'mallory', 'mallory-pass-1');
      expect(right.body).toMatchObject({ code: 1007, success: false });
      expect(String(right.body.msg)).toContain('locked');
    });

    it('when an unknown account is tried many times, then it keeps answering 1005 (no enumeration through the lock)', async () => {
      for (let i = 0; i < 6; i += 1) expect((await login(gatewayA, 'nobody-at-all', 'wrong-pass')).body).toMatchObject({ code: 1005 });
    });
  });

  describe('with CAPTCHA_ENABLED=false', () => {
    it('reports captchas off, answers state 501 for the IBPS captcha, and logs in without one', async () => {
      await stack.restartAuth({ CAPTCHA_ENABLED: 'false' });
      expect((await call(`${gatewayA}/ibps/oauth2/v3/captcha/open`)).body).toMatchObject({ state: 200, data: false });
      expect((await call(`${gatewayA}/ibps/oauth2/v3/user/captcha`)).body).toMatchObject({ state: 501 });
      const { body } = await post(`${gatewayA}/ibps/oauth2/v3/user/login/apply`, { username: 'admin', password: ADMIN_PASSWORD, captcha: '', requestId: '' });
      expect(body).toMatchObject({ state: 200, data: expect.any(String) });
    });
  });
});
