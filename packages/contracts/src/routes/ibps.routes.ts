import { z } from 'zod';
import { authEndpoints } from '../endpoints/auth.endpoints.js';
import { usersEndpoints } from '../endpoints/users.endpoints.js';
import { defineRoute, type RateLimitRule, type RouteAuth, type RouteDef } from '../http/route.js';
import type { EndpointDef } from '../nats/endpoint.js';
import {
  AuthenticationApplyBodySchema,
  AuthenticationVerifyQuerySchema,
  AuthorizeApplyBodySchema,
  IbpsLoginBodySchema,
  RequestIdQuerySchema,
  SendSmsQuerySchema,
  ThirdPartyCodeQuerySchema,
  ThirdPartyUserInfoQuerySchema,
  TokenStringSchema,
  WecomLoginBodySchema,
} from '../schemas/auth.schema.js';
import { NullSchema } from '../schemas/common.schema.js';
import { ChangePasswordBodySchema, ContextDefaultQuerySchema, ContextQuerySchema, RegisterBodySchema, RegistrationQuerySchema, UnlockQuerySchema } from '../schemas/users.schema.js';

export const IBPS_PREFIX = '/ibps/oauth2/v3';

interface IbpsRouteInput {
  id: string;
  method: 'get' | 'post';
  paths: string[];
  summary: string;
  tag: 'login' | 'users' | 'oauth';
  auth: RouteAuth;
  endpoint: EndpointDef;
  query?: z.ZodObject;
  body?: z.ZodType;
  data?: z.ZodType;
  reply?: 'pngDataUrl';
  tokenQuery?: string[];
  rateLimit?: RateLimitRule;
}

function ibpsRoute(input: IbpsRouteInput): RouteDef {
  const { tag, paths, ...rest } = input;
  return defineRoute({ ...rest, family: 'ibps', paths: paths.map((p) => `${IBPS_PREFIX}${p}`), tags: [`IBPS: ${tag}`] });
}

