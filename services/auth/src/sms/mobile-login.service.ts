import { AppError, usersEndpoints, type TokenPair } from '@jobwire/contracts';
import { requestEndpoint, type EndpointContext } from '@jobwire/service-kit';
import type { LoginDeps } from '../login/password-login.service.js';
import { verifyOtp, type OtpDeps } from './otp.service.js';

/** Mobile + SMS code login. A mobile without an account never got a code, so it fails like a wrong code. */
export async function mobileLogin(deps: LoginDeps & { otp: OtpDeps }, input: { mobile: string; captcha: string }, ctx: EndpointContext): Promise<TokenPair> {
  if (!(await verifyOtp(deps.otp, 'login', input.mobile, input.captcha))) {
    await deps.events.publish('auth.login.failed', { mobile: input.mobile, reason: 'sms_code', method: 'mobile', clientIp: ctx.clientIp ?? null }, { correlationId: ctx.requestId });
    throw new AppError('AUTH_SMS_CODE_INVALID');
  }
  const account = await requestEndpoint(deps.nc, usersEndpoints.findByMobile, { mobile: input.mobile }, { headers: { 'x-request-id': ctx.requestId }, timeoutMs: deps.requestTimeoutMs });
  if (account === null) throw new AppError('AUTH_SMS_CODE_INVALID');
  if (account.status === 'locked') throw new AppError('AUTH_ACCOUNT_LOCKED');
  if (account.status === 'disabled') throw new AppError('AUTH_ACCOUNT_DISABLED');
  const { jti, ...pair } = await deps.tokens.issue({ userId: account.id, tenant: account.tenantId });
  await deps.events.publish('auth.login.succeeded', { userId: account.id, method: 'mobile', tokenId: jti, clientIp: ctx.clientIp ?? null }, { subject: account.id, correlationId: ctx.requestId });
  return pair;
}
