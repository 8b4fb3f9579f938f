import { randomBytes } from 'node:crypto';
import { isDuplicateKey, type IdGenerator } from '@jobwire/service-kit';
import bcrypt from 'bcrypt';
import type { Logger } from 'pino';
import type { UserModel } from '../user.model.js';

export const ADMIN_ACCOUNT = 'admin';

/**
 * Makes sure the `admin` account exists. Its first password is ADMIN_PASSWORD, or a
 * generated one printed once to the console (never to the structured log). An existing
 * admin is left as it is.
 */
export async function seedAdmin(deps: { users: UserModel; ids: IdGenerator; bcryptCost: number; tenantId: string; logger: Logger }, password: string | undefined): Promise<void> {
  if ((await deps.users.exists({ account: ADMIN_ACCOUNT })) !== null) return;
  const chosen = password ?? randomBytes(12).toString('base64url');
  try {
    await deps.users.create({
      _id: deps.ids.next(),
      account: ADMIN_ACCOUNT,
      fullName: 'Administrator',
      passwordHash: await bcrypt.hash(chosen, deps.bcryptCost),
      isSuper: true,
      tenantId: deps.tenantId,
    });
  } catch (error) {
    // Another replica seeded it first.
    if (isDuplicateKey(error)) return;
    throw error;
  }
  deps.logger.info({ account: ADMIN_ACCOUNT }, 'seeded the admin account');
  if (password === undefined) process.stdout.write(`\nadmin account created: user "${ADMIN_ACCOUNT}", password "${chosen}" (set ADMIN_PASSWORD to choose it)\n\n`);
}
