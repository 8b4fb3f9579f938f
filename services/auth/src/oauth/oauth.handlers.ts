import { authEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import { authenticationApply, authenticationVerify, authorizeApply, thirdPartyCode, thirdPartyUserInfo, type OAuthDeps } from './oauth.service.js';

export async function registerOAuthHandlers(host: ServiceHost, deps: OAuthDeps): Promise<void> {
  await host.endpoint(authEndpoints.authorizeApply, (request, ctx) => authorizeApply(deps, request, ctx));
  await host.endpoint(authEndpoints.authenticationApply, (request, ctx) => authenticationApply(deps, request, ctx));
  await host.endpoint(authEndpoints.authenticationVerify, (request) => authenticationVerify(deps, request));
  await host.endpoint(authEndpoints.thirdPartyCode, ({ clientId }, ctx) => thirdPartyCode(deps, clientId, ctx));
  await host.endpoint(authEndpoints.thirdPartyUserInfo, ({ code }, ctx) => thirdPartyUserInfo(deps, code, ctx));
}
