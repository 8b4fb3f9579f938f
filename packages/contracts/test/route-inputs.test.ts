import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument, CurrentUserSchema, routes, TAG_GROUPS, TokenPairSchema, UserContextSchema, type RouteDef } from '../src/index.js';

/** A valid request per route as it arrives over HTTP: path and query values are strings. */
interface Sample {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

const deviceId = '80c71a92-a2e6-4320-3bbe-38cfd6b19ab4';
const jobId = '1864927337364402176';
const registration = { fullName: '张三', gender: 'male', mobile: '13588888888', passWd: 'secret1', company: 'Acme', area: 'GZ', dataChk: 'x', validCode: '123456' };

const SAMPLES: Record<string, Sample> = {
  'openJob.validateCode': { body: { type: 'image', deviceId } },
  'openJob.validateCodeTyped': { params: { type: 'sms' }, body: { mobile: '13588888888', deviceId } },
  // The Open-Job admin adds `type` and `autoLogin`; they are ignored.
  'openJob.loginAccount': { body: { username: 'admin', password: '123456', captcha: '5694', deviceId, type: 'account', autoLogin: true } },
  'openJob.loginMobile': { body: { mobile: '13588888888', captcha: '123456', deviceId, type: 'mobile' } },
  'openJob.loginScan': { body: { deviceId } },
  'openJob.loginScanConfirm': { body: { ticket: 't-1' } },
  'openJob.refreshToken': { query: { refreshToken: 'r.e.f' } },
  'openJob.outLogin': { query: { accessToken: 'a.b.c' } },
  'openJob.currentUser': {},
  'openJob.page': { query: { jobName: '测试', status: '1', beginTime: '2021-09-29 00:00:00', current: '2', pageSize: '20' } },
  'openJob.info': { params: { id: jobId } },
  'openJob.save': { body: { jobName: '测试任务', handlerName: 'echo', cronExpression: '0 0/5 * * * ?', params: '{"a":1}', timezone: 'Asia/Shanghai', timeoutSeconds: 30, retries: 1 } },
  'openJob.update': { body: { id: jobId, jobName: '改名', cronExpression: '0 0 0/5 * * ? *' } },
  'openJob.deleteById': { params: { id: jobId } },
  'openJob.deleteByIdDelete': { params: { id: jobId } },
  'openJob.deleteBatch': { body: { ids: [jobId, '2'] } },
  'openJob.start': { body: { id: jobId } },
  'openJob.startById': { params: { id: jobId } },
  'openJob.stop': { body: { id: jobId } },
  'openJob.stopById': { params: { id: jobId } },
  'openJob.run': { body: { id: jobId } },
  'openJob.runById': { params: { id: jobId } },
  'openJob.nextTriggerTime': { query: { cronExpress: '0 0/5 * * * ?', count: '5', timezone: 'Asia/Shanghai', after: '2024-01-01T00:00:00Z' } },
  'openJob.executors': {},
  'openJobLog.page': { query: { taskId: jobId, status: '0', current: '1', pageSize: '10' } },
  'openJobLog.info': { params: { id: jobId } },
  'openJobLog.delete': { body: { ids: [jobId] } },
  'ibps.user.context': { query: { username: 'admin' } },
  'ibps.user.contextDefault': { query: { 'X-Authorization-access_token': 'a.b.c', tenantId: '0' } },
  'ibps.user.login': { body: { username: 'zjh', password: '123456', captcha: '', requestId: '' } },
  'ibps.user.loginWecom': { body: { code: 'CODE' } },
  'ibps.user.logout': { query: { access_token: '61797200f9fa11e906ee9dff8b7b5da8' } },
  'ibps.user.unlock': { query: { account: 'zjh' } },
  'ibps.user.open': {},
  'ibps.user.registerGet': { query: { mobile: '13588888888' } },
  'ibps.user.register': { body: registration },
  'ibps.user.resetPasswd': { body: registration },
  'ibps.user.sendSms': { query: { mobile: '13588888888', forget: 'true' } },
  'ibps.user.changePasswd': { body: { userIds: ['626353848415420416'], primitivePassword: 'old', newPassword: 'new1', repeatPassword: 'new1', reset: 0 } },
  'ibps.captcha.open': { query: { requestId: 'req-1' } },
  'ibps.user.captcha': { query: {} },
  'ibps.user.authorize': { query: { clientId: 'app' } },
  'ibps.authorize.apply': { body: { login_state: 'a.b.c', client_id: 'app' } },
  'ibps.authentication.apply': { body: { grant_type: 'client_credentials', client_id: 'app', client_secret: 's' } },
  'ibps.authentication.verify': { query: { access_token: 'a.b.c', uid: '1' } },
  'ibps.user.getUserInfo': { query: { code: 'one-time' } },
  'diag.echo': { query: { message: 'hi' } },
  'diag.echoAuth': { query: {} },
  'admin.clients.create': { body: { clientId: 'app', name: 'An app' } },
  'admin.clients.list': {},
  'admin.clients.delete': { params: { clientId: 'app' } },
  'admin.users.create': { body: { account: 'bob', password: 'pw-123456', fullName: 'Bob' } },
  'admin.users.list': { query: { account: 'b', current: '1' } },
  'admin.users.get': { params: { id: '1' } },
  'admin.users.update': { params: { id: '1' }, body: { fullName: 'Bob B', mobile: null } },
  'admin.users.lock': { params: { id: '1' }, body: { minutes: 10 } },
  'admin.users.unlock': { params: { userId: '1' } },
  'admin.users.delete': { params: { id: '1' } },
};

/** What the gateway sends on NATS: params over body over query, after its own parsing, through JSON. */
function gatewayPayload(route: RouteDef, sample: Sample): unknown {
  const query: unknown = route.query === undefined ? {} : route.query.parse(sample.query ?? {});
  const body: unknown = route.body === undefined ? {} : route.body.parse(sample.body ?? {});
  const params: unknown = route.params === undefined ? {} : route.params.parse(sample.params ?? {});
  return JSON.parse(JSON.stringify({ ...(query as object), ...(body as object), ...(params as object) })) as unknown;
}

function objectKeys(schema: z.ZodType | undefined): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function issuePaths(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => String(issue.path[0] ?? '(root)'));
}

