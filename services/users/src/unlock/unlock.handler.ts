import { usersEndpoints } from '@jobwire/contracts';
import type { EventPublisher, ServiceHost } from '@jobwire/service-kit';
import type { LockoutDeps } from '../lockout/lockout.service.js';
import { unlock } from './unlock.service.js';

export function registerUnlockHandler(host: ServiceHost, deps: LockoutDeps, events: EventPublisher): Promise<void> {
  return host.endpoint(usersEndpoints.unlock, async (request, ctx) => {
    const userId = await unlock(deps, ctx.userId, request);
    await events.publish('users.user.unlocked', { userId, by: ctx.userId ?? null }, { subject: userId, correlationId: ctx.requestId });
    return null;
  });
}
