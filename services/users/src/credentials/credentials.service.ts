import type { CredentialsVerifyResponseSchema } from '@jobwire/contracts';
import bcrypt from 'bcrypt';
import type { z } from 'zod';
import { toAccountSummary } from '../accounts/account.presenter.js';
import { isLocked } from '../lockout/lockout.policy.js';
import { clearFailures, recordFailure, type LockoutDeps } from '../lockout/lockout.service.js';

export type VerifyResult = z.output<typeof CredentialsVerifyResponseSchema>;

export interface CredentialsDeps extends LockoutDeps {
  /** A hash of a random password at the configured cost: unknown accounts are compared against it. */
  dummyHash: string;
  onLocked(userId: string, lockedUntil: Date): Promise<void>;
}

/**
 * Checks an account and password. An unknown account costs one bcrypt comparison like a
 * known one and answers the same `bad_credentials`, so neither the answer nor its timing
 * tells whether the account exists. A locked account is refused before its password is
 * looked at, so guessing during a lock tells nothing either.
 */
export async function verifyCredentials(deps: CredentialsDeps, input: { account: string; password: string }, now: Date): Promise<VerifyResult> {
  const user = await deps.users.findOne({ account: input.account }).lean();
  if (user === null) {
    await bcrypt.compare(input.password, deps.dummyHash);
    return { ok: false, reason: 'bad_credentials', lockedUntil: null };
  }
  if (isLocked(user.lockedUntil, now)) {
    await bcrypt.compare(input.password, deps.dummyHash);
    return { ok: false, reason: 'locked', lockedUntil: user.lockedUntil?.toISOString() ?? null };
  }
  const matches = await bcrypt.compare(input.password, user.passwordHash);
  if (!matches) {
    const lockedUntil = await recordFailure(deps, user._id, now);
    if (lockedUntil !== null) {
      await deps.onLocked(user._id, lockedUntil);
      return { ok: false, reason: 'locked', lockedUntil: lockedUntil.toISOString() };
    }
    return { ok: false, reason: 'bad_credentials', lockedUntil: null };
  }
  if (user.status === 'disabled') return { ok: false, reason: 'disabled', lockedUntil: null };
  await clearFailures(deps, user._id);
  return { ok: true, user: toAccountSummary(user, now) };
}
