import { AppError, usersEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import { toCurrentUser } from '../accounts/account.presenter.js';
import type { UserCache } from '../cache/user.cache.js';

/** `GET /openJobUser/currentUser`: the token's user, without the password hash. */
export function registerCurrentUserHandler(host: ServiceHost, users: UserCache, timeZone: string): Promise<void> {
  return host.endpoint(usersEndpoints.currentUser, async (_request, ctx) => {
    if (ctx.userId === undefined) throw new AppError('AUTH_TOKEN_MISSING');
    const user = await users.byId(ctx.userId);
    if (user === null) throw new AppError('USERS_NOT_FOUND', 'The account of this token no longer exists; log in again.');
    return toCurrentUser(user, new Date(), timeZone);
  });
}
