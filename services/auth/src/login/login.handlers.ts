import { AppError, authEndpoints, usersEndpoints } from '@jobwire/contracts';
import { requestEndpoint, type ServiceHost } from '@jobwire/service-kit';
import { passwordLogin, type LoginDeps } from './password-login.service.js';

export async function registerLoginHandlers(host: ServiceHost, deps: LoginDeps): Promise<void> {
  await host.endpoint(authEndpoints.loginPassword, (request, ctx) => passwordLogin(deps, request, ctx));

  await host.endpoint(authEndpoints.tokenRefresh, async ({ refreshToken }, ctx) => {
    const entry = await deps.tokens.spendRefresh(refreshToken);
    if (entry === undefined) throw new AppError('AUTH_REFRESH_INVALID');
    const account = await requestEndpoint(deps.nc, usersEndpoints.getById, { id: entry.userId }, { headers: { 'x-request-id': ctx.requestId }, timeoutMs: deps.requestTimeoutMs });
    if (account === null || account.status !== 'active') throw new AppError('AUTH_REFRESH_INVALID');
    const { jti: _jti, ...pair } = await deps.tokens.issue({ userId: account.id, tenant: account.tenantId });
    return pair;
  });
}
