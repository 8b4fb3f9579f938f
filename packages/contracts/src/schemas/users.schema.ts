import { z } from 'zod';
import { AccountNameSchema, DeviceIdSchema, IdListSchema, IdSchema, MobileSchema, NewPasswordSchema, OpenJobDateTimeSchema, PageQueryShape, PasswordInputSchema } from './common.schema.js';

/** `GET /openJobUser/currentUser`: never the password hash, though the original showed one. */
export const CurrentUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  phone: z.string().nullable(),
  status: z.union([z.literal(0), z.literal(1)]).meta({ description: '1 unlocked, 0 locked' }),
  createTime: OpenJobDateTimeSchema,
  updateTime: OpenJobDateTimeSchema,
  /** True after an administrator restored the default password, until it is changed. */
  passwordExpired: z.boolean(),
});

const nullableString = z.string().nullable();

/** An IBPS party record (org, employee, role, position); extra fields pass through as the original sends many. */
const PartySchema = z.looseObject({ id: z.string(), name: nullableString });

export const IbpsUserSchema = z.looseObject({
  id: z.string(),
  userId: z.string(),
  account: z.string(),
  fullname: nullableString,
  name: nullableString,
  password: z.null(),
  isSuper: z.enum(['Y', 'N']),
  super: z.boolean(),
  status: z.string(),
  gender: nullableString,
  mobile: nullableString,
  email: nullableString,
  tenantId: nullableString,
});

export const UserContextSchema = z.object({
  role: z.array(PartySchema),
  org: PartySchema.nullable(),
  user: IbpsUserSchema,
  employee: PartySchema.nullable(),
  tenantId: nullableString,
  tenantIds: nullableString.meta({ description: 'Tenant ids, comma-separated.' }),
  mainPosition: PartySchema.nullable(),
  positions: z.array(PartySchema).nullable(),
});

export const ContextQuerySchema = z.object({ username: AccountNameSchema });
export const ContextDefaultQuerySchema = z.object({ tenantId: IdSchema.optional() });

export const RegistrationSchema = z.object({
  fullName: z.string(),
  gender: nullableString,
  mobile: z.string(),
  company: nullableString,
  area: nullableString,
  status: z.string(),
  createTime: OpenJobDateTimeSchema,
});
export const RegistrationQuerySchema = z.object({ mobile: MobileSchema });

export const GenderSchema = z.enum(['male', 'female', 'unknown']);

/** `POST /user/register` and `/user/reset/passwd`. */
export const RegisterBodySchema = z.object({
  fullName: z.string().min(1, 'is required').max(64),
  gender: GenderSchema.optional(),
  mobile: MobileSchema,
  passWd: NewPasswordSchema,
  company: z.string().max(128).optional(),
  area: z.string().max(128).optional(),
  dataChk: z.string().max(256).optional(),
  validCode: z.string().regex(/^\d{4,8}$/, 'must be the 4-8 digit code from the SMS'),
});
export const NewAccountSchema = z.object({ id: z.string(), account: z.string() });

/** `reset`: 0 own password, 1 admin sets newPassword, 2 admin restores the default. */
export const ResetModeSchema = z
  .union([z.literal(0), z.literal(1), z.literal(2), z.enum(['0', '1', '2'])])
  .transform((v) => Number(v) as 0 | 1 | 2);

export const ChangePasswordBodySchema = z
  .object({
    userIds: IdListSchema,
    primitivePassword: PasswordInputSchema.optional(),
    newPassword: NewPasswordSchema.optional(),
    repeatPassword: NewPasswordSchema.optional(),
    reset: ResetModeSchema.default(0),
  })
  .superRefine((value, ctx) => {
    if (value.reset === 2) return;
    if (value.newPassword === undefined) ctx.addIssue({ code: 'custom', path: ['newPassword'], message: 'is required unless reset is 2' });
    if (value.repeatPassword === undefined) ctx.addIssue({ code: 'custom', path: ['repeatPassword'], message: 'is required unless reset is 2' });
    if (value.reset === 0 && value.primitivePassword === undefined) ctx.addIssue({ code: 'custom', path: ['primitivePassword'], message: 'is required to change your own password' });
  });

export const UnlockQuerySchema = z
  .object({ account: AccountNameSchema.optional(), userId: IdSchema.optional() })
  .superRefine((value, ctx) => {
    if (value.account === undefined && value.userId === undefined) ctx.addIssue({ code: 'custom', path: ['account'], message: 'account or userId is required' });
  });

export const AccountStatusSchema = z.enum(['active', 'locked', 'disabled']);

/** What other services may know of an account; never a hash. */
export const AccountSummarySchema = z.object({
  id: z.string(),
  account: z.string(),
  fullName: nullableString,
  mobile: nullableString,
  email: nullableString,
  tenantId: nullableString,
  status: AccountStatusSchema,
  isSuper: z.boolean(),
  lockedUntil: z.iso.datetime().nullable(),
});

