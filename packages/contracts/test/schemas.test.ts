import { describe, expect, it } from 'vitest';
import {
  AuthenticationApplyBodySchema,
  CaptchaBodySchema,
  CaptchaCreateRequestSchema,
  ChangePasswordBodySchema,
  errorCatalogue,
  errorKeys,
  IbpsLoginBodySchema,
  JobCreateBodySchema,
  JobPageQuerySchema,
  NextTriggerQuerySchema,
  parseOrThrow,
  PasswordLoginBodySchema,
  RegisterBodySchema,
  SendSmsQuerySchema,
  UnlockQuerySchema,
  AppError,
} from '../src/index.js';

describe('login bodies', () => {
  it('accepts the seed example and ignores the extra fields real clients send', () => {
    const parsed = PasswordLoginBodySchema.parse({ username: 'admin', password: '123456', captcha: '5694', deviceId: '80c71a92-a2e6-4320-3bbe-38cfd6b19ab4', type: 'account', autoLogin: true });
    expect(parsed).toEqual({ username: 'admin', password: '123456', captcha: '5694', deviceId: '80c71a92-a2e6-4320-3bbe-38cfd6b19ab4' });
    expect(IbpsLoginBodySchema.safeParse({ username: 'zjh', password: '123456', captcha: '', requestId: '' }).success).toBe(true);
  });

  it.each([
    ['an operator object', { $gt: '' }],
    ['a number', 42],
    ['an array', ['admin']],
    ['an overlong string', 'a'.repeat(5000)],
    ['an empty string', ''],
  ])('rejects %s as the username', (_name, username) => {
    expect(PasswordLoginBodySchema.safeParse({ username, password: 'x', deviceId: 'd' }).success).toBe(false);
  });

  it('names the failing field in the error', () => {
    let error: unknown;
    try {
      parseOrThrow(PasswordLoginBodySchema, { username: { $ne: null }, password: 'x', deviceId: 'd' }, 'body');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).key).toBe('VALIDATION_FAILED');
    expect((error as AppError).message).toContain('body.username');
  });
});

describe('captcha requests', () => {
  it('needs a mobile number for an SMS code', () => {
    expect(CaptchaBodySchema.safeParse({ type: 'sms', deviceId: 'd1' }).success).toBe(false);
    expect(CaptchaBodySchema.safeParse({ type: 'sms', deviceId: 'd1', mobile: '13588888888' }).success).toBe(true);
    expect(CaptchaBodySchema.safeParse({ type: 'voice', deviceId: 'd1' }).success).toBe(false);
  });

  it('defaults to an image for the IBPS captcha, with or without a request id', () => {
    expect(CaptchaCreateRequestSchema.parse({})).toEqual({ type: 'image' });
    expect(CaptchaCreateRequestSchema.parse({ requestId: 'abc' })).toEqual({ type: 'image', requestId: 'abc' });
  });
});

describe('query strings', () => {
  it('turns page numbers into numbers with defaults, and refuses junk and out-of-range sizes', () => {
    expect(JobPageQuerySchema.parse({})).toMatchObject({ current: 1, pageSize: 10 });
    expect(JobPageQuerySchema.parse({ current: '3', pageSize: '500', status: '1' })).toMatchObject({ current: 3, pageSize: 500, status: 1 });
    expect(JobPageQuerySchema.safeParse({ pageSize: '501' }).success).toBe(false);
    expect(JobPageQuerySchema.safeParse({ current: '1e999' }).success).toBe(false);
    expect(JobPageQuerySchema.safeParse({ beginTime: '2021-09-29' }).success).toBe(false);
  });

  it('re-validates its own output, as the service does after the gateway', () => {
    for (const [schema, input] of [
      [JobPageQuerySchema, { current: '2', status: '0' }],
      [NextTriggerQuerySchema, { cronExpress: '0 0/5 * * * ?', count: '3', timezone: 'Asia/Shanghai' }],
      [SendSmsQuerySchema, { mobile: '13588888888', forget: 'true' }],
      [ChangePasswordBodySchema, { userIds: ['1'], reset: '2' }],
    ] as const) {
      const once = schema.parse(input);
      expect(schema.parse(once)).toEqual(once);
    }
  });

  it('refuses unknown time zones and absurd counts for next fire times', () => {
    expect(NextTriggerQuerySchema.safeParse({ cronExpress: '* * * * * ?', timezone: 'Mars/Olympus' }).success).toBe(false);
    expect(NextTriggerQuerySchema.safeParse({ cronExpress: '* * * * * ?', count: '1000' }).success).toBe(false);
  });
});

