import { authEndpoints, natsHeaders } from '@jobwire/contracts';
import { requestEndpoint, type EndpointContext } from '@jobwire/service-kit';
import type { NatsConnection } from '@nats-io/nats-core';

export type RevocationReason = 'password-changed' | 'password-reset' | 'password-set';

/** Ends every token of a user issued so far; the password is written only after it succeeds. */
export type TokenRevoker = (userId: string, reason: RevocationReason, ctx: EndpointContext) => Promise<void>;

/** Auth owns the tokens: it is asked over NATS, and a failure fails the password change. */
export function authTokenRevoker(nc: NatsConnection, timeoutMs: number): TokenRevoker {
  return async (userId, reason, ctx) => {
    await requestEndpoint(nc, authEndpoints.revokeUserTokens, { userId, reason }, { headers: { [natsHeaders.requestId]: ctx.requestId }, timeoutMs });
  };
}
