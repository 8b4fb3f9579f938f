import { usersEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import { verifyCredentials, type CredentialsDeps } from './credentials.service.js';

export function registerCredentialsHandler(host: ServiceHost, deps: CredentialsDeps): Promise<void> {
  return host.endpoint(usersEndpoints.credentialsVerify, (request) => verifyCredentials(deps, request, new Date()));
}
