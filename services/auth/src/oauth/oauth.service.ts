import { randomBytes } from 'node:crypto';
import { AppError, usersEndpoints, type OAuthTokenSchema, type ThirdPartyUserInfoSchema } from '@jobwire/contracts';
import { requestEndpoint, type EndpointContext } from '@jobwire/service-kit';
import type { NatsConnection } from '@nats-io/nats-core';
import { z } from 'zod';
import { kvKey, type SingleUseStore } from '../kv/single-use.store.js';
import type { IssuedTokens, TokenIssuer } from '../tokens/token.issuer.js';

export const AuthCodeSchema = z.object({
  purpose: z.enum(['oauth', 'userinfo']),
  userId: z.string(),
  tenant: z.string().nullable(),
  clientId: z.string(),
  exp: z.number().int(),
});
export type AuthCode = z.output<typeof AuthCodeSchema>;

export interface OAuthDeps {
  nc: NatsConnection;
  tokens: TokenIssuer;
  /** The `authcode` bucket. */
  codes: SingleUseStore<AuthCode>;
  requestTimeoutMs: number;
}

/** An authorization code lives 60 s; a third-party user-info code 5 minutes. */
const OAUTH_CODE_MS = 60_000;
const USERINFO_CODE_MS = 5 * 60_000;
const SCOPE = 'all';

type OAuthToken = z.output<typeof OAuthTokenSchema>;

const codeKey = (code: string) => kvKey('code', code);

const asCaller = (deps: OAuthDeps, ctx: EndpointContext) => ({ headers: { 'x-request-id': ctx.requestId }, timeoutMs: deps.requestTimeoutMs });

async function clientExists(deps: OAuthDeps, ctx: EndpointContext, clientId: string, clientSecret?: string): Promise<boolean> {
  const verdict = await requestEndpoint(deps.nc, usersEndpoints.clientVerify, { clientId, ...(clientSecret === undefined ? {} : { clientSecret }) }, asCaller(deps, ctx));
  return verdict.ok;
}

async function newCode(deps: OAuthDeps, entry: Omit<AuthCode, 'exp'>, lifetimeMs: number): Promise<string> {
  const code = randomBytes(20).toString('hex');
  await deps.codes.put(codeKey(code), { ...entry, exp: Date.now() + lifetimeMs });
  return code;
}

async function spendCode(deps: OAuthDeps, code: string, purpose: AuthCode['purpose'], clientId: string): Promise<AuthCode> {
  const entry = await deps.codes.take(codeKey(code));
  if (entry === undefined || entry.purpose !== purpose || entry.exp <= Date.now() || entry.clientId !== clientId) throw new AppError('AUTH_CODE_INVALID');
  return entry;
}

function oauthToken(issued: IssuedTokens, uid: string): OAuthToken {
  return { access_token: issued.accessToken, refresh_token: issued.refreshToken, uid, expires_in: issued.expiresIn, scope: SCOPE };
}

/** `/authorize/apply`: a logged-in user's state (their access token) becomes a code for one client. */
export async function authorizeApply(deps: OAuthDeps, input: { login_state: string; client_id: string }, ctx: EndpointContext): Promise<string> {
  const claims = await deps.tokens.check(input.login_state);
  if (claims === undefined || claims.cid !== undefined) throw new AppError('AUTH_TOKEN_INVALID', 'The login state is invalid or expired; log in again.');
  if (!(await clientExists(deps, ctx, input.client_id))) throw new AppError('AUTH_CLIENT_INVALID');
  return newCode(deps, { purpose: 'oauth', userId: claims.sub, tenant: claims.tenant ?? null, clientId: input.client_id }, OAUTH_CODE_MS);
}

export interface AuthenticationInput {
  grant_type: 'authorization_code' | 'password_credentials' | 'refresh_token' | 'client_credentials';
  client_id?: string | undefined;
  client_secret?: string | undefined;
  authorize_code?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  refresh_token?: string | undefined;
}

