import { AppError, type UserContextSchema } from '@jobwire/contracts';
import type { z } from 'zod';
import { openJobTime } from '../accounts/account.presenter.js';
import type { DirectoryCache } from '../cache/directory.cache.js';
import type { EmployeeDocument, OrgDocument, PositionDocument, RoleDocument } from '../directory/directory.models.js';
import { isLocked } from '../lockout/lockout.policy.js';
import type { UserCache } from '../cache/user.cache.js';
import type { UserDocument } from '../user.model.js';

type UserContext = z.output<typeof UserContextSchema>;

export interface ContextDeps {
  users: UserCache;
  directory: DirectoryCache;
  timeZone: string;
}

/** IBPS status words. */
function statusWord(user: UserDocument, now: Date): string {
  if (user.status === 'disabled') return 'disabled';
  return isLocked(user.lockedUntil, now) ? 'locked' : 'actived';
}

/** The fields every IBPS party record carries; the original fills most of them with null. */
function party(id: string, name: string | null, tenantId: string | null, createTime: string | null, updateTime: string | null) {
  return { pk: '', name, ip: null, createBy: null, createTime, updateBy: null, updateTime, tenantId, dataStatus: null, dbtype: null, id, partyType: null, parentId: null, path: null, depth: null, sn: null };
}

interface Directory {
  org: OrgDocument | null;
  roles: RoleDocument[];
  positions: PositionDocument[];
  employee: EmployeeDocument | null;
}

/** The IBPS user context with every key of the original present (null where empty); the password is always null. */
export function buildContext(user: UserDocument, directory: Directory, now: Date, timeZone: string): UserContext {
  const time = (d: Date) => openJobTime(d, timeZone);
  const status = statusWord(user, now);
  const isSuper = user.isSuper ? ('Y' as const) : ('N' as const);
  const org =
    directory.org === null
      ? null
      : { ...party(directory.org._id, directory.org.name, directory.org.tenantId, time(directory.org.createTime), time(directory.org.createTime)), parentId: directory.org.parentId, levelID: null, roleIDs: directory.roles.map((r) => r._id).join(','), orgAlias: directory.org.alias, status: 'actived', level: null, pathName: null, hasChild: false };
  const positions = directory.positions.map((p) => ({ ...party(p._id, p.name, p.tenantId, null, null), orgId: p.orgId, isMainPost: p._id === directory.positions[0]?._id }));
  const employeeName = directory.employee?.name ?? user.fullName ?? user.account;
  return {
    role: directory.roles.map((r) => ({ ...party(r._id, r.name, r.tenantId, null, null), alias: r.alias })),
    org,
    user: {
      ...party(user._id, user.fullName ?? user.account, user.tenantId, time(user.createTime), time(user.updateTime)),
      account: user.account,
      password: null,
      isSuper,
      dataCheck: null,
      wcAccount: user.wecomUserId,
      fullname: user.fullName,
      status,
      gender: user.gender,
      mobile: user.mobile ?? null,
      email: user.email,
      address: null,
      qq: null,
      photo: null,
      userId: user._id,
      super: user.isSuper,
      passwordExpired: user.passwordExpired === true,
    },
    employee: {
      ...party(user._id, employeeName, user.tenantId, time(directory.employee?.createTime ?? user.createTime), time(user.updateTime)),
      alias: null,
      profile: null,
      status,
      gender: user.gender,
      email: user.email,
      address: null,
      mobile: user.mobile ?? null,
      qq: null,
      photo: null,
      positions: directory.positions.length === 0 ? null : directory.positions.map((p) => p._id).join(','),
      groupID: user.orgId,
      wcAccount: user.wecomUserId,
      account: user.account,
      isSuper,
      orgName: directory.org?.name ?? null,
      isMainPost: null,
      isPrincipal: null,
      pinYinHeadChar: null,
      source: null,
    },
    tenantId: user.tenantId,
    tenantIds: user.tenantId,
    mainPosition: positions[0] ?? null,
    positions: positions.length === 0 ? null : positions,
  };
}

async function directoryOf(deps: ContextDeps, user: UserDocument): Promise<Directory> {
  const [org, roles, positions, employee] = await Promise.all([
    user.orgId === null ? null : deps.directory.org(user.orgId),
    user.roleIds.length === 0 ? [] : deps.directory.roles(user.roleIds),
    user.positionIds.length === 0 ? [] : deps.directory.positions(user.positionIds),
    deps.directory.employee(user._id),
  ]);
  return { org, roles, positions, employee };
}

/** A user reads their own context; an administrator may read anyone's in their tenant. */
export async function contextFor(deps: ContextDeps, actorId: string | undefined, username: string, now: Date): Promise<UserContext> {
  if (actorId === undefined) throw new AppError('AUTH_TOKEN_MISSING');
  const actor = await deps.users.byId(actorId);
  const target = actor?.account === username ? actor : await deps.users.byAccount(username);
  if (actor === null) throw new AppError('AUTH_TOKEN_INVALID');
  if (target === null) {
    if (actor.isSuper) throw new AppError('USERS_NOT_FOUND');
    throw new AppError('FORBIDDEN', 'You may read only your own context.');
  }
  if (target._id !== actor._id && !actor.isSuper) throw new AppError('FORBIDDEN', 'You may read only your own context.');
  if (target._id !== actor._id && target.tenantId !== actor.tenantId) throw new AppError('USERS_TENANT_FORBIDDEN', 'That user belongs to another tenant.');
  return cachedContext(deps, target, now);
}

/**
 * The same context object for repeated calls, so the service host reuses its encoded
 * answer. It lives until a users write clears the cache, at most 30 s, and never past the
 * end of a lock (the status word changes then without a write).
 */
function cachedContext(deps: ContextDeps, user: UserDocument, now: Date): Promise<UserContext> {
  const lockEnds = user.lockedUntil !== null && isLocked(user.lockedUntil, now) ? user.lockedUntil.getTime() - now.getTime() : Number.POSITIVE_INFINITY;
  return deps.users.memo(`context:${user._id}`, Math.min(30_000, lockEnds), async () => buildContext(user, await directoryOf(deps, user), now, deps.timeZone));
}

/** The token's own context, in one of its tenants. */
export async function defaultContext(deps: ContextDeps, actorId: string | undefined, tenantId: string | undefined, now: Date): Promise<UserContext> {
  if (actorId === undefined) throw new AppError('AUTH_TOKEN_MISSING');
  const user = await deps.users.byId(actorId);
  if (user === null) throw new AppError('AUTH_TOKEN_INVALID');
  if (tenantId !== undefined && tenantId !== user.tenantId) throw new AppError('USERS_TENANT_FORBIDDEN');
  return cachedContext(deps, user, now);
}
