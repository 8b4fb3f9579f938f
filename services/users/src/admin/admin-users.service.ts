import { AppError, type AdminUserSchema } from '@jobwire/contracts';
import { isDuplicateKey, type EndpointContext, type EventPublisher, type IdGenerator } from '@jobwire/service-kit';
import bcrypt from 'bcrypt';
import type { z } from 'zod';
import { identityOf } from '../accounts/account.presenter.js';
import { isLocked } from '../lockout/lockout.policy.js';
import { unlockAccount, type LockoutDeps } from '../lockout/lockout.service.js';
import { checkPasswordPolicy } from '../passwords/password.policy.js';
import type { UserDocument, UserModel } from '../user.model.js';

type AdminUser = z.output<typeof AdminUserSchema>;

export interface AdminUsersDeps {
  users: UserModel;
  lockout: LockoutDeps;
  events: EventPublisher;
  ids: IdGenerator;
  bcryptCost: number;
  minPasswordLength: number;
}

export function toAdminUser(user: UserDocument, now: Date): AdminUser {
  const locked = isLocked(user.lockedUntil, now);
  return {
    ...identityOf(user),
    gender: user.gender,
    status: user.status,
    locked,
    lockedUntil: locked && user.lockedUntil !== null ? user.lockedUntil.toISOString() : null,
    isSuper: user.isSuper,
    orgId: user.orgId,
    roleIds: user.roleIds,
    positionIds: user.positionIds,
    wecomUserId: user.wecomUserId,
    passwordExpired: user.passwordExpired === true,
    createTime: user.createTime.toISOString(),
    updateTime: user.updateTime.toISOString(),
  };
}

/** The acting administrator; every admin call is limited to their tenant. */
export async function requireTenantAdmin(users: UserModel, ctx: EndpointContext): Promise<UserDocument> {
  if (ctx.userId === undefined) throw new AppError('AUTH_TOKEN_MISSING');
  const actor = await users.findById(ctx.userId).lean();
  if (actor === null || !actor.isSuper) throw new AppError('FORBIDDEN', 'Only an administrator can manage users.');
  return actor;
}

async function targetIn(users: UserModel, actor: UserDocument, id: string): Promise<UserDocument> {
  const user = await users.findById(id).lean();
  if (user === null || user.tenantId !== actor.tenantId) throw new AppError('USERS_NOT_FOUND');
  return user;
}

function duplicate(error: unknown): AppError | undefined {
  if (!isDuplicateKey(error)) return undefined;
  const message = String((error as { message?: string }).message);
  return new AppError(message.includes('mobile') ? 'USERS_MOBILE_TAKEN' : 'USERS_ACCOUNT_TAKEN');
}

/** Optional fields as a `$set`/`$unset` pair: null clears a field. */
function changes(fields: Record<string, unknown>): { $set: Record<string, unknown>; $unset: Record<string, 1> } {
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, 1> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    // The sparse unique index on mobile needs the field absent, not null.
    if (key === 'mobile' && value === null) $unset.mobile = 1;
    else $set[key] = value;
  }
  return { $set, $unset };
}

export async function createUser(deps: AdminUsersDeps, input: Record<string, unknown> & { account: string; password: string; isSuper: boolean }, ctx: EndpointContext): Promise<AdminUser> {
  const actor = await requireTenantAdmin(deps.users, ctx);
  checkPasswordPolicy(input.password, deps.minPasswordLength);
  const { password, ...fields } = input;
  const { $set } = changes(fields);
  let created: UserDocument;
  try {
    created = (await deps.users.create({ ...$set, _id: deps.ids.next(), passwordHash: await bcrypt.hash(password, deps.bcryptCost), tenantId: actor.tenantId })).toObject();
  } catch (error) {
    throw duplicate(error) ?? error;
  }
  await deps.events.publish('users.user.created', { userId: created._id, account: created.account, by: actor._id }, { subject: created._id, correlationId: ctx.requestId });
  return toAdminUser(created, new Date());
}

export async function listUsers(deps: AdminUsersDeps, query: { account?: string | undefined; fullName?: string | undefined; mobile?: string | undefined; status?: string | undefined; current: number; pageSize: number }, ctx: EndpointContext) {
  const actor = await requireTenantAdmin(deps.users, ctx);
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const filter: Record<string, unknown> = { tenantId: actor.tenantId };
  if (query.account !== undefined) filter.account = { $regex: escape(query.account) };
  if (query.fullName !== undefined) filter.fullName = { $regex: escape(query.fullName) };
  if (query.mobile !== undefined) filter.mobile = { $regex: escape(query.mobile) };
  if (query.status !== undefined) filter.status = query.status;
  const [total, rows] = await Promise.all([
    deps.users.countDocuments(filter),
    deps.users.find(filter).sort({ _id: 1 }).skip((query.current - 1) * query.pageSize).limit(query.pageSize).lean(),
  ]);
  const now = new Date();
  return { records: rows.map((u) => toAdminUser(u, now)), total, current: query.current, pages: Math.ceil(total / query.pageSize) };
}

export async function getUser(deps: AdminUsersDeps, id: string, ctx: EndpointContext): Promise<AdminUser> {
  const actor = await requireTenantAdmin(deps.users, ctx);
  return toAdminUser(await targetIn(deps.users, actor, id), new Date());
}

export async function updateUser(deps: AdminUsersDeps, input: Record<string, unknown> & { id: string }, ctx: EndpointContext): Promise<AdminUser> {
  const actor = await requireTenantAdmin(deps.users, ctx);
  const { id, ...fields } = input;
  await targetIn(deps.users, actor, id);
  const { $set, $unset } = changes(fields);
  try {
    await deps.users.updateOne({ _id: id }, { ...(Object.keys($set).length > 0 ? { $set } : {}), ...(Object.keys($unset).length > 0 ? { $unset } : {}) });
  } catch (error) {
    throw duplicate(error) ?? error;
  }
  await deps.events.publish('users.user.updated', { userId: id, fields: Object.keys(fields).filter((k) => fields[k] !== undefined), by: actor._id }, { subject: id, correlationId: ctx.requestId });
  return toAdminUser(await targetIn(deps.users, actor, id), new Date());
}

export async function lockUser(deps: AdminUsersDeps, input: { id: string; minutes: number }, ctx: EndpointContext): Promise<AdminUser> {
  const actor = await requireTenantAdmin(deps.users, ctx);
  await targetIn(deps.users, actor, input.id);
  const lockedUntil = new Date(Date.now() + input.minutes * 60_000);
  await deps.users.updateOne({ _id: input.id }, { $set: { lockedUntil } });
  await deps.events.publish('users.user.locked', { userId: input.id, lockedUntil: lockedUntil.toISOString(), by: actor._id }, { subject: input.id, correlationId: ctx.requestId });
  return toAdminUser(await targetIn(deps.users, actor, input.id), new Date());
}

export async function deleteUser(deps: AdminUsersDeps, id: string, ctx: EndpointContext): Promise<true> {
  const actor = await requireTenantAdmin(deps.users, ctx);
  if (id === actor._id) throw new AppError('CONFLICT', 'You cannot delete your own account.');
  await targetIn(deps.users, actor, id);
  await deps.users.deleteOne({ _id: id });
  await unlockAccount(deps.lockout, id).catch(() => undefined);
  await deps.events.publish('users.user.deleted', { userId: id, by: actor._id }, { subject: id, correlationId: ctx.requestId });
  return true;
}
