import { kvBuckets } from '@jobwire/contracts';
import { Kvm, type KV } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceKey } from '../../services/auth/src/scan/scan.service.js';
import { ADMIN_PASSWORD, post, startStack, type Stack } from './stack.fixture.js';

describe('scan-to-login', () => {
  let stack: Stack;
  let gateway: string;
  let scanKv: KV;
  let adminToken: string;

  /** What a phone reads from the QR code; the test reads it from the store instead. */
  const ticketOf = async (deviceId: string) => {
    const entry = await scanKv.get(deviceKey(deviceId));
    return (entry?.json() as { ticket: string }).ticket;
  };
  const poll = (deviceId: string) => post(`${gateway}/login/scan`, { deviceId });
  const confirm = (ticket: string) => post(`${gateway}/login/scan/confirm`, { ticket }, { authorization: `Bearer ${adminToken}` });

  beforeAll(async () => {
    stack = await startStack({ CAPTCHA_ENABLED: 'false' });
    gateway = stack.gateways[0]!;
    scanKv = await new Kvm(stack.nc).open(kvBuckets.scan.name);
    const login = await post(`${gateway}/login/account`, { username: 'admin', password: ADMIN_PASSWORD, deviceId: 'phone' });
    adminToken = (login.body.data as { accessToken: string }).accessToken;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('shows a QR code, waits, then hands the confirming user’s token to the device exactly once', async () => {
    const qr = await post(`${gateway}/validate/code`, { type: 'scan', deviceId: 'desk-1' });
    expect(qr.type).toContain('image/png');
    expect(qr.bytes.subarray(1, 4).toString()).toBe('PNG');
    expect((await poll('desk-1')).body).toMatchObject({ code: 200, data: { status: 'waiting' } });

    const ticket = await ticketOf('desk-1');
    const scanned = await post(`${gateway}/login/scan/confirm`, { ticket, confirm: false }, { authorization: `Bearer ${adminToken}` });
    expect(scanned.body).toMatchObject({ code: 200, data: true });
    expect((await poll('desk-1')).body).toMatchObject({ data: { status: 'scanned' } });
    expect((await confirm(ticket)).body).toMatchObject({ code: 200, data: true });
    const confirmed = await poll('desk-1');
    expect(confirmed.body).toMatchObject({ code: 200, data: { status: 'confirmed', accessToken: expect.any(String) } });
    const token = (confirmed.body.data as { accessToken: string }).accessToken;
    const me = await fetch(`${gateway}/openJobUser/currentUser`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ code: 200, data: { username: 'admin' } });

    expect((await poll('desk-1')).body).toMatchObject({ data: { status: 'expired' } });
    expect((await confirm(ticket)).body).toMatchObject({ code: 400, success: false });
  });

  it('when confirming without a token, then 401', async () => {
    await post(`${gateway}/validate/code`, { type: 'scan', deviceId: 'desk-2' });
    const response = await post(`${gateway}/login/scan/confirm`, { ticket: await ticketOf('desk-2') });
    expect(response.body).toMatchObject({ code: 401 });
    expect((await poll('desk-2')).body).toMatchObject({ data: { status: 'waiting' } });
  });

  it('when a device never asked for a code, then expired', async () => {
    expect((await poll('desk-unknown')).body).toMatchObject({ data: { status: 'expired' } });
  });
});
