import { routes } from '@jobwire/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, call, post, startStack, type Stack } from './stack.fixture.js';

describe('admin API /api/users and /api/clients', () => {
  let stack: Stack;
  let gateway: string;
  let admin: Record<string, string>;
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = admin) =>
    call(`${gateway}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const login = async (username: string, password: string) => (await post(`${gateway}/login/account`, { username, password, deviceId: 'admin-tests' })).body;

  beforeAll(async () => {
    stack = await startStack({ CAPTCHA_ENABLED: 'false' });
    gateway = stack.gateways[0]!;
    const token = ((await login('admin', ADMIN_PASSWORD)).data as { accessToken: string }).accessToken;
    admin = { authorization: `Bearer ${token}` };
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('creates, reads, lists, updates, locks, unlocks and deletes a user, never showing a hash', async () => {
    const created = await send('POST', '/api/users', { account: 'tina', password: 'tina-pass-word', fullName: 'Tina', mobile: '+8613700000001', roleIds: ['r1'] });
    expect(created.status).toBe(200);
    const user = created.body.data as { id: string };
    expect(created.body.data).toMatchObject({ account: 'tina', fullName: 'Tina', mobile: '+8613700000001', roleIds: ['r1'], status: 'active', locked: false, tenantId: '1' });
    expect((await login('tina', 'tina-pass-word')).code).toBe(200);

    expect((await send('GET', `/api/users/${user.id}`)).body).toMatchObject({ code: 200, data: { id: user.id } });
    const listed = await send('GET', '/api/users?account=tin&pageSize=5');
    expect(listed.body).toMatchObject({ code: 200, data: { total: 1, current: 1, pages: 1, records: [{ account: 'tina' }] } });

    const updated = await send('PUT', `/api/users/${user.id}`, { fullName: 'Tina T.', mobile: null, status: 'disabled' });
    expect(updated.body).toMatchObject({ code: 200, data: { fullName: 'Tina T.', mobile: null, status: 'disabled' } });
    expect((await login('tina', 'tina-pass-word')).code).toBe(1003);
    await send('PUT', `/api/users/${user.id}`, { status: 'active' });

    expect((await send('POST', `/api/users/${user.id}/lock`, { minutes: 10 })).body).toMatchObject({ data: { locked: true } });
    expect((await login('tina', 'tina-pass-word')).code).toBe(1007);
    expect((await send('POST', `/api/users/${user.id}/unlock`)).status).toBe(200);
    expect((await login('tina', 'tina-pass-word')).code).toBe(200);

    expect((await send('DELETE', `/api/users/${user.id}`)).body).toMatchObject({ code: 200, data: true });
    expect((await send('GET', `/api/users/${user.id}`)).status).toBe(404);
    for (const answer of [created, listed, updated]) expect(answer.bytes.toString()).not.toMatch(/\$2[aby]\$|passwordHash/);
  });

  it('refuses duplicates, bad input and non-administrators with mirrored HTTP statuses', async () => {
    await send('POST', '/api/users', { account: 'uma', password: 'uma-pass-word', mobile: '13700000002' });
    expect((await send('POST', '/api/users', { account: 'uma', password: 'uma-pass-word' })).status).toBe(409);
    expect((await send('POST', '/api/users', { account: 'uma2', password: 'uma-pass-word', mobile: '13700000002' })).status).toBe(409);
    // Another account's mobile by an update (schemathesis found a 500 here: FerretDB refuses the update with InternalError, not E11000).
    const other = ((await send('POST', '/api/users', { account: 'uma3', password: 'uma-pass-word' })).body.data as { id: string }).id;
    const taken = await send('PUT', `/api/users/${other}`, { mobile: '13700000002' });
    expect({ status: taken.status, code: taken.body.code }).toEqual({ status: 409, code: 409 });
    expect((await send('GET', `/api/users/${other}`)).body).toMatchObject({ data: { mobile: null } });
    const bad = await send('POST', '/api/users', { account: 'v', password: 'x', mobile: '12345' });
    expect(bad.status).toBe(400);
    expect(String(bad.body.msg)).toContain('mobile');
    const uma = ((await login('uma', 'uma-pass-word')).data as { accessToken: string }).accessToken;
    expect((await send('GET', '/api/users', undefined, { authorization: `Bearer ${uma}` })).status).toBe(403);
    expect((await send('GET', '/api/users', undefined, {})).status).toBe(401);
  });

  it('registers, lists and deletes OAuth clients', async () => {
    const created = await send('POST', '/api/clients', { clientId: 'reporting', name: 'Reporting' });
    expect(created.body).toMatchObject({ code: 200, data: { clientId: 'reporting', clientSecret: expect.any(String) } });
    expect((await send('POST', '/api/clients', { clientId: 'reporting', name: 'Again' })).status).toBe(409);
    expect((await send('DELETE', '/api/clients/reporting')).body).toMatchObject({ code: 200, data: true });
    expect((await send('DELETE', '/api/clients/reporting')).status).toBe(404);
  });

  it('refuses a non-administrator on every admin route with 403, and changes nothing', async () => {
    const target = ((await send('POST', '/api/users', { account: 'wren', password: 'wren-pass-word', mobile: '13700000009' })).body.data as { id: string }).id;
    await send('POST', '/api/clients', { clientId: 'kept-client', name: 'Kept' });
    await send('POST', '/api/users', { account: 'plain', password: 'plain-pass-word' });
    const plain = { authorization: `Bearer ${((await login('plain', 'plain-pass-word')).data as { accessToken: string }).accessToken}` };
    // A valid request for each admin route, so only the permission check can refuse it.
    const requests: Record<string, [string, string, unknown?]> = {
      'admin.clients.create': ['POST', '/api/clients', { clientId: 'sneaky-client', name: 'Sneaky' }],
      'admin.clients.list': ['GET', '/api/clients'],
      'admin.clients.delete': ['DELETE', '/api/clients/kept-client'],
      'admin.users.create': ['POST', '/api/users', { account: 'sneaky', password: 'sneaky-pass-word', isSuper: true }],
      'admin.users.list': ['GET', '/api/users'],
      'admin.users.get': ['GET', `/api/users/${target}`],
      'admin.users.update': ['PUT', `/api/users/${target}`, { fullName: 'Taken Over' }],
      'admin.users.lock': ['POST', `/api/users/${target}/lock`],
      'admin.users.unlock': ['POST', `/api/users/${target}/unlock`],
      'admin.users.delete': ['DELETE', `/api/users/${target}`],
    };
    const adminRoutes = routes.filter((route) => route.family === 'admin' && route.auth === 'user' && !route.id.startsWith('diag.'));
    expect(Object.keys(requests).sort()).toEqual(adminRoutes.map((route) => route.id).sort());
    for (const [id, [method, path, body]] of Object.entries(requests)) {
      const answer = await send(method, path, body, plain);
      expect(answer.status, id).toBe(403);
      expect(answer.body, id).toMatchObject({ success: false, data: null });
    }
    // Nothing changed.
    expect((await send('GET', `/api/users/${target}`)).body.data).toMatchObject({ account: 'wren', status: 'active' });
    expect((await login('wren', 'wren-pass-word')).code).toBe(200);
    const users = (await send('GET', '/api/users?account=sneaky')).body.data as { records: unknown[] };
    expect(users.records).toEqual([]);
    const clients = (await send('GET', '/api/clients')).body.data as { clientId: string }[];
    expect(clients.map((client) => client.clientId)).toContain('kept-client');
    expect(clients.map((client) => client.clientId)).not.toContain('sneaky-client');
  });
});
