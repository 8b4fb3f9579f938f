import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWecom, type FakeWecom } from './fake-wecom.server.js';
import { call, post, startStack, type Stack } from './stack.fixture.js';

describe('POST /ibps/oauth2/v3/user/login/wecom', () => {
  let stack: Stack;
  let wecom: FakeWecom;
  let gateway: string;
  const login = (code: string) => post(`${gateway}/ibps/oauth2/v3/user/login/wecom`, { code });

  beforeAll(async () => {
    wecom = await startFakeWecom();
    stack = await startStack({ WECOM_CORP_ID: wecom.corpId, WECOM_SECRET: wecom.secret, WECOM_API_BASE: wecom.apiBase });
    gateway = stack.gateways[0]!;
    await stack.createUser('zhangsan', 'zhangsan-pass-1', { wecomUserId: 'ZhangSan' });
  });

  afterAll(async () => {
    await stack?.stop();
    await wecom?.stop();
  });

  it('when the code belongs to a linked WeCom user, then the token string, and the access token is fetched once for many logins', async () => {
    const before = wecom.tokenRequests();
    const first = await login(wecom.issueCode('ZhangSan'));
    expect(first.body).toMatchObject({ state: 200, data: expect.any(String) });
    const me = await call(`${gateway}/openJobUser/currentUser`, { headers: { authorization: `Bearer ${String(first.body.data)}` } });
    expect(me.body).toMatchObject({ code: 200, data: { username: 'zhangsan' } });
    expect((await login(wecom.issueCode('ZhangSan'))).body).toMatchObject({ state: 200 });
    expect(wecom.tokenRequests() - before).toBeLessThanOrEqual(1);
  });

  it('when a code is used twice, then the second login fails', async () => {
    const code = wecom.issueCode('ZhangSan');
    expect((await login(code)).body).toMatchObject({ state: 200 });
    const again = await login(code);
    expect(again.body).toMatchObject({ state: 2 });
    expect(String(again.body.message)).toContain('WeCom');
  });

  it('when WeCom says the access token expired (42001) or is invalid (40014), then it is renewed and the login succeeds', async () => {
    for (const errcode of [42001, 40014]) {
      const before = wecom.tokenRequests();
      wecom.expireToken();
      if (errcode === 40014) wecom.queueErrors(40014);
      expect((await login(wecom.issueCode('ZhangSan'))).body).toMatchObject({ state: 200 });
      expect(wecom.tokenRequests()).toBe(before + 1);
    }
  });

  it('when WeCom is busy (-1), then the call is retried up to 3 times', async () => {
    wecom.queueErrors(-1, -1, -1);
    expect((await login(wecom.issueCode('ZhangSan'))).body).toMatchObject({ state: 200 });
    wecom.queueErrors(-1, -1, -1, -1);
    expect((await login(wecom.issueCode('ZhangSan'))).body).toMatchObject({ state: 2 });
  });

  it('when the WeCom user has no account here, then a clear error', async () => {
    const response = await login(wecom.issueCode('Ghost'));
    expect(response.body).toMatchObject({ state: 2 });
    expect(String(response.body.message)).toContain('no account');
  });

  it('with WECOM_AUTO_CREATE=true, a WeCom user without an account gets one on first login, once', async () => {
    await stack.restartAuth({ WECOM_CORP_ID: wecom.corpId, WECOM_SECRET: wecom.secret, WECOM_API_BASE: wecom.apiBase, WECOM_AUTO_CREATE: 'true' });
    try {
      const first = await login(wecom.issueCode('NewHire'));
      expect(first.body, JSON.stringify(first.body)).toMatchObject({ state: 200 });
      const me = await call(`${gateway}/openJobUser/currentUser`, { headers: { authorization: `Bearer ${String(first.body.data)}` } });
      expect(me.body).toMatchObject({ code: 200, data: { username: 'wecom_NewHire' } });
      const second = await login(wecom.issueCode('NewHire'));
      const again = await call(`${gateway}/openJobUser/currentUser`, { headers: { authorization: `Bearer ${String(second.body.data)}` } });
      expect((again.body.data as { id: string }).id).toBe((me.body.data as { id: string }).id);
      // Simultaneous first logins of one WeCom user all get in, as one account.
      const parallel = await Promise.all(Array.from({ length: 6 }, () => login(wecom.issueCode('ParallelHire'))));
      for (const answer of parallel) expect(answer.body, JSON.stringify(answer.body)).toMatchObject({ state: 200 });
      const ids = await Promise.all(
        parallel.map(async (answer) => ((await call(`${gateway}/openJobUser/currentUser`, { headers: { authorization: `Bearer ${String(answer.body.data)}` } })).body.data as { id: string }).id),
      );
      expect(new Set(ids).size).toBe(1);
    } finally {
      await stack.restartAuth({ WECOM_CORP_ID: wecom.corpId, WECOM_SECRET: wecom.secret, WECOM_API_BASE: wecom.apiBase });
    }
  });

  it('when the code is not a WeCom code, then it fails without a server error', async () => {
    const response = await login('made-up-code');
    expect(response.body.state).toBe(2);
  });
});
