import { kvBuckets } from '@jobwire/contracts';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otpKey } from '../../services/auth/src/sms/otp.service.js';
import { eventually } from '../harness/index.js';
import { ADMIN_PASSWORD, call, post, startSmsReceiver, startStack, type Answer, type Stack } from './stack.fixture.js';

const IBPS = '/ibps/oauth2/v3';
const HASH = /\$2[aby]\$/;

describe('registration, password reset and password change', () => {
  let stack: Stack;
  let sms: Awaited<ReturnType<typeof startSmsReceiver>>;
  let gateway: string;
  let seq = 0;
  const bodies: Answer[] = [];
  const events: string[] = [];
  const nextMobile = () => `1360000${String((seq += 1)).padStart(4, '0')}`;
  const record = async (answer: Promise<Answer>) => {
    const got = await answer;
    bodies.push(got);
    return got;
  };
  const codeFor = async (mobile: string, purpose: string) =>
    String((await eventually(() => sms.received.filter((m) => m.mobile === mobile && m.purpose === purpose).at(-1), 3000, `an SMS to ${mobile}`)).code);
  const sendCode = (mobile: string, forget: boolean) => record(call(`${gateway}${IBPS}/user/send/sms?mobile=${mobile}&forget=${String(forget)}`));
  const registerBody = (mobile: string, validCode: string, passWd = 'blue-harbour-77') => ({ fullName: '李四', gender: 'male', mobile, passWd, company: 'Acme', area: 'GZ', dataChk: '', validCode });
  const login = (username: string, password: string) => record(post(`${gateway}/login/account`, { username, password, deviceId: 'reg-tests' }));
  const tokenOf = async (username: string, password: string) => ((await login(username, password)).body.data as { accessToken: string }).accessToken;
  const changePasswd = (token: string, body: object) => record(post(`${gateway}${IBPS}/user/change/passwd`, body, { authorization: `Bearer ${token}` }));

  beforeAll(async () => {
    sms = await startSmsReceiver();
    stack = await startStack({ CAPTCHA_ENABLED: 'false', SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: sms.url, SMS_IP_HOURLY_LIMIT: '1000' }, { REGISTRATION_OPEN: 'true' });
    gateway = stack.gateways[0]!;
    stack.nc.subscribe('events.>', { callback: (_err, msg) => void events.push(msg.string()) });
  });

  afterAll(async () => {
    try {
      // No response anywhere carried a password hash; no event carried a hash, a password or a code.
      for (const answer of bodies) expect(answer.bytes.toString()).not.toMatch(HASH);
      expect(events.some((e) => e.includes('users.user.registered'))).toBe(true);
      expect(events.some((e) => e.includes('users.password.changed'))).toBe(true);
      const sentCodes = sms.received.map((m) => String(m.code));
      for (const event of events) {
        expect(event).not.toMatch(HASH);
        expect(event, event).not.toMatch(/blue-harbour|pass-word|set-by-admin|passwordHash|"password":|"passWd"|validCode/);
        for (const code of sentCodes) expect(event).not.toContain(`"${code}"`);
      }
    } finally {
      await stack?.stop();
      await sms?.stop();
    }
  });

  it('registers with an SMS code: the account is the mobile, the registration can be read back, and the account logs in', async () => {
    expect((await record(call(`${gateway}${IBPS}/user/open`))).body).toMatchObject({ state: 200, data: true });
    const mobile = nextMobile();
    expect((await sendCode(mobile, false)).body).toMatchObject({ state: 200, data: null });
    const created = await record(post(`${gateway}${IBPS}/user/register`, registerBody(mobile, await codeFor(mobile, 'register'))));
    expect(created.body).toMatchObject({ state: 200, data: { id: expect.stringMatching(/^\d+$/), account: mobile } });
    const read = await record(call(`${gateway}${IBPS}/user/register/get?mobile=${mobile}`));
    expect(read.body).toMatchObject({ state: 200, data: { fullName: '李四', gender: 'male', mobile, company: 'Acme', area: 'GZ', status: 'registered' } });
    expect((await login(mobile, 'blue-harbour-77')).body).toMatchObject({ code: 200 });
    expect((await record(call(`${gateway}${IBPS}/user/register/get?mobile=13999999999`))).body).toMatchObject({ state: 200, data: null });
  });

  it('refuses a wrong code, and a right code twice', async () => {
    const mobile = nextMobile();
    await sendCode(mobile, false);
    const code = await codeFor(mobile, 'register');
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await record(post(`${gateway}${IBPS}/user/register`, registerBody(mobile, wrong)))).body).toMatchObject({ state: 2 });
    expect((await record(post(`${gateway}${IBPS}/user/register`, registerBody(mobile, code)))).body).toMatchObject({ state: 200 });
    expect((await record(post(`${gateway}${IBPS}/user/register`, registerBody(mobile, code)))).body.state).not.toBe(200);
  });

  it('refuses a registration code for a mobile that already has an account', async () => {
    const mobile = nextMobile();
    await stack.createUser(`taken-${mobile}`, 'some-pass-word', { mobile });
    expect((await sendCode(mobile, false)).body).toMatchObject({ state: 409 });
  });

  it('refuses weak and over-long passwords, naming the rule', async () => {
    const mobile = nextMobile();
    await sendCode(mobile, false);
    const code = await codeFor(mobile, 'register');
    const common = await record(post(`${gateway}${IBPS}/user/register`, registerBody(mobile, code, 'password1')));
    expect(common.body).toMatchObject({ state: 2 });
    expect(String(common.body.message)).toContain('common');
    const long = await record(post(`${gateway}${IBPS}/user/register`, registerBody(mobile, code, 'é'.repeat(40))));
    expect(long.body).toMatchObject({ state: 400 });
    expect(String(long.body.cause)).toContain('72 bytes');
  });

  it('resets a forgotten password with a forget code; a mobile without an account gets the same answer and no SMS', async () => {
    const mobile = nextMobile();
    await stack.createUser(`reset-${mobile}`, 'old-pass-word-1', { mobile });
    expect((await sendCode(mobile, true)).body).toMatchObject({ state: 200, data: null });
    const reset = await record(post(`${gateway}${IBPS}/user/reset/passwd`, registerBody(mobile, await codeFor(mobile, 'forget'), 'new-pass-word-2')));
    expect(reset.body).toMatchObject({ state: 200, data: null });
    expect((await login(`reset-${mobile}`, 'new-pass-word-2')).body).toMatchObject({ code: 200 });

    const nobody = nextMobile();
    const before = sms.received.length;
    expect((await sendCode(nobody, true)).body).toMatchObject({ state: 200, data: null });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sms.received.slice(before).some((m) => m.mobile === nobody)).toBe(false);
  });

  it('changes one’s own password only with the right current one and a matching repeat', async () => {
    const id = await stack.createUser('pia', 'pia-pass-word-1');
    const token = await tokenOf('pia', 'pia-pass-word-1');
    expect((await changePasswd(token, { userIds: [id], primitivePassword: 'wrong', newPassword: 'pia-pass-word-2', repeatPassword: 'pia-pass-word-2', reset: 0 })).body).toMatchObject({ state: 2 });
    expect((await changePasswd(token, { userIds: [id], primitivePassword: 'pia-pass-word-1', newPassword: 'pia-pass-word-2', repeatPassword: 'pia-pass-word-3', reset: 0 })).body).toMatchObject({ state: 2 });
    expect((await changePasswd(token, { userIds: [id], primitivePassword: 'pia-pass-word-1', newPassword: 'pia-pass-word-2', repeatPassword: 'pia-pass-word-2', reset: 0 })).body).toMatchObject({ state: 200 });
    expect((await login('pia', 'pia-pass-word-2')).body).toMatchObject({ code: 200 });
  });

  it('caps wrong reset codes: after 5 wrong ones the right code no longer resets, and the password stays', async () => {
    const mobile = nextMobile();
    await stack.createUser(`capped-${mobile}`, 'capped-pass-word-1', { mobile });
    expect((await sendCode(mobile, true)).body).toMatchObject({ state: 200 });
    const code = await codeFor(mobile, 'forget');
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(code.length, '0');
    for (let i = 0; i < 5; i += 1) {
      expect((await post(`${gateway}${IBPS}/user/reset/passwd`, registerBody(mobile, wrong, 'capped-pass-word-2'))).body.state).not.toBe(200);
    }
    expect((await post(`${gateway}${IBPS}/user/reset/passwd`, registerBody(mobile, code, 'capped-pass-word-2'))).body.state).not.toBe(200);
    expect((await login(`capped-${mobile}`, 'capped-pass-word-1')).body).toMatchObject({ code: 200 });
  });

  it('never locks an account on 20 parallel logins with the right password, and still counts wrong ones exactly', async () => {
    await stack.createUser('parallel-right', 'parallel-pass-1');
    const answers = await Promise.all(Array.from({ length: 20 }, () => login('parallel-right', 'parallel-pass-1')));
    expect(answers.map((answer) => answer.body.code)).toEqual(Array.from({ length: 20 }, () => 200));
    // Five wrong guesses at once all count: the account locks (the lockout is 5), so even
    // the right password is refused.
    const guesses = await Promise.all(Array.from({ length: 5 }, () => login('parallel-right', 'wrong-pass-word')));
    expect(guesses.every((answer) => answer.body.code === 1005 || answer.body.code === 1007)).toBe(true);
    expect((await login('parallel-right', 'parallel-pass-1')).body.code).toBe(1007);
  });

  it('counts parallel wrong logins exactly with two auth and two users replicas', async () => {
    await stack.addReplicas();
    await stack.createUser('two-replicas', 'two-replicas-pass-1');
    // Four wrong guesses at once: none is counted twice, so none reaches the lockout (5)...
    const four = await Promise.all(Array.from({ length: 4 }, () => login('two-replicas', 'wrong-pass-word')));
    expect(four.map((answer) => answer.body.code)).toEqual([1005, 1005, 1005, 1005]);
    // ...and none was lost: the fifth, on whichever replicas take it, locks the account.
    expect((await login('two-replicas', 'wrong-pass-word')).body.code).toBe(1007);
    expect((await login('two-replicas', 'two-replicas-pass-1')).body.code).toBe(1007);
  });

  it('ends every earlier token of the user, access and refresh, on both gateways when the password is changed, reset or set by an administrator', async () => {
    const second = await stack.startGateway();
    const pairOf = async (account: string, password: string) => {
      const answer = await login(account, password);
      expect(answer.body).toMatchObject({ code: 200 });
      return answer.body.data as { accessToken: string; refreshToken: string };
    };
    const me = (base: string, token: string) => call(`${base}/openJobUser/currentUser`, { headers: { authorization: `Bearer ${token}` } });
    const refresh = (refreshToken: string) => call(`${gateway}/login/refreshToken?refreshToken=${encodeURIComponent(refreshToken)}`);
    const refusedEverywhere = async (pair: { accessToken: string; refreshToken: string }) => {
      for (const base of [gateway, second]) {
        await eventually(async () => ((await me(base, pair.accessToken)).body.code === 401 ? true : undefined), 2000, `the old token to be refused by ${base}`);
      }
      expect((await refresh(pair.refreshToken)).body.code).not.toBe(200);
    };
    // Tokens a second older than the change, so "issued before" is unambiguous.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 1100));

    // Own change.
    const mobile = nextMobile();
    const id = await stack.createUser(`tina-${mobile}`, 'tina-pass-word-1', { mobile });
    const beforeChange = await pairOf(`tina-${mobile}`, 'tina-pass-word-1');
    const other = await pairOf('admin', ADMIN_PASSWORD);
    expect((await me(second, beforeChange.accessToken)).body.code).toBe(200);
    await settle();
    expect((await changePasswd(beforeChange.accessToken, { userIds: [id], primitivePassword: 'tina-pass-word-1', newPassword: 'tina-pass-word-2', repeatPassword: 'tina-pass-word-2', reset: 0 })).body).toMatchObject({ state: 200 });
    await refusedEverywhere(beforeChange);
    // The new password's tokens work, and other users' tokens were not touched.
    const afterChange = await pairOf(`tina-${mobile}`, 'tina-pass-word-2');
    expect((await me(second, afterChange.accessToken)).body.code).toBe(200);
    expect((await me(gateway, other.accessToken)).body.code).toBe(200);

    // Reset with an SMS code.
    await settle();
    expect((await sendCode(mobile, true)).body).toMatchObject({ state: 200 });
    const reset = await post(`${gateway}${IBPS}/user/reset/passwd`, registerBody(mobile, await codeFor(mobile, 'forget'), 'tina-pass-word-3'));
    expect(reset.body).toMatchObject({ state: 200 });
    await refusedEverywhere(afterChange);

    // Set by an administrator.
    const afterReset = await pairOf(`tina-${mobile}`, 'tina-pass-word-3');
    await settle();
    expect((await changePasswd(other.accessToken, { userIds: [id], newPassword: 'tina-pass-word-4', repeatPassword: 'tina-pass-word-4', reset: 1 })).body).toMatchObject({ state: 200 });
    await refusedEverywhere(afterReset);
    expect((await me(gateway, other.accessToken)).body.code).toBe(200);
  });

  it('lets only an administrator set or restore passwords; a batch with an unknown id changes nothing', async () => {
    const quinn = await stack.createUser('quinn', 'quinn-pass-1');
    const rosa = await stack.createUser('rosa', 'rosa-pass-11');
    const quinnToken = await tokenOf('quinn', 'quinn-pass-1');
    expect((await changePasswd(quinnToken, { userIds: [rosa], newPassword: 'taken-over-1', repeatPassword: 'taken-over-1', reset: 1 })).body).toMatchObject({ state: 403 });
    expect((await changePasswd(quinnToken, { userIds: [rosa], reset: 2 })).body).toMatchObject({ state: 403 });

    const admin = await tokenOf('admin', ADMIN_PASSWORD);
    const batch = await changePasswd(admin, { userIds: [quinn, '999999999999999999'], newPassword: 'set-by-admin-1', repeatPassword: 'set-by-admin-1', reset: 1 });
    expect(batch.body).toMatchObject({ state: 404 });
    expect((await login('quinn', 'quinn-pass-1')).body).toMatchObject({ code: 200 });

    expect((await changePasswd(admin, { userIds: [quinn, rosa], reset: 2 })).body).toMatchObject({ state: 200 });
    const restored = await tokenOf('rosa', '123456');
    const me = await record(call(`${gateway}/openJobUser/currentUser`, { headers: { authorization: `Bearer ${restored}` } }));
    expect(me.body).toMatchObject({ code: 200, data: { username: 'rosa', passwordExpired: true } });
  });
});

