import { loadImage } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../harness/index.js';
import { ADMIN_PASSWORD, call, post, startStack, type Stack } from './stack.fixture.js';

describe('captcha expiry, PNG decoding, unlock and IBPS logout', () => {
  let stack: Stack;
  let gateway: string;

  const login = async (username: string, password: string) => {
    const deviceId = `dev-${Math.random().toString(36).slice(2, 10)}`;
    await post(`${gateway}/validate/code`, { type: 'image', deviceId });
    return post(`${gateway}/login/account`, { username, password, captcha: await stack.captchaAnswer(deviceId), deviceId });
  };

  beforeAll(async () => {
    stack = await startStack({ CAPTCHA_TTL_SECONDS: '1' });
    gateway = stack.gateways[0]!;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('decodes the captcha as a real PNG image of the stated size', async () => {
    const response = await post(`${gateway}/validate/code`, { type: 'image', deviceId: 'decode-1' });
    const image = await loadImage(response.bytes);
    expect(image.width).toBe(120);
    expect(image.height).toBe(40);
  });

  it('when the captcha has expired, then the right answer is refused with 1006', async () => {
    await post(`${gateway}/validate/code`, { type: 'image', deviceId: 'expiring-1' });
    const answer = await stack.captchaAnswer('expiring-1');
    // The bucket's TTL removes the entry; wait for that rather than a fixed time.
    await eventually(async () => ((await stack.captchaAnswer('expiring-1').catch(() => undefined)) === undefined ? true : undefined), 5000, 'the captcha to expire');
    const response = await post(`${gateway}/login/account`, { username: 'admin', password: ADMIN_PASSWORD, captcha: answer, deviceId: 'expiring-1' });
    expect(response.body).toMatchObject({ code: 1006 });
  });

  it('when an administrator unlocks a locked account through the IBPS route, then it logs in again', async () => {
    const userId = await stack.createUser('nina', 'nina-pass-1');
    for (let i = 0; i < 5; i += 1) await login('nina', 'wrong-pass');
    expect((await login('nina', 'nina-pass-1')).body).toMatchObject({ code: 1007 });

    await stack.createUser('omar', 'omar-pass-1');
    const omar = (await login('omar', 'omar-pass-1')).body.data as { accessToken: string };
    const byUser = await call(`${gateway}/ibps/oauth2/v3/user/unlock?account=nina`, { method: 'POST', headers: { 'x-authorization-access_token': omar.accessToken } });
    expect(byUser.body).toMatchObject({ state: 403 });
    expect((await login('nina', 'nina-pass-1')).body).toMatchObject({ code: 1007 });
    const admin = (await login('admin', ADMIN_PASSWORD)).body.data as { accessToken: string };
    const unlocked = await call(`${gateway}/ibps/oauth2/v3/user/unlock?userId=${userId}`, { method: 'POST', headers: { 'x-authorization-access_token': admin.accessToken } });
    expect(unlocked.body).toMatchObject({ state: 200, data: null });
    expect((await login('nina', 'nina-pass-1')).body).toMatchObject({ code: 200 });
  });

  it('logs out on the IBPS route with access_token in the query, and the token is refused after', async () => {
    const { accessToken } = (await login('admin', ADMIN_PASSWORD)).body.data as { accessToken: string };
    const out = await call(`${gateway}/ibps/oauth2/v3/user/logout?access_token=${accessToken}`, { method: 'POST' });
    expect(out.body).toMatchObject({ state: 200, data: null });
    await eventually(async () => ((await call(`${gateway}/openJobUser/currentUser`, { headers: { authorization: `Bearer ${accessToken}` } })).body.code === 401 ? true : undefined), 1000, 'the token to be refused');
  });
});
