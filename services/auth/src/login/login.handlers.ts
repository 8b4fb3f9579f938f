import { AppError, authEndpoints, usersEndpoints } from '@jobwire/contracts';
import { requestEndpoint, type ServiceHost } from '@jobwire/service-kit';
import { passwordLogin, type LoginDeps } from './password-login.service.js';

export async function registerLoginHandlers(host: ServiceHost, deps: LoginDeps): Promise<void> {
  await host.endpoint(authEndpoints.loginPassword, (request, ctx) => passwordLogin(deps, request, ctx));

  await host.endpoint(authEndpoints.tokenRefresh, async ({ refreshToken }, ctx) => {
    const spent = await deps.tokens.spendRefresh(refreshToken);
    if (spent === undefined || !('entry' in spent)) throw new AppError('AUTH_REFRESH_INVALID');
    const { entry } = spent;
    const account = await requestEndpoint(deps.nc, usersEndpoints.getById, { id: entry.userId }, { headers: { 'x-request-id': ctx.requestId }, timeoutMs: deps.requestTimeoutMs });
    if (account === null || account.status !== 'active') throw new AppError('AUTH_REFRESH_INVALID');
    const issued = await deps.tokens.issue({ userId: account.id, tenant: account.tenantId }, { family: entry.family });
    return { accessToken: issued.accessToken, expiredTime: issued.expiredTime, refreshToken: issued.refreshToken };
  });
}
