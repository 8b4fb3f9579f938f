import { z } from 'zod';
import {
  AccountNameSchema,
  CaptchaAnswerSchema,
  DeviceIdSchema,
  IdSchema,
  MobileSchema,
  PasswordInputSchema,
  PngImageSchema,
  QueryBooleanSchema,
  TrueSchema,
} from './common.schema.js';

export const CaptchaTypeSchema = z.enum(['image', 'sms', 'scan']);

const requireMobileForSms = (value: { type?: string | undefined; mobile?: string | undefined }, ctx: z.RefinementCtx) => {
  if (value.type === 'sms' && value.mobile === undefined) {
    ctx.addIssue({ code: 'custom', path: ['mobile'], message: 'is required when type is sms' });
  }
};

/** `POST /validate/code` body. */
export const CaptchaBodySchema = z
  .object({ type: CaptchaTypeSchema, mobile: MobileSchema.optional(), deviceId: DeviceIdSchema })
  .superRefine(requireMobileForSms);

/** `POST /validate/code/:type` body: the type is in the path. */
export const CaptchaTypedBodySchema = z.object({ mobile: MobileSchema.optional(), deviceId: DeviceIdSchema });
export const CaptchaTypeParamsSchema = z.object({ type: CaptchaTypeSchema });

/** `auth.captcha.create`: Open-Job passes deviceId; IBPS passes requestId or nothing (one is made). */
export const CaptchaCreateRequestSchema = z
  .object({
    type: CaptchaTypeSchema.default('image'),
    mobile: MobileSchema.optional(),
    deviceId: DeviceIdSchema.optional(),
    requestId: DeviceIdSchema.optional(),
  })
  .superRefine(requireMobileForSms);

/** An image or QR captcha as PNG, or `true` once an SMS code was sent. */
export const CaptchaCreateResponseSchema = z.union([PngImageSchema, TrueSchema]);

export const RequestIdQuerySchema = z.object({ requestId: DeviceIdSchema.optional() });

/** Open-Job token data; `expiredTime` is epoch milliseconds as a string. */
export const TokenPairSchema = z.object({
  accessToken: z.string().min(1),
  expiredTime: z.string().regex(/^\d+$/),
  refreshToken: z.string().min(1),
});
export type TokenPair = z.infer<typeof TokenPairSchema>;

/** IBPS logins answer the access token string. */
export const TokenStringSchema = z.string().min(1).meta({ example: '616e7580f9fa11e906ee9dff8b7b5da8' });

export const PasswordLoginBodySchema = z.object({
  username: AccountNameSchema,
  password: PasswordInputSchema,
  captcha: CaptchaAnswerSchema.optional(),
  deviceId: DeviceIdSchema,
});

export const IbpsLoginBodySchema = z.object({
  username: AccountNameSchema,
  password: PasswordInputSchema,
  captcha: CaptchaAnswerSchema.optional(),
  requestId: z.union([DeviceIdSchema, z.literal('')]).optional(),
});

/** `auth.login.password`: either family's login. */
export const PasswordLoginRequestSchema = z.object({
  username: AccountNameSchema,
  password: PasswordInputSchema,
  captcha: CaptchaAnswerSchema.optional(),
  deviceId: DeviceIdSchema.optional(),
  requestId: z.union([DeviceIdSchema, z.literal('')]).optional(),
});

export const MobileLoginBodySchema = z.object({
  mobile: MobileSchema,
  captcha: z.string().regex(/^\d{4,8}$/, 'must be the 4-8 digit code from the SMS'),
  deviceId: DeviceIdSchema,
});

export const WecomLoginBodySchema = z.object({ code: z.string().min(1, 'is required').max(256) });

export const ScanPollBodySchema = z.object({ deviceId: DeviceIdSchema });
export const ScanStatusSchema = z.object({
  status: z.enum(['waiting', 'scanned', 'confirmed', 'expired']),
  accessToken: z.string().optional(),
  expiredTime: z.string().optional(),
  refreshToken: z.string().optional(),
});

/** `confirm: false` marks the ticket scanned (the phone shows its confirm screen); true (default) confirms. */
export const ScanConfirmBodySchema = z.object({ ticket: z.string().min(1, 'is required').max(128), confirm: z.boolean().default(true) });

export const RefreshQuerySchema = z.object({ refreshToken: z.string().min(1, 'is required').max(512) });

/** Logout takes the token the gateway verified; nothing else. */
export const LogoutRequestSchema = z.object({});

export const SendSmsQuerySchema = z.object({ mobile: MobileSchema, forget: QueryBooleanSchema.default(false) });

export const SmsPurposeSchema = z.enum(['login', 'register', 'forget']);
/** `auth.sms.send`: the users service asks for a code of a purpose (it has checked the mobile). */
export const SmsSendRequestSchema = z.object({ mobile: MobileSchema, purpose: z.enum(['login', 'register', 'forget']) });
export const SmsVerifyRequestSchema = z.object({ mobile: MobileSchema, purpose: SmsPurposeSchema, code: z.string().max(16) });
export const SmsVerifyResponseSchema = z.object({ valid: z.boolean() });

export const ClientIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a client id: 1-64 letters, digits, . _ or -');

export const AuthorizeApplyBodySchema = z.object({ login_state: z.string().min(1, 'is required').max(4096), client_id: ClientIdSchema });
export const AuthorizationCodeSchema = z.string().min(1);

export const GrantTypeSchema = z.enum(['authorization_code', 'password_credentials', 'refresh_token', 'client_credentials']);

export const AuthenticationApplyBodySchema = z
  .object({
    grant_type: GrantTypeSchema,
    client_id: ClientIdSchema.optional(),
    client_secret: z.string().min(1).max(256).optional(),
    authorize_code: z.string().min(1).max(256).optional(),
    username: AccountNameSchema.optional(),
    password: PasswordInputSchema.optional(),
    refresh_token: z.string().min(1).max(512).optional(),
  })
  .superRefine((value, ctx) => {
    const need: Record<z.infer<typeof GrantTypeSchema>, Array<keyof typeof value>> = {
      authorization_code: ['client_id', 'client_secret', 'authorize_code'],
      password_credentials: ['username', 'password'],
      refresh_token: ['client_id', 'refresh_token'],
      client_credentials: ['client_id', 'client_secret'],
    };
    for (const field of need[value.grant_type]) {
      if (value[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is required for grant_type ${value.grant_type}` });
    }
  });

export const OAuthTokenSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string().optional(),
  uid: z.string(),
  expires_in: z.number().int(),
  scope: z.string(),
});

export const AuthenticationVerifyQuerySchema = z.object({ access_token: z.string().min(1, 'is required').max(4096), uid: IdSchema.optional() });

export const ThirdPartyCodeQuerySchema = z.object({ clientId: ClientIdSchema });
export const ThirdPartyUserInfoQuerySchema = z.object({ code: z.string().min(1, 'is required').max(256) });
export const ThirdPartyUserInfoSchema = z.object({
  gender: z.string().nullable(),
  mobile: z.string().nullable(),
  name: z.string().nullable(),
  tenantId: z.string().nullable(),
  account: z.string(),
  email: z.string().nullable(),
});

export const CaptchaOpenSchema = z.boolean();
