import { randomBytes } from 'node:crypto';
import { AppError, usersEndpoints } from '@jobwire/contracts';
import { isDuplicateKey, type IdGenerator, type ServiceHost } from '@jobwire/service-kit';
import bcrypt from 'bcrypt';
import { toAccountSummary } from '../accounts/account.presenter.js';
import type { UserModel } from '../user.model.js';

/** Account lookups other services make (auth: by id, by mobile, by WeCom user id). */
export async function registerLookupHandlers(host: ServiceHost, users: UserModel, created: { ids: IdGenerator; bcryptCost: number; tenantId: string }): Promise<void> {
  await host.endpoint(usersEndpoints.getById, async ({ id }) => {
    const user = await users.findById(id).lean();
    return user === null ? null : toAccountSummary(user, new Date());
  });
  await host.endpoint(usersEndpoints.findByMobile, async ({ mobile }) => {
    const user = await users.findOne({ mobile }).lean();
    return user === null ? null : toAccountSummary(user, new Date());
  });
  await host.endpoint(usersEndpoints.findByWecom, async ({ wecomUserId }) => {
    const user = await users.findOne({ wecomUserId }).lean();
    return user === null ? null : toAccountSummary(user, new Date());
  });
  // WECOM_AUTO_CREATE: an account for a WeCom user on first login, with an unusable password.
  await host.endpoint(usersEndpoints.createForWecom, async ({ wecomUserId }) => {
    const existing = await users.findOne({ wecomUserId }).lean();
    if (existing !== null) return toAccountSummary(existing, new Date());
    const account = `wecom_${wecomUserId.replace(/[^A-Za-z0-9_.-]/g, '_')}`.slice(0, 64);
    try {
      const user = await users.create({
        _id: created.ids.next(),
        account,
        fullName: wecomUserId,
        passwordHash: await bcrypt.hash(randomBytes(32).toString('hex'), created.bcryptCost),
        tenantId: created.tenantId,
        wecomUserId,
      });
      return toAccountSummary(user.toObject(), new Date());
    } catch (error) {
      // Simultaneous first logins (any replica) race to create the account: the unique
      // account name lets one win, and the others answer with the winner's account.
      if (!isDuplicateKey(error)) throw error;
      const winner = await users.findOne({ wecomUserId }).lean();
      if (winner === null) throw new AppError('CONFLICT', `The account name ${account} is taken by another user.`);
      return toAccountSummary(winner, new Date());
    }
  });
}
