import { usersEndpoints } from '@jobwire/contracts';
import type { ServiceHost } from '@jobwire/service-kit';
import { toAccountSummary } from '../accounts/account.presenter.js';
import type { UserModel } from '../user.model.js';

/** Account lookups other services make (auth: by id, by mobile, by WeCom user id). */
export async function registerLookupHandlers(host: ServiceHost, users: UserModel): Promise<void> {
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
}
