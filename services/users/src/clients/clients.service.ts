import { randomBytes } from 'node:crypto';
import { AppError } from '@jobwire/contracts';
import { isDuplicateKey } from '@jobwire/service-kit';
import bcrypt from 'bcrypt';
import type { UserModel } from '../user.model.js';
import type { ClientModel } from './client.model.js';

export interface ClientsDeps {
  clients: ClientModel;
  users: UserModel;
  bcryptCost: number;
  /** Compared against when a client id is unknown, so timing does not tell. */
  dummyHash: string;
}

async function requireAdmin(users: UserModel, actorId: string | undefined): Promise<void> {
  if (actorId === undefined) throw new AppError('AUTH_TOKEN_MISSING');
  const actor = await users.findById(actorId).lean();
  if (actor === null || !actor.isSuper) throw new AppError('FORBIDDEN', 'Only an administrator can manage OAuth clients.');
}

export async function createClient(deps: ClientsDeps, actorId: string | undefined, input: { clientId: string; name: string }) {
  await requireAdmin(deps.users, actorId);
  const clientSecret = randomBytes(24).toString('base64url');
  const createTime = new Date();
  try {
    await deps.clients.create({ _id: input.clientId, name: input.name, secretHash: await bcrypt.hash(clientSecret, deps.bcryptCost), createTime });
  } catch (error) {
    if (isDuplicateKey(error)) throw new AppError('CONFLICT', 'A client with this id exists already.');
    throw error;
  }
  return { clientId: input.clientId, name: input.name, createTime: createTime.toISOString(), clientSecret };
}

export async function listClients(deps: ClientsDeps, actorId: string | undefined) {
  await requireAdmin(deps.users, actorId);
  const all = await deps.clients.find({}).sort({ _id: 1 }).lean();
  return all.map((c) => ({ clientId: c._id, name: c.name, createTime: c.createTime.toISOString() }));
}

export async function deleteClient(deps: ClientsDeps, actorId: string | undefined, clientId: string): Promise<true> {
  await requireAdmin(deps.users, actorId);
  const removed = await deps.clients.deleteOne({ _id: clientId });
  if (removed.deletedCount !== 1) throw new AppError('NOT_FOUND', 'No such client.');
  return true;
}

export async function verifyClient(deps: ClientsDeps, input: { clientId: string; clientSecret?: string | undefined }) {
  const client = await deps.clients.findById(input.clientId).lean();
  if (input.clientSecret === undefined) return { ok: client !== null, name: client?.name ?? null };
  const matches = await bcrypt.compare(input.clientSecret, client?.secretHash ?? deps.dummyHash);
  return client !== null && matches ? { ok: true, name: client.name } : { ok: false, name: null };
}