describe('a valid request on every route', () => {
  it('has a sample for every route and none for a route that does not exist', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(routes.map((r) => r.id).sort());
  });

  it.each(routes.map((r) => [r.id, r] as const))('%s: passes the route schemas and the endpoint request schema', (id, route) => {
    const sample = SAMPLES[id] ?? {};
    const payload = gatewayPayload(route, sample);
    const result = route.endpoint.request.safeParse(payload);
    expect(result.success ? [] : result.error.issues, JSON.stringify(payload)).toEqual([]);
  });

  it('drops the unknown fields real clients add', () => {
    const login = routes.find((r) => r.id === 'openJob.loginAccount');
    expect(login?.body?.parse(SAMPLES['openJob.loginAccount']?.body)).not.toHaveProperty('autoLogin');
  });
});

describe('hostile input on every route', () => {
  const hostile: Array<[string, unknown]> = [
    ['an operator object', { $gt: '' }],
    ['a $ne operator', { $ne: null }],
    ['a 5000-character string', 'x'.repeat(5000)],
    ['an array of a long string', ['x'.repeat(5000)]],
    ['a nested object', { a: { b: 'c' } }],
  ];

  const bodyFields = routes.flatMap((r) => objectKeys(r.body).map((field) => [r.id, field, r] as const));
  it.each(bodyFields)('%s: body.%s refuses operator objects, overlong strings and arrays', (_id, field, route) => {
    for (const [, value] of hostile) {
      expect(issuePaths(route.body as z.ZodType, { ...(SAMPLES[route.id]?.body as object), [field]: value }), `${field}=${JSON.stringify(value).slice(0, 30)}`).toContain(field);
    }
  });

  const queryFields = routes.flatMap((r) => objectKeys(r.query).map((field) => [r.id, field, r] as const));
  it.each(queryFields)('%s: query.%s refuses objects, arrays and 5000-character values', (_id, field, route) => {
    for (const value of [{ $gt: '' }, ['a', 'b'], 'x'.repeat(5000)]) {
      expect(issuePaths(route.query as z.ZodObject, { ...SAMPLES[route.id]?.query, [field]: value })).toContain(field);
    }
  });

  const paramFields = routes.flatMap((r) => objectKeys(r.params).map((field) => [r.id, field, r] as const));
  it.each(paramFields)('%s: path :%s refuses traversal, spaces and 300 characters', (_id, field, route) => {
    for (const value of ['../../etc/passwd', '1 OR 1=1', 'x'.repeat(300), '{"$gt":""}']) {
      expect(issuePaths(route.params as z.ZodObject, { [field]: value })).toContain(field);
    }
  });

  it.each(routes.filter((r) => r.body !== undefined).map((r) => [r.id, r] as const))('%s: a JSON string, array or number is not a body', (_id, route) => {
    for (const value of ['just a string', [SAMPLES[route.id]?.body], 42, null]) {
      expect(route.body?.safeParse(value).success).toBe(false);
    }
  });

  it('names exactly the path parameters of each path in its params schema', () => {
    for (const route of routes) {
      for (const path of route.paths) {
        const names = (path.match(/:[A-Za-z]+/g) ?? []).map((n) => n.slice(1)).sort();
        if (names.length > 0) expect(objectKeys(route.params).sort(), `${route.id} ${path}`).toEqual(names);
      }
    }
  });
});

