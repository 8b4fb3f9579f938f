import type { z } from 'zod';
import type { AccountSummarySchema, CurrentUserSchema } from '@jobwire/contracts';
import { isLocked } from '../lockout/lockout.policy.js';
import type { UserDocument } from '../user.model.js';

type AccountSummary = z.output<typeof AccountSummarySchema>;
type CurrentUser = z.output<typeof CurrentUserSchema>;

/** The identifying fields every presentation of a user shares. */
export function identityOf(user: UserDocument) {
  return { id: user._id, account: user.account, fullName: user.fullName, mobile: user.mobile ?? null, email: user.email, tenantId: user.tenantId };
}

/** What other services may know of an account: never the hash. */
export function toAccountSummary(user: UserDocument, now: Date): AccountSummary {
  const locked = isLocked(user.lockedUntil, now);
  return {
    ...identityOf(user),
    status: user.status === 'disabled' ? 'disabled' : locked ? 'locked' : 'active',
    isSuper: user.isSuper,
    lockedUntil: locked && user.lockedUntil !== null ? user.lockedUntil.toISOString() : null,
  };
}

/** Building an Intl formatter costs far more than using one: one per time zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** `yyyy-MM-dd HH:mm:ss` in a time zone, as the Open-Job API writes times. */
export function openJobTime(date: Date, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(date);
}

export function toCurrentUser(user: UserDocument, now: Date, timeZone: string): CurrentUser {
  return {
    id: user._id,
    username: user.account,
    phone: user.mobile ?? null,
    status: isLocked(user.lockedUntil, now) ? 0 : 1,
    createTime: openJobTime(user.createTime, timeZone),
    updateTime: openJobTime(user.updateTime, timeZone),
    passwordExpired: user.passwordExpired === true,
  };
}
