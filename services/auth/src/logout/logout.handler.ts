import { AppError, authEndpoints } from '@jobwire/contracts';
import type { EventPublisher, ServiceHost } from '@jobwire/service-kit';
import type { KV } from '@nats-io/kv';
import type { TokenIssuer } from '../tokens/token.issuer.js';

/**
 * Logout revokes the token: its id goes into the `revoked` bucket, which every gateway
 * replica watches, so the token is refused everywhere within a moment.
 */
export function registerLogoutHandler(host: ServiceHost, revoked: KV, events: EventPublisher): Promise<void> {
  return host.endpoint(authEndpoints.logout, async (_request, ctx) => {
    if (ctx.tokenId === undefined || ctx.userId === undefined) throw new AppError('AUTH_TOKEN_MISSING');
    const exp = ctx.tokenExpiresAt ?? Math.floor(Date.now() / 1000) + 86_400;
    await revoked.put(ctx.tokenId, JSON.stringify({ exp }));
    await events.publish('auth.token.revoked', { userId: ctx.userId, tokenId: ctx.tokenId, reason: 'logout' }, { subject: ctx.userId, correlationId: ctx.requestId });
    return true as const;
  });
}

/** The users service revokes a user's tokens when the password changes (no route leads here). */
export function registerRevokeUserHandler(host: ServiceHost, tokens: TokenIssuer, events: EventPublisher): Promise<void> {
  return host.endpoint(authEndpoints.revokeUserTokens, async (request, ctx) => {
    await tokens.revokeUser(request.userId);
    await events.publish('auth.token.revoked', { userId: request.userId, reason: request.reason, scope: 'user' }, { subject: request.userId, correlationId: ctx.requestId });
    return true as const;
  });
}
