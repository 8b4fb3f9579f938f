import { AppError, authEndpoints, usersEndpoints } from '@jobwire/contracts';
import { requestEndpoint, type ServiceHost } from '@jobwire/service-kit';
import type { LoginDeps } from '../login/password-login.service.js';
import type { WecomClient } from './wecom.client.js';

/** WeCom login: the code names a WeCom user, who must be linked to an account here. */
export function registerWecomLoginHandler(host: ServiceHost, deps: LoginDeps, wecom: WecomClient | undefined, autoCreate: boolean): Promise<void> {
  return host.endpoint(authEndpoints.loginWecom, async ({ code }, ctx) => {
    if (wecom === undefined) throw new AppError('FEATURE_DISABLED', 'WeCom login is not configured on this server.');
    const wecomUserId = await wecom.userIdForCode(code);
    const asCaller = { headers: { 'x-request-id': ctx.requestId }, timeoutMs: deps.requestTimeoutMs };
    const found = await requestEndpoint(deps.nc, usersEndpoints.findByWecom, { wecomUserId }, asCaller);
    const account = found ?? (autoCreate ? await requestEndpoint(deps.nc, usersEndpoints.createForWecom, { wecomUserId }, asCaller) : null);
    if (account === null) {
      await deps.events.publish('auth.login.failed', { wecomUserId, reason: 'unknown_wecom_user', method: 'wecom', clientIp: ctx.clientIp ?? null }, { correlationId: ctx.requestId });
      throw new AppError('AUTH_WECOM_UNKNOWN_USER');
    }
    if (account.status === 'locked') throw new AppError('AUTH_ACCOUNT_LOCKED');
    if (account.status === 'disabled') throw new AppError('AUTH_ACCOUNT_DISABLED');
    const { jti, ...pair } = await deps.tokens.issue({ userId: account.id, tenant: account.tenantId });
    await deps.events.publish('auth.login.succeeded', { userId: account.id, method: 'wecom', tokenId: jti, clientIp: ctx.clientIp ?? null }, { subject: account.id, correlationId: ctx.requestId });
    return pair;
  });
}
