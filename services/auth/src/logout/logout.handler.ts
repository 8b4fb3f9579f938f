import { AppError, authEndpoints } from '@jobwire/contracts';
import type { EventPublisher, ServiceHost } from '@jobwire/service-kit';
import type { KV } from '@nats-io/kv';

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
