import { AppError } from '@jobwire/contracts';
import { unlockAccount, type LockoutDeps } from '../lockout/lockout.service.js';

/** An administrator clears a lockout, naming the account or the user id. */
export async function unlock(deps: LockoutDeps, actorId: string | undefined, target: { account?: string | undefined; userId?: string | undefined }): Promise<string> {
  if (actorId === undefined) throw new AppError('AUTH_TOKEN_MISSING');
  const actor = await deps.users.findById(actorId).lean();
  if (actor === null || !actor.isSuper) throw new AppError('FORBIDDEN', 'Only an administrator can unlock accounts.');
  const user = target.userId !== undefined ? await deps.users.findById(target.userId).lean() : await deps.users.findOne({ account: target.account }).lean();
  if (user === null) throw new AppError('USERS_NOT_FOUND');
  await unlockAccount(deps, user._id);
  return user._id;
}
