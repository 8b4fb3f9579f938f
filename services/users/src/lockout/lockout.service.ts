import type { UserModel } from '../user.model.js';
import type { LoginFailureModel } from './login-failure.model.js';
import { lockAfterFailure, type LockoutPolicy } from './lockout.policy.js';

export interface LockoutDeps {
  users: UserModel;
  failures: LoginFailureModel;
  policy: LockoutPolicy;
}

/** Records a failed login; returns the lock end when this failure locked the account. */
export async function recordFailure(deps: LockoutDeps, userId: string, now: Date): Promise<Date | null> {
  await deps.failures.create({ userId, at: now });
  const windowStart = new Date(now.getTime() - deps.policy.windowMs);
  const inWindow = await deps.failures.countDocuments({ userId, at: { $gt: windowStart } });
  const lockedUntil = lockAfterFailure(inWindow, deps.policy, now);
  if (lockedUntil !== null) {
    await deps.users.updateOne({ _id: userId }, { $set: { lockedUntil } });
    // The lock starts a new count.
    await deps.failures.deleteMany({ userId });
  } else {
    await deps.failures.deleteMany({ userId, at: { $lte: windowStart } });
  }
  return lockedUntil;
}

/** A successful login or an unlock starts the count again. */
export async function clearFailures(deps: LockoutDeps, userId: string): Promise<void> {
  // Most logins follow no failure: a read is cheaper than a delete on both databases.
  if ((await deps.failures.exists({ userId })) === null) return;
  await deps.failures.deleteMany({ userId });
}

export async function unlockAccount(deps: LockoutDeps, userId: string): Promise<void> {
  await deps.users.updateOne({ _id: userId }, { $set: { lockedUntil: null } });
  await clearFailures(deps, userId);
}
