/** The lockout rule, as plain values (LOCKOUT_* settings). */
export interface LockoutPolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

/** Locked when the lock is set and still in the future. */
export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}

/** After a failure: lock when the failures within the window reach the maximum. */
export function lockAfterFailure(failuresInWindow: number, policy: LockoutPolicy, now: Date): Date | null {
  return failuresInWindow >= policy.maxFailures ? new Date(now.getTime() + policy.lockMs) : null;
}