describe('answers as the seeds show them', () => {
  it('accepts the seed user context, whose records carry many more fields', () => {
    const party = { pk: '', name: '广州流辰信息', id: '625695342267990016', createTime: '2019-09-23 14:09:54', status: 'actived', hasChild: false };
    const user = {
      pk: '', name: 'zjh', id: '626353848415420416', account: 'zjh', password: null, isSuper: 'Y', fullname: 'zjh', status: 'actived',
      gender: 'male', mobile: '', email: 'zjh20140614@163.com', tenantId: null, userId: '626353848415420416', super: true,
    };
    const context = { role: [], org: party, tenantId: null, positions: null, employee: { ...party, name: 'zjh' }, user, mainPosition: null, tenantIds: null };
    expect(UserContextSchema.safeParse(context).success).toBe(true);
    expect(UserContextSchema.safeParse({ ...context, user: { ...user, password: '$2a$10$hash' } }).success).toBe(false);
  });

  it('keeps the expiry of a token pair as epoch milliseconds in a string', () => {
    expect(TokenPairSchema.safeParse({ accessToken: 'a', expiredTime: '1639556547000', refreshToken: 'r' }).success).toBe(true);
    expect(TokenPairSchema.safeParse({ accessToken: 'a', expiredTime: 1639556547000, refreshToken: 'r' }).success).toBe(false);
  });

  it('never carries a password in the current user', () => {
    expect(Object.keys(CurrentUserSchema.shape)).not.toContain('password');
    const parsed = CurrentUserSchema.parse({
      id: '1', username: 'admin', phone: null, status: 1, createTime: '2021-09-29 16:51:32', updateTime: '2021-09-29 16:51:32', passwordExpired: false, password: 'hash',
    });
    expect(parsed).not.toHaveProperty('password');
  });
});

describe('OpenAPI families', () => {
  const document = buildOpenApiDocument() as unknown as { tags?: Array<{ name: string }>; 'x-tagGroups'?: Array<{ name: string; tags: string[] }>; paths: Record<string, Record<string, { tags?: string[] }>> };

  it('groups the operation tags under Open-Job, IBPS and Admin', () => {
    expect(document['x-tagGroups']?.map((g) => g.name)).toEqual(['Open-Job', 'IBPS', 'Admin']);
    const declared = new Set<string>(TAG_GROUPS.flatMap((g) => [...g.tags]));
    for (const route of routes) for (const tag of route.tags) expect(declared.has(tag), `${route.id} tag ${tag}`).toBe(true);
  });

  it('documents the captcha image as image/png', () => {
    const content = (document.paths['/validate/code']?.post as { responses?: Record<string, { content?: Record<string, unknown> }> } | undefined)?.responses?.['200']?.content;
    expect(Object.keys(content ?? {})).toContain('image/png');
  });
});
