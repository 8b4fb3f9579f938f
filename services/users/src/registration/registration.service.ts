import { AppError, authEndpoints, natsHeaders, type RegisterBodySchema } from '@jobwire/contracts';
import { isDuplicateKey, requestEndpoint, type EndpointContext, type EventPublisher, type IdGenerator } from '@jobwire/service-kit';
import type { TokenRevoker } from '../passwords/token.revoker.js';
import type { NatsConnection } from '@nats-io/nats-core';
import bcrypt from 'bcrypt';
import type { z } from 'zod';
import { openJobTime } from '../accounts/account.presenter.js';
import { clearFailures, type LockoutDeps } from '../lockout/lockout.service.js';
import { checkPasswordPolicy } from '../passwords/password.policy.js';
import type { UserModel } from '../user.model.js';
import type { RegistrationModel } from './registration.model.js';

type RegisterInput = z.output<typeof RegisterBodySchema>;

export interface RegistrationDeps {
  nc: NatsConnection;
  users: UserModel;
  registrations: RegistrationModel;
  lockout: LockoutDeps;
  events: EventPublisher;
  ids: IdGenerator;
  open: boolean;
  bcryptCost: number;
  minPasswordLength: number;
  tenantId: string;
  timeZone: string;
  requestTimeoutMs: number;
  revokeTokens: TokenRevoker;
}

const caller = (deps: RegistrationDeps, ctx: EndpointContext) => ({
  headers: { [natsHeaders.requestId]: ctx.requestId, ...(ctx.clientIp === undefined ? {} : { [natsHeaders.clientIp]: ctx.clientIp }) },
  timeoutMs: deps.requestTimeoutMs,
});

/** The SMS code is checked by auth, which owns the codes; a wrong one is spent there. */
async function requireCode(deps: RegistrationDeps, ctx: EndpointContext, mobile: string, purpose: 'register' | 'forget', code: string): Promise<void> {
  const { valid } = await requestEndpoint(deps.nc, authEndpoints.smsVerify, { mobile, purpose, code }, caller(deps, ctx));
  if (!valid) throw new AppError('AUTH_SMS_CODE_INVALID');
}

/**
 * `/user/send/sms`: a registration code only for an unused mobile; a reset code only for
 * a mobile with an account, though the answer is the same when there is none.
 */
export async function sendCode(deps: RegistrationDeps, input: { mobile: string; forget: boolean }, ctx: EndpointContext): Promise<null> {
  const taken = (await deps.users.exists({ mobile: input.mobile })) !== null;
  if (input.forget) {
    if (!taken) return null;
  } else {
    if (!deps.open) throw new AppError('USERS_REGISTRATION_CLOSED');
    if (taken) throw new AppError('USERS_MOBILE_TAKEN');
  }
  await requestEndpoint(deps.nc, authEndpoints.smsSend, { mobile: input.mobile, purpose: input.forget ? 'forget' : 'register' }, caller(deps, ctx));
  return null;
}

/**
 * Registration: the account is the mobile. The unique index on mobile decides a race
 * between two registrations of one number: exactly one insert succeeds.
 */
export async function register(deps: RegistrationDeps, input: RegisterInput, ctx: EndpointContext): Promise<{ id: string; account: string }> {
  if (!deps.open) throw new AppError('USERS_REGISTRATION_CLOSED');
  checkPasswordPolicy(input.passWd, deps.minPasswordLength, 'passWd');
  await requireCode(deps, ctx, input.mobile, 'register', input.validCode);
  const id = deps.ids.next();
  const now = new Date();
  try {
    await deps.users.create({
      _id: id,
      account: input.mobile,
      mobile: input.mobile,
      fullName: input.fullName,
      gender: input.gender ?? null,
      passwordHash: await bcrypt.hash(input.passWd, deps.bcryptCost),
      tenantId: deps.tenantId,
    });
  } catch (error) {
    if (isDuplicateKey(error)) throw new AppError('USERS_MOBILE_TAKEN');
    throw error;
  }
  await deps.registrations.create({ _id: id, userId: id, fullName: input.fullName, gender: input.gender ?? null, mobile: input.mobile, company: input.company ?? null, area: input.area ?? null, createTime: now });
  await deps.events.publish('users.user.registered', { userId: id, account: input.mobile }, { subject: id, correlationId: ctx.requestId });
  return { id, account: input.mobile };
}

export async function registrationOf(deps: RegistrationDeps, mobile: string) {
  const found = await deps.registrations.findOne({ mobile }).lean();
  if (found === null) return null;
  return { fullName: found.fullName, gender: found.gender, mobile: found.mobile, company: found.company, area: found.area, status: found.status, createTime: openJobTime(found.createTime, deps.timeZone) };
}

/** `/user/reset/passwd`: a new password with a `forget` code; it also lifts a lockout. */
export async function resetPassword(deps: RegistrationDeps, input: RegisterInput, ctx: EndpointContext): Promise<null> {
  checkPasswordPolicy(input.passWd, deps.minPasswordLength, 'passWd');
  await requireCode(deps, ctx, input.mobile, 'forget', input.validCode);
  const user = await deps.users.findOne({ mobile: input.mobile }).lean();
  if (user === null) throw new AppError('AUTH_SMS_CODE_INVALID');
  await deps.revokeTokens(user._id, 'password-reset', ctx);
  await deps.users.updateOne({ _id: user._id }, { $set: { passwordHash: await bcrypt.hash(input.passWd, deps.bcryptCost), passwordExpired: false, lockedUntil: null } });
  await clearFailures(deps.lockout, user._id);
  await deps.events.publish('users.password.changed', { userId: user._id, by: user._id, how: 'reset' }, { subject: user._id, correlationId: ctx.requestId });
  return null;
}