describe('when the registration code has expired', () => {
  let stack: Stack;
  let sms: Awaited<ReturnType<typeof startSmsReceiver>>;
  beforeAll(async () => {
    sms = await startSmsReceiver();
    stack = await startStack({ CAPTCHA_ENABLED: 'false', SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: sms.url, OTP_TTL_SECONDS: '1' }, { REGISTRATION_OPEN: 'true' });
  });
  afterAll(async () => {
    await stack?.stop();
    await sms?.stop();
  });

  it('refuses it, and no account is made', async () => {
    const gateway = stack.gateways[0]!;
    const mobile = '13500000077';
    await call(`${gateway}${IBPS}/user/send/sms?mobile=${mobile}`);
    const code = String((await eventually(() => sms.received.find((m) => m.mobile === mobile), 3000, 'the SMS')).code);
    // The bucket's TTL removes the code; wait for that rather than a fixed time.
    const otp = await new Kvm(stack.nc).open(kvBuckets.otp.name);
    await eventually(async () => ((await otp.get(otpKey('register', mobile)))?.operation === 'PUT' ? undefined : true), 5000, 'the code to expire');
    const body = { fullName: 'Late', mobile, passWd: 'blue-harbour-77', validCode: code };
    expect((await post(`${gateway}${IBPS}/user/register`, body)).body).toMatchObject({ state: 2 });
    expect((await call(`${gateway}${IBPS}/user/register/get?mobile=${mobile}`)).body).toMatchObject({ state: 200, data: null });
  });
});

describe('when registration is closed', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ CAPTCHA_ENABLED: 'false' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('says so and refuses registration codes and registrations with state 501', async () => {
    const gateway = stack.gateways[0]!;
    expect((await call(`${gateway}${IBPS}/user/open`)).body).toMatchObject({ state: 200, data: false });
    expect((await call(`${gateway}${IBPS}/user/send/sms?mobile=13500000001`)).body).toMatchObject({ state: 501 });
    const body = { fullName: 'x', mobile: '13500000001', passWd: 'blue-harbour-77', validCode: '123456' };
    expect((await post(`${gateway}${IBPS}/user/register`, body)).body).toMatchObject({ state: 501 });
  });
});
