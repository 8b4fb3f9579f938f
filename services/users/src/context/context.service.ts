import { AppError, type UserContextSchema } from '@jobwire/contracts';
import type { z } from 'zod';
import { openJobTime } from '../accounts/account.presenter.js';
import { isLocked } from '../lockout/lockout.policy.js';
import type { UserDocument, UserModel } from '../user.model.js';

type UserContext = z.output<typeof UserContextSchema>;

/** IBPS status words. */
function statusWord(user: UserDocument, now: Date): string {
  if (user.status === 'disabled') return 'disabled';
  return isLocked(user.lockedUntil, now) ? 'locked' : 'actived';
}

/**
 * The IBPS user context. Organisations, roles and positions are not kept yet, so `org`,
 * `mainPosition` and `positions` are null and `role` is empty; the user and employee
 * records come from the account. The password is always null.
 */
export function buildContext(user: UserDocument, now: Date, timeZone: string): UserContext {
  const common = {
    pk: '',
    id: user._id,
    name: user.fullName ?? user.account,
    createTime: openJobTime(user.createTime, timeZone),
    updateTime: openJobTime(user.updateTime, timeZone),
    tenantId: user.tenantId,
    status: statusWord(user, now),
    gender: user.gender,
    mobile: user.mobile ?? null,
    email: user.email,
    account: user.account,
    isSuper: user.isSuper ? ('Y' as const) : ('N' as const),
  };
  return {
    role: [],
    org: null,
    user: { ...common, userId: user._id, fullname: user.fullName, password: null, super: user.isSuper, wcAccount: user.wecomUserId, passwordExpired: user.passwordExpired === true },
    employee: { ...common, groupID: user.orgId, wcAccount: user.wecomUserId },
    tenantId: user.tenantId,
    tenantIds: user.tenantId,
    mainPosition: null,
    positions: null,
  };
}

/** A user reads their own context; an administrator may read anyone's in their tenant. */
export async function contextFor(users: UserModel, actorId: string | undefined, username: string, now: Date, timeZone: string): Promise<UserContext> {
  if (actorId === undefined) throw new AppError('AUTH_TOKEN_MISSING');
  const [actor, target] = await Promise.all([users.findById(actorId).lean(), users.findOne({ account: username }).lean()]);
  if (actor === null) throw new AppError('AUTH_TOKEN_INVALID');
  if (target === null) {
    if (actor.isSuper) throw new AppError('USERS_NOT_FOUND');
    throw new AppError('FORBIDDEN', 'You may read only your own context.');
  }
  if (target._id !== actor._id && !actor.isSuper) throw new AppError('FORBIDDEN', 'You may read only your own context.');
  if (target._id !== actor._id && target.tenantId !== actor.tenantId) throw new AppError('USERS_TENANT_FORBIDDEN', 'That user belongs to another tenant.');
  return buildContext(target, now, timeZone);
}

/** The token's own context, in one of its tenants. */
export async function defaultContext(users: UserModel, actorId: string | undefined, tenantId: string | undefined, now: Date, timeZone: string): Promise<UserContext> {
  if (actorId === undefined) throw new AppError('AUTH_TOKEN_MISSING');
  const user = await users.findById(actorId).lean();
  if (user === null) throw new AppError('AUTH_TOKEN_INVALID');
  if (tenantId !== undefined && tenantId !== user.tenantId && !user.isSuper) throw new AppError('USERS_TENANT_FORBIDDEN');
  const context = buildContext(user, now, timeZone);
  return tenantId === undefined ? context : { ...context, tenantId };
}
