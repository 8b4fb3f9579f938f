import { AppError } from '@jobwire/contracts';
import type { EndpointContext, EventPublisher } from '@jobwire/service-kit';
import bcrypt from 'bcrypt';
import type { UserModel } from '../user.model.js';
import { checkPasswordPolicy } from './password.policy.js';
import type { TokenRevoker } from './token.revoker.js';

export interface PasswordChangeDeps {
  users: UserModel;
  events: EventPublisher;
  bcryptCost: number;
  minPasswordLength: number;
  defaultPassword: string;
  revokeTokens: TokenRevoker;
}

export interface PasswordChangeInput {
  userIds: string[];
  primitivePassword?: string | undefined;
  newPassword?: string | undefined;
  repeatPassword?: string | undefined;
  reset: 0 | 1 | 2;
}

/**
 * `/user/change/passwd`. 0: your own password, proven by the old one. 1: an administrator
 * sets a new password for every id. 2: an administrator restores the default password,
 * and those accounts must change it. Every id is checked before anything changes.
 */
export async function changePasswords(deps: PasswordChangeDeps, input: PasswordChangeInput, ctx: EndpointContext): Promise<null> {
  if (ctx.userId === undefined) throw new AppError('AUTH_TOKEN_MISSING');
  const actor = await deps.users.findById(ctx.userId).lean();
  if (actor === null) throw new AppError('AUTH_TOKEN_INVALID');
  const ids = [...new Set(input.userIds)];
  if (input.reset === 0) {
    if (ids.length !== 1 || ids[0] !== actor._id) throw new AppError('FORBIDDEN', 'You may change only your own password this way.');
  } else if (!actor.isSuper) {
    throw new AppError('FORBIDDEN', 'Only an administrator can set or restore other passwords.');
  }
  if (input.reset !== 2) {
    if (input.newPassword !== input.repeatPassword) throw new AppError('USERS_PASSWORD_MISMATCH');
    checkPasswordPolicy(input.newPassword!, deps.minPasswordLength, 'newPassword');
  }
  const found = await deps.users.find({ _id: { $in: ids } }).lean();
  if (found.length !== ids.length) {
    const missing = ids.filter((id) => !found.some((u) => u._id === id));
    throw new AppError('USERS_NOT_FOUND', `No user with id ${missing.join(', ')}; nothing was changed.`);
  }
  if (input.reset === 0 && !(await bcrypt.compare(input.primitivePassword ?? '', actor.passwordHash))) {
    throw new AppError('AUTH_BAD_CREDENTIALS', 'The current password is wrong.');
  }
  const password = input.reset === 2 ? deps.defaultPassword : input.newPassword!;
  // Each account gets its own salt. Its tokens end before the new password is written, so
  // a failure leaves the old password and, at worst, a logged-out user.
  for (const id of ids) {
    await deps.revokeTokens(id, input.reset === 0 ? 'password-changed' : 'password-set', ctx);
    await deps.users.updateOne({ _id: id }, { $set: { passwordHash: await bcrypt.hash(password, deps.bcryptCost), passwordExpired: input.reset === 2 } });
    await deps.events.publish('users.password.changed', { userId: id, by: actor._id, how: ['own', 'set', 'restored'][input.reset] }, { subject: id, correlationId: ctx.requestId });
  }
  return null;
}