describe('users and jobs bodies', () => {
  it('checks the password change by mode', () => {
    expect(ChangePasswordBodySchema.safeParse({ userIds: ['626353848415420416'], newPassword: '123abc', repeatPassword: '123abc', primitivePassword: '1', reset: 0 }).success).toBe(true);
    expect(ChangePasswordBodySchema.safeParse({ userIds: ['626353848415420416'], reset: 2 }).success).toBe(true);
    expect(ChangePasswordBodySchema.safeParse({ userIds: ['626353848415420416'], newPassword: '123abc', repeatPassword: '123abc', reset: 0 }).success).toBe(false);
    expect(ChangePasswordBodySchema.safeParse({ userIds: [], reset: 2 }).success).toBe(false);
  });

  it('needs account or userId to unlock', () => {
    expect(UnlockQuerySchema.safeParse({}).success).toBe(false);
    expect(UnlockQuerySchema.safeParse({ account: 'zjh' }).success).toBe(true);
  });

  it('validates registrations', () => {
    const valid = { fullName: '张三', gender: 'male', mobile: '13588888888', passWd: 'secret1', company: 'Acme', area: 'GZ', validCode: '123456' };
    expect(RegisterBodySchema.safeParse(valid).success).toBe(true);
    expect(RegisterBodySchema.safeParse({ ...valid, mobile: '+1 555' }).success).toBe(false);
    expect(RegisterBodySchema.safeParse({ ...valid, mobile: '+8613588888888' }).success).toBe(true);
    expect(RegisterBodySchema.safeParse({ ...valid, mobile: '1358888888' }).success).toBe(false);
    expect(RegisterBodySchema.safeParse({ ...valid, validCode: { $gt: '' } }).success).toBe(false);
  });

  it('accepts the seed job and rejects wrong types', () => {
    expect(JobCreateBodySchema.safeParse({ jobName: '测试任务', handlerName: 'handler-one', cronExpression: '0 0 0/5 * * ? *', params: '' }).success).toBe(true);
    expect(JobCreateBodySchema.safeParse({ jobName: '测试任务', handlerName: 'bad name!', cronExpression: '0 * * * * ?' }).success).toBe(false);
    expect(JobCreateBodySchema.safeParse({ jobName: 'x', handlerName: 'h', cronExpression: '0 * * * * ?', timeoutSeconds: '30' }).success).toBe(false);
  });

  it('asks for the fields each OAuth grant needs', () => {
    const result = AuthenticationApplyBodySchema.safeParse({ grant_type: 'authorization_code', client_id: 'app' });
    expect(result.success).toBe(false);
    const paths = result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
    expect(paths.sort()).toEqual(['authorize_code', 'client_secret']);
    expect(AuthenticationApplyBodySchema.safeParse({ grant_type: 'password_credentials', username: 'u', password: 'p' }).success).toBe(true);
  });
});

describe('error catalogue', () => {
  const serverSide = new Set(['INTERNAL', 'SERVICE_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);

  it('maps client mistakes to client-class codes and states in both families', () => {
    for (const key of errorKeys) {
      const entry = errorCatalogue[key];
      if (serverSide.has(key)) {
        expect(entry.httpStatus).toBeGreaterThanOrEqual(500);
        continue;
      }
      expect(entry.httpStatus, key).toBeLessThan(500);
      expect(entry.openJobCode >= 500 && entry.openJobCode < 600, key).toBe(false);
      expect(entry.ibpsState >= 500 && entry.ibpsState < 600 && entry.ibpsState !== 501, key).toBe(false);
      expect(entry.message.length, key).toBeGreaterThan(10);
    }
  });

  it('uses the codes the original front ends act on', () => {
    expect(errorCatalogue.AUTH_BAD_CREDENTIALS.openJobCode).toBe(1005);
    expect(errorCatalogue.AUTH_CAPTCHA_INVALID.openJobCode).toBe(1006);
    expect(errorCatalogue.AUTH_TOKEN_EXPIRED.ibpsState).toBe(6020301);
    expect(errorCatalogue.AUTH_TOKEN_INVALID.ibpsState).toBe(6020201);
    expect(errorCatalogue.AUTH_TOKEN_MISSING.openJobCode).toBe(401);
  });
});
