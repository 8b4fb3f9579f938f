/**
 * The gateway's rate limits on the login, SMS and captcha routes: per client IP and per
 * account, counted in NATS KV so two gateway replicas share one budget, answered with the
 * 429 envelope and Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, post, startSmsReceiver, startStack, type Answer, type Stack } from './stack.fixture.js';

const IBPS = '/ibps/oauth2/v3';
/** Long, so a fixed window's boundary almost never falls inside a case (it resets the counts). */
const WINDOW_SECONDS = 3600;
const SHORT_WINDOW_SECONDS = 4;

describe('gateway rate limits', () => {
  let stack: Stack;
  let sms: Awaited<ReturnType<typeof startSmsReceiver>>;
  let gatewayA: string;
  let gatewayB: string;
  /** Seconds-wide windows, for the reset case. */
  let shortWindow: string;
  let ipSeq = 0;
  /** A client address of its own for each case (the gateways trust X-Forwarded-For here). */
  const newIp = () => `198.51.100.${(ipSeq += 1)}`;
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  const passwordLogin = (base: string, ip: string, username: string) => post(`${base}/login/account`, { username, password: 'not-the-password-1', deviceId: 'rate-limit-tests' }, from(ip));
  const expectLimited = (answer: Answer) => {
    expect(answer.body.code).toBe(429);
    const retryAfter = Number(answer.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
  };
  const expectNotLimited = (answer: Answer) => {
    expect(answer.body.code ?? answer.body.state).not.toBe(429);
    expect(answer.headers.get('retry-after')).toBeNull();
  };

  beforeAll(async () => {
    sms = await startSmsReceiver();
    stack = await startStack({ CAPTCHA_ENABLED: 'false', SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: sms.url, SMS_IP_HOURLY_LIMIT: '1000', SMS_MOBILE_INTERVAL_SECONDS: '1' }, { REGISTRATION_OPEN: 'true' });
    const limits = {
      TRUST_PROXY: 'true',
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
      RATE_LIMIT_LOGIN_PER_IP: '5',
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '3',
      RATE_LIMIT_SMS_PER_IP: '4',
      RATE_LIMIT_SMS_PER_ACCOUNT: '2',
      RATE_LIMIT_CAPTCHA_PER_IP: '3',
    };
    gatewayA = await stack.startGateway(limits);
    gatewayB = await stack.startGateway(limits);
    shortWindow = await stack.startGateway({ ...limits, RATE_LIMIT_WINDOW_SECONDS: String(SHORT_WINDOW_SECONDS) });
  });

  afterAll(async () => {
    try {
      await stack?.stop();
    } finally {
      await sms?.stop();
    }
  });

  it('counts login calls per client IP across both gateway replicas, and answers 429 with Retry-After over the limit', async () => {
    const ip = newIp();
    // Five accounts, so only the per-IP limit (5) can be reached.
    for (let i = 0; i < 5; i += 1) expectNotLimited(await passwordLogin(i % 2 === 0 ? gatewayA : gatewayB, ip, `ip-case-${i}`));
    const over = await passwordLogin(gatewayB, ip, 'ip-case-5');
    expectLimited(over);
    expect(over.status).toBe(200);
    expect(over.body).toMatchObject({ success: false, data: null });
    expect(String(over.body.msg)).toMatch(/from this address/);
    // IBPS login counts in the same group and answers in its own envelope.
    const ibps = await post(`${gatewayA}${IBPS}/user/login`, { username: 'ip-case-6', password: 'not-the-password-1' }, from(ip));
    expect(ibps.body.state).toBe(429);
    expect(Number(ibps.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another address is not affected.
    expectNotLimited(await passwordLogin(gatewayA, newIp(), 'ip-case-0'));
  });

  it('loses no count when calls arrive at once on both replicas', async () => {
    const ip = newIp();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => passwordLogin(i % 2 === 0 ? gatewayA : gatewayB, ip, `parallel-case-${i}`)));
    expect(answers.filter((answer) => answer.body.code === 429)).toHaveLength(15);
  });

  it('counts login calls per account whatever the address, without telling whether the account exists', async () => {
    for (let i = 0; i < 3; i += 1) expectNotLimited(await passwordLogin(gatewayA, newIp(), 'admin'));
    // The account is matched without regard to case.
    const over = await passwordLogin(gatewayB, newIp(), 'ADMIN');
    expectLimited(over);
    expect(String(over.body.msg)).toMatch(/for this account/);
    for (let i = 0; i < 3; i += 1) expectNotLimited(await passwordLogin(gatewayA, newIp(), 'nobody-by-this-name'));
    const unknown = await passwordLogin(gatewayB, newIp(), 'nobody-by-this-name');
    expectLimited(unknown);
    const withoutSeconds = (message: unknown) => String(message).replace(/\d+ s\./, 'N s.');
    expect(withoutSeconds(unknown.body.msg)).toBe(withoutSeconds(over.body.msg));
    // Another account from the same addresses still answers.
    expectNotLimited(await passwordLogin(gatewayA, newIp(), 'someone-else'));
  });

  it('limits SMS codes per mobile on both the IBPS and the Open-Job routes; image captchas count separately', async () => {
    const ip = newIp();
    const mobile = '13900000123';
    // The auth service's own resend interval is 1 s in this stack; each send waits it out.
    const pause = () => new Promise((resolve) => setTimeout(resolve, 1100));
    expectNotLimited(await call(`${gatewayA}${IBPS}/user/send/sms?mobile=${mobile}&forget=false`, { headers: from(ip) }));
    await pause();
    expectNotLimited(await post(`${gatewayB}/validate/code`, { type: 'sms', mobile, deviceId: 'rate-limit-sms' }, from(ip)));
    await pause();
    const textsBefore = sms.received.filter((message) => message.mobile === mobile).length;
    expect(textsBefore).toBeGreaterThanOrEqual(1);
    const third = await call(`${gatewayA}${IBPS}/user/send/sms?mobile=${mobile}&forget=false`, { headers: from(ip) });
    expect(third.body.state).toBe(429);
    expect(String(third.body.message)).toMatch(/Too many sms requests for this account/);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await pause();
    // Nothing was sent for the refused call.
    expect(sms.received.filter((message) => message.mobile === mobile)).toHaveLength(textsBefore);
    // An image captcha from the same address is in the captcha group.
    expectNotLimited(await post(`${gatewayA}/validate/code`, { type: 'image', deviceId: 'rate-limit-image' }, from(ip)));
  });

  it('limits captchas per client IP', async () => {
    const ip = newIp();
    for (let i = 0; i < 3; i += 1) {
      // Captchas are off in this stack (403): refused calls count all the same.
      expectNotLimited(await post(`${i % 2 === 0 ? gatewayA : gatewayB}/validate/code`, { type: 'image', deviceId: `rate-limit-captcha-${i}` }, from(ip)));
    }
    expectLimited(await post(`${gatewayA}/validate/code/image`, { deviceId: 'rate-limit-captcha-3' }, from(ip)));
    const ibps = await call(`${gatewayB}${IBPS}/user/captcha`, { headers: from(ip) });
    expect(ibps.body.state).toBe(429);
  });

  it('lets calls through again once the window has passed', async () => {
    const ip = newIp();
    // Windows are fixed (epoch-aligned): start right after one begins, so the six calls fall in it.
    const windowMs = SHORT_WINDOW_SECONDS * 1000;
    await new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs) + 20));
    for (let i = 0; i < 5; i += 1) await passwordLogin(shortWindow, ip, `window-case-${i}`);
    const over = await passwordLogin(shortWindow, ip, 'window-case-5');
    expect(over.body.code).toBe(429);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(SHORT_WINDOW_SECONDS);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 100));
    expectNotLimited(await passwordLogin(shortWindow, ip, 'window-case-6'));
  });

  it('does not count routes outside the groups', async () => {
    const ip = newIp();
    for (let i = 0; i < 8; i += 1) expectNotLimited(await call(`${gatewayA}${IBPS}/captcha/open`, { headers: from(ip) }));
  });
});