export const CredentialsVerifyRequestSchema = z.object({ account: AccountNameSchema, password: PasswordInputSchema, clientIp: z.string().max(64).optional() });
/** Wrong account and wrong password look the same, so callers cannot enumerate accounts. */
export const CredentialsVerifyResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), user: AccountSummarySchema }),
  z.object({ ok: z.literal(false), reason: z.enum(['bad_credentials', 'locked', 'disabled']), lockedUntil: z.iso.datetime().nullable() }),
]);

export const FindByMobileRequestSchema = z.object({ mobile: MobileSchema });
export const FindByWecomRequestSchema = z.object({ wecomUserId: z.string().min(1).max(128) });
export const GetUserRequestSchema = z.object({ id: IdSchema });
export const MaybeAccountSchema = AccountSummarySchema.nullable();

export const DeviceScopedSchema = z.object({ deviceId: DeviceIdSchema });

/** A registered third-party client of the OAuth flow (admin API `/api/clients`). */
export const ClientSchema = z.object({ clientId: z.string(), name: z.string(), createTime: z.iso.datetime() });
export const ClientCreateBodySchema = z.object({
  clientId: z.string().regex(/^[A-Za-z0-9_.-]{3,60}$/, 'must be 3-60 letters, digits, . _ or -'),
  name: z.string().min(1, 'is required').max(128),
});
/** The secret is shown once, at creation; only its hash is kept. */
export const ClientCreatedSchema = ClientSchema.extend({ clientSecret: z.string() });
export const ClientListSchema = z.array(ClientSchema);
/** Without a secret: does the client exist? With one: is it the client's secret? */
export const ClientVerifyRequestSchema = z.object({ clientId: z.string().min(1).max(64), clientSecret: z.string().min(1).max(256).optional() });
export const ClientVerifyResponseSchema = z.object({ ok: z.boolean(), name: z.string().nullable() });

/** A user as the admin API shows it: everything but the hash. */
export const AdminUserSchema = z.object({
  id: z.string(),
  account: z.string(),
  fullName: z.string().nullable(),
  mobile: z.string().nullable(),
  email: z.string().nullable(),
  gender: z.string().nullable(),
  status: z.enum(['active', 'disabled']),
  locked: z.boolean(),
  lockedUntil: z.iso.datetime().nullable(),
  isSuper: z.boolean(),
  tenantId: z.string().nullable(),
  orgId: z.string().nullable(),
  roleIds: z.array(z.string()),
  positionIds: z.array(z.string()),
  wecomUserId: z.string().nullable(),
  passwordExpired: z.boolean(),
  createTime: z.iso.datetime(),
  updateTime: z.iso.datetime(),
});

const userFields = {
  fullName: z.string().min(1).max(64).optional(),
  mobile: MobileSchema.nullable().optional().meta({ description: 'null removes the mobile' }),
  email: z.email('must be an e-mail address').max(128).nullable().optional(),
  gender: GenderSchema.nullable().optional(),
  orgId: IdSchema.nullable().optional(),
  roleIds: z.array(IdSchema).max(50).optional(),
  positionIds: z.array(IdSchema).max(50).optional(),
  wecomUserId: z.string().min(1).max(128).nullable().optional(),
};

export const AdminUserCreateBodySchema = z.object({
  account: z.string().regex(/^[A-Za-z0-9_.@+-]{2,64}$/, 'must be 2-64 letters, digits or _ . @ + -'),
  password: NewPasswordSchema,
  isSuper: z.boolean().default(false),
  ...userFields,
});
export const AdminUserUpdateBodySchema = z.object({ ...userFields, status: z.enum(['active', 'disabled']).optional() });
export const AdminUserUpdateRequestSchema = AdminUserUpdateBodySchema.extend({ id: IdSchema });
export const AdminUserListQuerySchema = z.object({
  account: z.string().max(64).optional(),
  fullName: z.string().max(64).optional(),
  mobile: z.string().max(20).optional(),
  status: z.enum(['active', 'disabled']).optional(),
  ...PageQueryShape,
});
export const AdminUserPageSchema = z.object({ records: z.array(AdminUserSchema), total: z.number().int(), current: z.number().int(), pages: z.number().int() });
export const AdminUserIdParamsSchema = z.object({ id: IdSchema });
export const AdminLockBodySchema = z.object({ minutes: z.number().int().min(1).max(365 * 24 * 60).default(30) });
export const AdminLockRequestSchema = AdminLockBodySchema.extend({ id: IdSchema });
export const ClientIdParamsSchema = z.object({ clientId: z.string().regex(/^[A-Za-z0-9_.-]{3,60}$/) });
