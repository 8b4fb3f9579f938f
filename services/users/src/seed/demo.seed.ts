import { isDuplicateKey, type IdGenerator } from '@jobwire/service-kit';
import bcrypt from 'bcrypt';
import type { Logger } from 'pino';
import type { DirectoryModels } from '../directory/directory.models.js';
import type { UserModel } from '../user.model.js';
import { ADMIN_ACCOUNT } from './admin.seed.js';

/** Fixed ids, so seeding again finds what it made before and changes nothing. */
export const DEMO = {
  orgId: '1000',
  adminRoleId: '2001',
  userRoleId: '2002',
  positionId: '3001',
  userAccount: 'user',
} as const;

async function createOnce(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}

/**
 * Demo data for `npm start` (SEED_DEMO=true): a tenant, an organisation, the roles `admin`
 * and `user`, a position, the admin placed in them, and a plain user.
 */
export async function seedDemo(
  deps: { users: UserModel; directory: DirectoryModels; ids: IdGenerator; bcryptCost: number; tenantId: string; logger: Logger },
  userPassword: string,
): Promise<void> {
  const { directory, tenantId } = deps;
  const now = new Date();
  await createOnce(() => directory.tenants.create({ _id: tenantId, name: 'Demo tenant', createTime: now }));
  await createOnce(() => directory.orgs.create({ _id: DEMO.orgId, name: 'Demo Company', alias: 'demo', tenantId, createTime: now }));
  await createOnce(() => directory.roles.create({ _id: DEMO.adminRoleId, name: 'Administrator', alias: 'admin', tenantId }));
  await createOnce(() => directory.roles.create({ _id: DEMO.userRoleId, name: 'User', alias: 'user', tenantId }));
  await createOnce(() => directory.positions.create({ _id: DEMO.positionId, name: 'Staff', orgId: DEMO.orgId, tenantId }));

  // Only an admin not yet placed anywhere is placed in the demo organisation.
  await deps.users.updateOne({ account: ADMIN_ACCOUNT, orgId: null }, { $set: { orgId: DEMO.orgId, roleIds: [DEMO.adminRoleId], positionIds: [DEMO.positionId] } });
  if ((await deps.users.exists({ account: DEMO.userAccount })) === null) {
    await createOnce(async () =>
      deps.users.create({
        _id: deps.ids.next(),
        account: DEMO.userAccount,
        fullName: 'Demo User',
        passwordHash: await bcrypt.hash(userPassword, deps.bcryptCost),
        tenantId,
        orgId: DEMO.orgId,
        roleIds: [DEMO.userRoleId],
        positionIds: [DEMO.positionId],
      }),
    );
  }
  for (const account of [ADMIN_ACCOUNT, DEMO.userAccount]) {
    const user = await deps.users.findOne({ account }).lean();
    if (user !== null) await createOnce(() => directory.employees.create({ _id: user._id, name: user.fullName ?? user.account, orgId: user.orgId, tenantId, createTime: user.createTime }));
  }
  deps.logger.info('demo data in place');
}