/** `/authentication/apply`: tokens by grant type. The contract has checked each grant's fields. */
export async function authenticationApply(deps: OAuthDeps, input: AuthenticationInput, ctx: EndpointContext): Promise<OAuthToken> {
  switch (input.grant_type) {
    case 'authorization_code': {
      if (!(await clientExists(deps, ctx, input.client_id!, input.client_secret))) throw new AppError('AUTH_CLIENT_INVALID');
      const code = await spendCode(deps, input.authorize_code!, 'oauth', input.client_id!);
      return oauthToken(await deps.tokens.issue({ userId: code.userId, tenant: code.tenant }, { clientId: input.client_id! }), code.userId);
    }
    case 'password_credentials': {
      const verdict = await requestEndpoint(deps.nc, usersEndpoints.credentialsVerify, { account: input.username!, password: input.password! }, asCaller(deps, ctx));
      if (!verdict.ok) throw new AppError(verdict.reason === 'locked' ? 'AUTH_ACCOUNT_LOCKED' : verdict.reason === 'disabled' ? 'AUTH_ACCOUNT_DISABLED' : 'AUTH_BAD_CREDENTIALS');
      return oauthToken(await deps.tokens.issue({ userId: verdict.user.id, tenant: verdict.user.tenantId }), verdict.user.id);
    }
    case 'refresh_token': {
      const spent = await deps.tokens.spendRefresh(input.refresh_token!);
      if (spent === undefined || !('entry' in spent)) throw new AppError('AUTH_REFRESH_INVALID');
      const { entry } = spent;
      if (entry.clientId !== undefined && entry.clientId !== input.client_id) throw new AppError('AUTH_REFRESH_INVALID');
      return oauthToken(await deps.tokens.issue({ userId: entry.userId, tenant: entry.tenant }, { family: entry.family, ...(entry.clientId === undefined ? {} : { clientId: entry.clientId }) }), entry.userId);
    }
    case 'client_credentials': {
      if (!(await clientExists(deps, ctx, input.client_id!, input.client_secret))) throw new AppError('AUTH_CLIENT_INVALID');
      const issued = await deps.tokens.issueClientToken(input.client_id!);
      return { access_token: issued.accessToken, uid: `c:${input.client_id!}`, expires_in: issued.expiresIn, scope: SCOPE };
    }
  }
}

/** `/authentication/verify`: is the token valid now (and for this uid)? */
export async function authenticationVerify(deps: OAuthDeps, input: { access_token: string; uid?: string | undefined }): Promise<boolean> {
  const claims = await deps.tokens.check(input.access_token);
  return claims !== undefined && (input.uid === undefined || input.uid === claims.sub);
}

/** `/user/authorize?clientId=`: a logged-in user lets one registered client read their profile once. */
export async function thirdPartyCode(deps: OAuthDeps, clientId: string, ctx: EndpointContext): Promise<string> {
  if (ctx.userId === undefined || ctx.oauthClientId !== undefined) throw new AppError('AUTH_TOKEN_MISSING', 'Log in as a user first.');
  if (!(await clientExists(deps, ctx, clientId))) throw new AppError('AUTH_CLIENT_INVALID');
  return newCode(deps, { purpose: 'userinfo', userId: ctx.userId, tenant: ctx.tenantId ?? null, clientId }, USERINFO_CODE_MS);
}

/** `/user/getUserInfo?code=`: the client (by its own token) reads the user behind the code, once. */
export async function thirdPartyUserInfo(deps: OAuthDeps, code: string, ctx: EndpointContext): Promise<z.output<typeof ThirdPartyUserInfoSchema>> {
  if (ctx.oauthClientId === undefined) throw new AppError('FORBIDDEN', 'Call this with the client’s own token (client credentials).');
  const entry = await spendCode(deps, code, 'userinfo', ctx.oauthClientId);
  const account = await requestEndpoint(deps.nc, usersEndpoints.getById, { id: entry.userId }, asCaller(deps, ctx));
  if (account === null) throw new AppError('USERS_NOT_FOUND');
  return { gender: null, mobile: account.mobile, name: account.fullName, tenantId: account.tenantId, account: account.account, email: account.email };
}