export const ibpsRoutes: readonly RouteDef[] = [
  ibpsRoute({ id: 'ibps.user.context', method: 'post', paths: ['/user/context'], summary: 'User context: role, org, user, employee, tenants, positions', tag: 'users', auth: 'user', endpoint: usersEndpoints.contextGet, query: ContextQuerySchema }),
  ibpsRoute({
    id: 'ibps.user.contextDefault',
    method: 'post',
    paths: ['/user/context/default'],
    summary: "The token's user context in a tenant",
    tag: 'users',
    auth: 'user',
    endpoint: usersEndpoints.contextDefault,
    query: ContextDefaultQuerySchema,
    tokenQuery: ['X-Authorization-access_token'],
  }),
  ibpsRoute({
    id: 'ibps.user.login',
    method: 'post',
    paths: ['/user/login', '/user/login/apply'],
    summary: 'Log in with account and password; data is the access token (the login state for /authorize/apply)',
    tag: 'login',
    auth: 'none',
    endpoint: authEndpoints.loginPassword,
    body: IbpsLoginBodySchema,
    data: TokenStringSchema,
    rateLimit: { group: 'login', account: ['username'] },
  }),
  ibpsRoute({ id: 'ibps.user.loginWecom', method: 'post', paths: ['/user/login/wecom'], summary: 'Log in with a WeCom (企业微信) OAuth code', tag: 'login', auth: 'none', endpoint: authEndpoints.loginWecom, body: WecomLoginBodySchema, data: TokenStringSchema, rateLimit: { group: 'login' } }),
  ibpsRoute({
    id: 'ibps.user.logout',
    method: 'post',
    paths: ['/user/logout'],
    summary: 'Log out: the token is revoked everywhere',
    tag: 'login',
    auth: 'user',
    endpoint: authEndpoints.logout,
    query: z.object({}),
    data: NullSchema,
    // The seed sends the token as `access_token`; the other spellings are what clients of the Open-Job family use.
    tokenQuery: ['access_token', 'accessToken', 'X-Authorization-access_token'],
  }),
  ibpsRoute({ id: 'ibps.user.unlock', method: 'post', paths: ['/user/unlock'], summary: 'Clear a lockout (administrators)', tag: 'users', auth: 'user', endpoint: usersEndpoints.unlock, query: UnlockQuerySchema }),
  ibpsRoute({ id: 'ibps.user.open', method: 'get', paths: ['/user/open'], summary: 'Is registration open?', tag: 'users', auth: 'none', endpoint: usersEndpoints.registrationOpen }),
  ibpsRoute({ id: 'ibps.user.registerGet', method: 'get', paths: ['/user/register/get'], summary: 'The registration of a mobile number', tag: 'users', auth: 'none', endpoint: usersEndpoints.registrationGet, query: RegistrationQuerySchema }),
  ibpsRoute({ id: 'ibps.user.register', method: 'post', paths: ['/user/register'], summary: 'Register an account with an SMS code', tag: 'users', auth: 'none', endpoint: usersEndpoints.register, body: RegisterBodySchema, rateLimit: { group: 'login', account: ['mobile'] } }),
  ibpsRoute({ id: 'ibps.user.resetPasswd', method: 'post', paths: ['/user/reset/passwd'], summary: 'Reset a forgotten password with an SMS code', tag: 'users', auth: 'none', endpoint: usersEndpoints.passwordReset, body: RegisterBodySchema, rateLimit: { group: 'login', account: ['mobile'] } }),
  ibpsRoute({ id: 'ibps.user.sendSms', method: 'get', paths: ['/user/send/sms'], summary: 'Send an SMS code for registration (forget=false) or password reset (forget=true)', tag: 'users', auth: 'none', endpoint: usersEndpoints.smsSend, query: SendSmsQuerySchema, rateLimit: { group: 'sms', account: ['mobile'] } }),
  ibpsRoute({ id: 'ibps.user.changePasswd', method: 'post', paths: ['/user/change/passwd'], summary: 'Change, set or restore passwords', tag: 'users', auth: 'user', endpoint: usersEndpoints.passwordChange, body: ChangePasswordBodySchema }),
  ibpsRoute({ id: 'ibps.captcha.open', method: 'get', paths: ['/captcha/open'], summary: 'Are captchas enabled?', tag: 'login', auth: 'none', endpoint: authEndpoints.captchaOpen, query: RequestIdQuerySchema }),
  ibpsRoute({
    id: 'ibps.user.captcha',
    method: 'get',
    paths: ['/user/captcha'],
    summary: 'An image captcha as a data URL; variables.requestId names it (state 501 when captchas are off)',
    tag: 'login',
    auth: 'none',
    endpoint: authEndpoints.captchaCreate,
    query: RequestIdQuerySchema,
    data: z.string().meta({ example: 'data:image/png;base64,iVBORw0KGgoA…' }),
    reply: 'pngDataUrl',
    rateLimit: { group: 'captcha' },
  }),
  ibpsRoute({ id: 'ibps.user.authorize', method: 'post', paths: ['/user/authorize'], summary: 'A one-time code for a registered third-party client', tag: 'oauth', auth: 'user', endpoint: authEndpoints.thirdPartyCode, query: ThirdPartyCodeQuerySchema }),
  ibpsRoute({ id: 'ibps.authorize.apply', method: 'post', paths: ['/authorize/apply'], summary: 'Trade a login state for an authorization code', tag: 'oauth', auth: 'none', endpoint: authEndpoints.authorizeApply, body: AuthorizeApplyBodySchema }),
  ibpsRoute({ id: 'ibps.authentication.apply', method: 'post', paths: ['/authentication/apply'], summary: 'Get tokens by grant type', tag: 'oauth', auth: 'none', endpoint: authEndpoints.authenticationApply, body: AuthenticationApplyBodySchema, rateLimit: { group: 'login', account: ['username', 'client_id'] } }),
  ibpsRoute({ id: 'ibps.authentication.verify', method: 'post', paths: ['/authentication/verify'], summary: 'Is this token valid (and for this uid)?', tag: 'oauth', auth: 'none', endpoint: authEndpoints.authenticationVerify, query: AuthenticationVerifyQuerySchema }),
  ibpsRoute({ id: 'ibps.user.getUserInfo', method: 'post', paths: ['/user/getUserInfo'], summary: "A third-party client reads the user behind a one-time code", tag: 'oauth', auth: 'user', endpoint: authEndpoints.thirdPartyUserInfo, query: ThirdPartyUserInfoQuerySchema }),
];
