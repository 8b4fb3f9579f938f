import { AppError, usersEndpoints, type TokenPair } from '@jobwire/contracts';
import { requestEndpoint, type EndpointContext, type EventPublisher } from '@jobwire/service-kit';
import type { NatsConnection } from '@nats-io/nats-core';
import { checkCaptcha, type CaptchaDeps } from '../captcha/captcha.service.js';
import type { TokenIssuer } from '../tokens/token.issuer.js';

export interface LoginDeps {
  nc: NatsConnection;
  captcha: CaptchaDeps;
  tokens: TokenIssuer;
  events: EventPublisher;
  requestTimeoutMs: number;
}

export interface PasswordLoginInput {
  username: string;
  password: string;
  captcha?: string | undefined;
  deviceId?: string | undefined;
  requestId?: string | undefined;
}

/**
 * Password login for both families: the captcha first (spent either way), then the users
 * service checks the password. Unknown account and wrong password are one answer.
 */
export async function passwordLogin(deps: LoginDeps, input: PasswordLoginInput, ctx: EndpointContext): Promise<TokenPair> {
  const captchaId = input.deviceId ?? (input.requestId === '' ? undefined : input.requestId);
  if (!(await checkCaptcha(deps.captcha, captchaId, input.captcha))) {
    await loginFailed(deps, input.username, 'captcha', ctx);
    throw new AppError('AUTH_CAPTCHA_INVALID');
  }
  const verdict = await requestEndpoint(
    deps.nc,
    usersEndpoints.credentialsVerify,
    { account: input.username, password: input.password, ...(ctx.clientIp === undefined ? {} : { clientIp: ctx.clientIp }) },
    { headers: { 'x-request-id': ctx.requestId }, timeoutMs: deps.requestTimeoutMs },
  );
  if (!verdict.ok) {
    await loginFailed(deps, input.username, verdict.reason, ctx);
    if (verdict.reason === 'locked') {
      const until = verdict.lockedUntil === null ? '' : ` until ${verdict.lockedUntil}`;
      throw new AppError('AUTH_ACCOUNT_LOCKED', `The account is locked after too many failed logins${until}; retry later or ask an administrator to unlock it.`);
    }
    throw new AppError(verdict.reason === 'disabled' ? 'AUTH_ACCOUNT_DISABLED' : 'AUTH_BAD_CREDENTIALS');
  }
  const { jti, ...pair } = await deps.tokens.issue({ userId: verdict.user.id, tenant: verdict.user.tenantId });
  await deps.events.publish('auth.login.succeeded', { userId: verdict.user.id, method: 'password', tokenId: jti, clientIp: ctx.clientIp ?? null }, { subject: verdict.user.id, correlationId: ctx.requestId });
  return pair;
}

async function loginFailed(deps: LoginDeps, account: string, reason: string, ctx: EndpointContext): Promise<void> {
  await deps.events.publish('auth.login.failed', { account, reason, method: 'password', clientIp: ctx.clientIp ?? null }, { correlationId: ctx.requestId });
}
