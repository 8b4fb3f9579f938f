import { randomUUID } from 'node:crypto';
import { AppError, natsHeaders, usersEndpoints } from '@jobwire/contracts';
import { connectNats, createLogger, requestEndpoint, type NatsConnection } from '@jobwire/service-kit';
import bcrypt from 'bcrypt';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, eventually, startIsolatedNats, uniqueDatabaseName } from '../../../tests/harness/index.js';
import { buildUsersApp, type UsersApp } from '../src/app.js';
import { loadUsersConfig } from '../src/config.js';
import { userModel, type UserModel } from '../src/user.model.js';

const logger = createLogger({ name: 'users-test', level: 'silent' });
const ADMIN_PASSWORD = 'admin-secret-1';
const COST = 8;

describe('users service', () => {
  let nats: { url: string; stop(): Promise<void> };
  let app: UsersApp;
  let healthPort: number;
  let nc: NatsConnection;
  let connection: mongoose.Connection;
  let users: UserModel;
  const dbName = uniqueDatabaseName('users');

  const makeUser = async (account: string, password: string, extra: Record<string, unknown> = {}) => {
    const id = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
    await users.create({ _id: id, account, passwordHash: await bcrypt.hash(password, COST), tenantId: '1', ...extra });
    return id;
  };
  const verify = (account: string, password: string) => requestEndpoint(nc, usersEndpoints.credentialsVerify, { account, password });

  beforeAll(async () => {
    nats = await startIsolatedNats();
    const config = loadUsersConfig({
      NATS_URL: nats.url,
      MONGO_URL: databaseUrl(dbName),
      ADMIN_PASSWORD,
      BCRYPT_COST: String(COST),
      HEALTH_PORT: '0',
      HEALTH_HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      SEED_DEMO: 'true',
      DEMO_USER_PASSWORD: 'demo-user-pass-1',
    });
    app = await buildUsersApp(config, { logger });
    ({ healthPort } = await app.start());
    nc = await connectNats({ url: nats.url, name: 'users-test', logger });
    connection = await mongoose.createConnection(databaseUrl(dbName)).asPromise();
    users = userModel(connection);
  });

  afterAll(async () => {
    await app?.stop();
    await nc?.drain();
    await connection?.dropDatabase();
    await connection?.close();
    await nats?.stop();
  });

  describe('users.credentials.verify', () => {
    it('when the seeded admin logs in with ADMIN_PASSWORD, then the summary comes back without any hash', async () => {
      const result = await verify('admin', ADMIN_PASSWORD);
      expect(result).toMatchObject({ ok: true, user: { account: 'admin', isSuper: true, status: 'active' } });
      expect(JSON.stringify(result)).not.toMatch(/\$2[aby]\$/);
    });

    it('when the account is unknown or the password wrong, then the answers are the same and take similar time', async () => {
      await makeUser('carol', 'carol-pass-1');
      const time = async (account: string) => {
        const started = process.hrtime.bigint();
        const answer = await verify(account, 'not-the-password');
        return { answer, ms: Number(process.hrtime.bigint() - started) / 1e6 };
      };
      const unknown = [];
      const wrong = [];
      for (let i = 0; i < 3; i += 1) {
        unknown.push(await time(`nobody-${randomUUID().slice(0, 8)}`));
        wrong.push(await time('carol'));
      }
      expect(unknown[0]?.answer).toEqual(wrong[0]?.answer);
      expect(unknown[0]?.answer).toEqual({ ok: false, reason: 'bad_credentials', lockedUntil: null });
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
      // Both pay for one bcrypt comparison at the configured cost.
      expect(median(unknown.map((u) => u.ms))).toBeGreaterThan(median(wrong.map((w) => w.ms)) * 0.4);
    });

    it('when 5 wrong passwords arrive, then the account locks, even the right password is refused, and users.user.locked is published', async () => {
      const id = await makeUser('dave', 'dave-pass-1');
      const locked: string[] = [];
      const sub = nc.subscribe('events.users.user.locked', { callback: (_e, msg) => void locked.push(msg.string()) });
      const answers = [];
      for (let i = 0; i < 5; i += 1) answers.push(await verify('dave', 'wrong'));
      expect(answers.slice(0, 4).every((a) => !a.ok && a.reason === 'bad_credentials')).toBe(true);
      expect(answers[4]).toMatchObject({ ok: false, reason: 'locked', lockedUntil: expect.any(String) });
      expect(await verify('dave', 'dave-pass-1')).toMatchObject({ ok: false, reason: 'locked' });
      await eventually(() => (locked.some((e) => e.includes(id)) ? true : undefined), 3000, 'the locked event');
      sub.unsubscribe();
    });

    it('when guesses arrive in parallel, then none is lost from the count', async () => {
      await makeUser('erin', 'erin-pass-1');
      await Promise.all(Array.from({ length: 8 }, () => verify('erin', 'wrong')));
      expect(await verify('erin', 'erin-pass-1')).toMatchObject({ ok: false, reason: 'locked' });
    });
  });

  describe('users.unlock', () => {
    it('when a non-admin asks, then FORBIDDEN; when the admin asks, then the account logs in again', async () => {
      const frankId = await makeUser('frank', 'frank-pass-1');
      const helperId = await makeUser('grace', 'grace-pass-1');
      for (let i = 0; i < 5; i += 1) await verify('frank', 'wrong');
      expect(await verify('frank', 'frank-pass-1')).toMatchObject({ reason: 'locked' });

      const asGrace = { headers: { [natsHeaders.userId]: helperId } };
      const refused = await requestEndpoint(nc, usersEndpoints.unlock, { account: 'frank' }, asGrace).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as AppError).key).toBe('FORBIDDEN');

      const admin = await verify('admin', ADMIN_PASSWORD);
      if (!admin.ok) throw new Error('admin login failed');
      await requestEndpoint(nc, usersEndpoints.unlock, { userId: frankId }, { headers: { [natsHeaders.userId]: admin.user.id } });
      expect(await verify('frank', 'frank-pass-1')).toMatchObject({ ok: true });
    });
  });

  describe('users.current.get and lookups', () => {
    it('answers the token user in the Open-Job shape, never the hash', async () => {
      const id = await makeUser('heidi', 'heidi-pass-1', { mobile: '13900000001' });
      const me = await requestEndpoint(nc, usersEndpoints.currentUser, {}, { headers: { [natsHeaders.userId]: id } });
      expect(me).toMatchObject({ id, username: 'heidi', phone: '13900000001', status: 1 });
      expect(me.createTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(JSON.stringify(me)).not.toMatch(/passwordHash|\$2[aby]\$/);
      expect(await requestEndpoint(nc, usersEndpoints.findByMobile, { mobile: '13900000001' })).toMatchObject({ id, account: 'heidi' });
      expect(await requestEndpoint(nc, usersEndpoints.findByMobile, { mobile: '13900000009' })).toBeNull();
    });

    it('refuses a second account with the same mobile', async () => {
      await makeUser('ivan', 'ivan-pass-1', { mobile: '13900000002' });
      await expect(makeUser('judy', 'judy-pass-1', { mobile: '13900000002' })).rejects.toMatchObject({ code: 11000 });
      // Two registrations racing for one mobile: exactly one insert wins.
      const racing = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => makeUser(`racer${i}`, 'racer-pass-1', { mobile: '13900000004' })));
      expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      // Accounts without a mobile do not collide.
      await makeUser('ken', 'ken-pass-1');
      await makeUser('leo', 'leo-pass-1');
    });
  });

  describe('users.context.get and users.context.default', () => {
    it('answers the IBPS context of oneself with a null password, refuses another user’s, lets the admin read anyone’s', async () => {
      const id = await makeUser('olga', 'olga-pass-1', { fullName: 'Olga', mobile: '13900000003' });
      const asOlga = { headers: { [natsHeaders.userId]: id } };
      const own = await requestEndpoint(nc, usersEndpoints.contextGet, { username: 'olga' }, asOlga);
      expect(own).toMatchObject({ user: { id, account: 'olga', fullname: 'Olga', password: null, isSuper: 'N', super: false, status: 'actived' }, tenantId: '1', tenantIds: '1', role: [] });
      await expect(requestEndpoint(nc, usersEndpoints.contextGet, { username: 'admin' }, asOlga)).rejects.toMatchObject({ key: 'FORBIDDEN' });
      const admin = await verify('admin', ADMIN_PASSWORD);
      if (!admin.ok) throw new Error('admin login failed');
      const read = await requestEndpoint(nc, usersEndpoints.contextGet, { username: 'olga' }, { headers: { [natsHeaders.userId]: admin.user.id } });
      expect(read.user.id).toBe(id);
      const stranger = await makeUser('sven', 'sven-pass-1', { tenantId: '2' });
      await expect(requestEndpoint(nc, usersEndpoints.contextGet, { username: 'sven' }, { headers: { [natsHeaders.userId]: admin.user.id } })).rejects.toMatchObject({ key: 'USERS_TENANT_FORBIDDEN' });
      expect(stranger).toMatch(/^\d+$/);
      expect(await requestEndpoint(nc, usersEndpoints.contextDefault, {}, asOlga)).toMatchObject({ user: { id } });
      await expect(requestEndpoint(nc, usersEndpoints.contextDefault, { tenantId: '99' }, asOlga)).rejects.toMatchObject({ key: 'USERS_TENANT_FORBIDDEN' });
    });
  });

  describe('demo seed', () => {
    const ORG_KEYS = ['pk', 'name', 'ip', 'createBy', 'createTime', 'updateBy', 'updateTime', 'tenantId', 'dataStatus', 'dbtype', 'id', 'partyType', 'parentId', 'path', 'depth', 'sn', 'levelID', 'roleIDs', 'orgAlias', 'status', 'level', 'pathName', 'hasChild'];
    const EMPLOYEE_KEYS = ['pk', 'name', 'ip', 'createBy', 'createTime', 'updateBy', 'updateTime', 'tenantId', 'dataStatus', 'dbtype', 'id', 'partyType', 'alias', 'parentId', 'path', 'depth', 'sn', 'profile', 'status', 'gender', 'email', 'address', 'mobile', 'qq', 'photo', 'positions', 'groupID', 'wcAccount', 'account', 'isSuper', 'orgName', 'isMainPost', 'isPrincipal', 'pinYinHeadChar', 'source'];
    const USER_KEYS = ['pk', 'name', 'ip', 'createBy', 'createTime', 'updateBy', 'updateTime', 'tenantId', 'dataStatus', 'dbtype', 'id', 'account', 'password', 'isSuper', 'dataCheck', 'wcAccount', 'fullname', 'status', 'gender', 'mobile', 'email', 'address', 'qq', 'photo', 'userId', 'super'];

    it('places the admin in the demo organisation, role and position, with every key of the original context', async () => {
      const admin = await verify('admin', ADMIN_PASSWORD);
      if (!admin.ok) throw new Error('admin login failed');
      const context = await requestEndpoint(nc, usersEndpoints.contextGet, { username: 'admin' }, { headers: { [natsHeaders.userId]: admin.user.id } });
      expect(context.org).toMatchObject({ id: '1000', name: 'Demo Company', orgAlias: 'demo' });
      expect(context.role).toMatchObject([{ id: '2001', alias: 'admin' }]);
      expect(context.mainPosition).toMatchObject({ id: '3001', name: 'Staff' });
      expect(Object.keys(context.org ?? {})).toEqual(expect.arrayContaining(ORG_KEYS));
      expect(Object.keys(context.employee ?? {})).toEqual(expect.arrayContaining(EMPLOYEE_KEYS));
      expect(Object.keys(context.user)).toEqual(expect.arrayContaining(USER_KEYS));
      expect(context.user.password).toBeNull();
      expect(await verify('user', 'demo-user-pass-1')).toMatchObject({ ok: true, user: { account: 'user', isSuper: false } });
    });

    it('changes nothing when it runs again', async () => {
      const collections = ['users', 'orgs', 'roles', 'positions', 'employees', 'tenants'];
      const count = async () => Promise.all(collections.map((c) => connection.db!.collection(c).countDocuments()));
      const before = await count();
      const again = await buildUsersApp(
        loadUsersConfig({ NATS_URL: nats.url, MONGO_URL: databaseUrl(dbName), ADMIN_PASSWORD: 'another-pass-1', BCRYPT_COST: String(COST), HEALTH_PORT: '0', HEALTH_HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_DEMO: 'true' }),
        { logger },
      );
      await again.start();
      await again.stop();
      expect(await count()).toEqual(before);
      expect(await verify('admin', ADMIN_PASSWORD)).toMatchObject({ ok: true });
    });
  });

  describe('read cache', () => {
    it('when one replica changes a user, then no replica answers the old value', async () => {
      const second = await buildUsersApp(
        loadUsersConfig({ NATS_URL: nats.url, MONGO_URL: databaseUrl(dbName), ADMIN_PASSWORD, BCRYPT_COST: String(COST), HEALTH_PORT: '0', HEALTH_HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
        { logger },
      );
      await second.start();
      try {
        const id = await makeUser('walt', 'walt-pass-1', { mobile: '13900000005' });
        const asWalt = { headers: { [natsHeaders.userId]: id } };
        // Warm both replicas' caches (the queue group spreads the reads).
        for (let i = 0; i < 20; i += 1) {
          expect((await requestEndpoint(nc, usersEndpoints.currentUser, {}, asWalt)).phone).toBe('13900000005');
          expect((await requestEndpoint(nc, usersEndpoints.contextGet, { username: 'walt' }, asWalt)).user.mobile).toBe('13900000005');
        }
        const admin = await verify('admin', ADMIN_PASSWORD);
        if (!admin.ok) throw new Error('admin login failed');
        await requestEndpoint(nc, usersEndpoints.adminUpdate, { id, mobile: '13900000006' }, { headers: { [natsHeaders.userId]: admin.user.id } });
        await nc.flush();
        const phones = [];
        for (let i = 0; i < 20; i += 1) phones.push((await requestEndpoint(nc, usersEndpoints.currentUser, {}, asWalt)).phone);
        expect(new Set(phones)).toEqual(new Set(['13900000006']));
        const contextMobiles = [];
        for (let i = 0; i < 20; i += 1) contextMobiles.push((await requestEndpoint(nc, usersEndpoints.contextGet, { username: 'walt' }, asWalt)).user.mobile);
        expect(new Set(contextMobiles)).toEqual(new Set(['13900000006']));
      } finally {
        await second.stop();
      }
    });
  });

  it('is ready on /readyz', async () => {
    const response = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
    expect(response.status).toBe(200);
  });
});
