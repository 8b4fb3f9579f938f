import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../harness/index.js';
import { call, post, startSmsReceiver, startStack, type Stack } from './stack.fixture.js';

describe('SMS codes and mobile login', () => {
  let stack: Stack;
  let sms: Awaited<ReturnType<typeof startSmsReceiver>>;
  let gateway: string;
  let mobileSeq = 0;
  /** A fresh mobile per test, so the per-mobile limits never cross tests. */
  const nextMobile = () => `1370000${String((mobileSeq += 1)).padStart(4, '0')}`;
  const codeFor = async (mobile: string, purpose: string) => {
    const message = await eventually(() => sms.received.find((m) => m.mobile === mobile && m.purpose === purpose), 3000, `an SMS to ${mobile}`);
    return String(message.code);
  };
  const requestLoginCode = (mobile: string) => post(`${gateway}/validate/code`, { type: 'sms', mobile, deviceId: `dev-${mobile}` });
  const mobileLogin = (mobile: string, code: string) => post(`${gateway}/login/mobile`, { mobile, captcha: code, deviceId: `dev-${mobile}` });

  beforeAll(async () => {
    sms = await startSmsReceiver();
    stack = await startStack({ SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: sms.url, SMS_WEBHOOK_RETRIES: '2', SMS_IP_HOURLY_LIMIT: '1000' });
    gateway = stack.gateways[0]!;
  });

  afterAll(async () => {
    await stack?.stop();
    await sms?.stop();
  });

  it('sends a 6-digit code to the SMS gateway and logs in with it once', async () => {
    const mobile = nextMobile();
    await stack.createUser(`m${mobile}`, 'pass-word-1', { mobile });
    expect((await requestLoginCode(mobile)).body).toMatchObject({ code: 200, data: true });
    const code = await codeFor(mobile, 'login');
    expect(code).toMatch(/^\d{6}$/);
    const first = await mobileLogin(mobile, code);
    expect(first.body).toMatchObject({ code: 200, data: { accessToken: expect.any(String) } });
    expect((await mobileLogin(mobile, code)).body).toMatchObject({ code: 1001, success: false });
  });

  it('when the mobile has no account, then the answer is the same and nothing is sent', async () => {
    const mobile = nextMobile();
    const before = sms.received.length;
    expect((await requestLoginCode(mobile)).body).toMatchObject({ code: 200, data: true });
    // Delivery is asynchronous: give a sent message time to arrive before judging.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sms.received.slice(before).some((m) => m.mobile === mobile)).toBe(false);
  });

  it('when a second code is asked for within 60 s, then 429 with Retry-After and a message saying when', async () => {
    const mobile = nextMobile();
    await stack.createUser(`m${mobile}`, 'pass-word-1', { mobile });
    expect((await requestLoginCode(mobile)).body).toMatchObject({ code: 200 });
    const again = await requestLoginCode(mobile);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ code: 429, success: false });
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(String(again.body.msg)).toMatch(/retry in \d+ seconds/);
    // Unknown mobiles are limited the same way.
    const unknown = nextMobile();
    await requestLoginCode(unknown);
    expect((await requestLoginCode(unknown)).body).toMatchObject({ code: 429 });
  });

  it('when 5 wrong codes are tried, then the right one no longer works', async () => {
    const mobile = nextMobile();
    await stack.createUser(`m${mobile}`, 'pass-word-1', { mobile });
    await requestLoginCode(mobile);
    const code = await codeFor(mobile, 'login');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1) expect((await mobileLogin(mobile, wrong)).body).toMatchObject({ code: 1001 });
    expect((await mobileLogin(mobile, code)).body).toMatchObject({ code: 1001 });
  });

  it('keeps purposes apart: a password-reset code does not log in', async () => {
    const mobile = nextMobile();
    await stack.createUser(`m${mobile}`, 'pass-word-1', { mobile });
    const sent = await call(`${gateway}/ibps/oauth2/v3/user/send/sms?mobile=${mobile}&forget=true`);
    expect(sent.body).toMatchObject({ state: 200, data: null });
    const code = await codeFor(mobile, 'forget');
    expect((await mobileLogin(mobile, code)).body).toMatchObject({ code: 1001 });
  });

  it('retries the SMS gateway when it fails', async () => {
    const mobile = nextMobile();
    await stack.createUser(`m${mobile}`, 'pass-word-1', { mobile });
    sms.failNext(2);
    await requestLoginCode(mobile);
    expect(await codeFor(mobile, 'login')).toMatch(/^\d{6}$/);
  });

  it('asks for a mobile when type is sms', async () => {
    const response = await post(`${gateway}/validate/code`, { type: 'sms', deviceId: 'd1' });
    expect(response.body).toMatchObject({ code: 400 });
    expect(String(response.body.msg)).toContain('mobile');
  });
});
