import { z } from 'zod';
import { defineEndpoint } from '../nats/endpoint.js';
import { subjects } from '../nats/subjects.js';
import {
  AuthenticationApplyBodySchema,
  AuthenticationVerifyQuerySchema,
  AuthorizationCodeSchema,
  AuthorizeApplyBodySchema,
  CaptchaCreateRequestSchema,
  CaptchaCreateResponseSchema,
  CaptchaOpenSchema,
  LogoutRequestSchema,
  MobileLoginBodySchema,
  OAuthTokenSchema,
  PasswordLoginRequestSchema,
  RefreshQuerySchema,
  RequestIdQuerySchema,
  ScanConfirmBodySchema,
  ScanPollBodySchema,
  ScanStatusSchema,
  SmsSendRequestSchema,
  SmsVerifyRequestSchema,
  SmsVerifyResponseSchema,
  ThirdPartyCodeQuerySchema,
  ThirdPartyUserInfoQuerySchema,
  ThirdPartyUserInfoSchema,
  TokenPairSchema,
  WecomLoginBodySchema,
} from '../schemas/auth.schema.js';
import { NullSchema, TrueSchema } from '../schemas/common.schema.js';

/** `auth.tokens.revoke-user`: every access and refresh token of the user issued until now stops working. */
export const RevokeUserTokensRequestSchema = z.object({
  userId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a user id'),
  reason: z.enum(['password-changed', 'password-reset', 'password-set']),
});

export const authEndpoints = {
  captchaCreate: defineEndpoint(subjects.auth.captchaCreate, CaptchaCreateRequestSchema, CaptchaCreateResponseSchema),
  captchaOpen: defineEndpoint(subjects.auth.captchaOpen, RequestIdQuerySchema, CaptchaOpenSchema),
  smsSend: defineEndpoint(subjects.auth.smsSend, SmsSendRequestSchema, NullSchema),
  smsVerify: defineEndpoint(subjects.auth.smsVerify, SmsVerifyRequestSchema, SmsVerifyResponseSchema),
  loginPassword: defineEndpoint(subjects.auth.loginPassword, PasswordLoginRequestSchema, TokenPairSchema),
  loginMobile: defineEndpoint(subjects.auth.loginMobile, MobileLoginBodySchema, TokenPairSchema),
  loginWecom: defineEndpoint(subjects.auth.loginWecom, WecomLoginBodySchema, TokenPairSchema),
  scanPoll: defineEndpoint(subjects.auth.scanPoll, ScanPollBodySchema, ScanStatusSchema),
  scanConfirm: defineEndpoint(subjects.auth.scanConfirm, ScanConfirmBodySchema, TrueSchema),
  tokenRefresh: defineEndpoint(subjects.auth.tokenRefresh, RefreshQuerySchema, TokenPairSchema),
  logout: defineEndpoint(subjects.auth.logout, LogoutRequestSchema, TrueSchema),
  revokeUserTokens: defineEndpoint(subjects.auth.revokeUserTokens, RevokeUserTokensRequestSchema, TrueSchema),
  authorizeApply: defineEndpoint(subjects.auth.authorizeApply, AuthorizeApplyBodySchema, AuthorizationCodeSchema),
  authenticationApply: defineEndpoint(subjects.auth.authenticationApply, AuthenticationApplyBodySchema, OAuthTokenSchema),
  authenticationVerify: defineEndpoint(subjects.auth.authenticationVerify, AuthenticationVerifyQuerySchema, z.boolean()),
  thirdPartyCode: defineEndpoint(subjects.auth.thirdPartyCode, ThirdPartyCodeQuerySchema, AuthorizationCodeSchema),
  thirdPartyUserInfo: defineEndpoint(subjects.auth.thirdPartyUserInfo, ThirdPartyUserInfoQuerySchema, ThirdPartyUserInfoSchema),
} as const;
