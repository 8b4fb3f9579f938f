import type { UserDocument, UserModel } from '../user.model.js';

export interface UserCache {
  byId(id: string): Promise<UserDocument | null>;
  byAccount(account: string): Promise<UserDocument | null>;
  /** A value derived from users (a context), kept under the same invalidation, for at most `ttlMs`. */
  memo<T>(key: string, ttlMs: number, build: () => Promise<T>): Promise<T>;
  /** Forget everything: called after every write to users, here or in another replica. */
  clear(): void;
  size(): number;
}

/**
 * Users for the read paths (current user, context), kept in memory. What invalidates it:
 * every write to the users collection clears this replica's cache (mongoose middleware)
 * and publishes `users.cache.invalidate`, which clears every other replica's. A read that
 * started before a write does not store its result (generation check), and entries expire
 * after `ttlMs` as a last line of defence. The credentials check never uses it: lockout
 * decisions read the database.
 */
export function createUserCache(users: UserModel, options: { ttlMs: number; maxEntries: number }): UserCache {
  const byId = new Map<string, { user: UserDocument | null; until: number }>();
  const idOfAccount = new Map<string, string>();
  let generation = 0;
  const derived = new Map<string, { value: unknown; until: number }>();

  const remember = (key: string, user: UserDocument | null, startedAt: number) => {
    if (startedAt !== generation) return;
    if (byId.size >= options.maxEntries) {
      byId.clear();
      idOfAccount.clear();
    }
    byId.set(key, { user, until: Date.now() + options.ttlMs });
    if (user !== null) idOfAccount.set(user.account, user._id);
  };

  return {
    async byId(id) {
      const hit = byId.get(id);
      if (hit !== undefined && hit.until > Date.now()) return hit.user;
      const startedAt = generation;
      const user = await users.findById(id).lean();
      remember(id, user, startedAt);
      return user;
    },
    async byAccount(account) {
      const id = idOfAccount.get(account);
      const hit = id === undefined ? undefined : byId.get(id);
      if (hit !== undefined && hit.until > Date.now() && hit.user?.account === account) return hit.user;
      const startedAt = generation;
      const user = await users.findOne({ account }).lean();
      if (user !== null) remember(user._id, user, startedAt);
      return user;
    },
    async memo(key, ttlMs, build) {
      const hit = derived.get(key);
      if (hit !== undefined && hit.until > Date.now()) return hit.value as Awaited<ReturnType<typeof build>>;
      const startedAt = generation;
      const value = await build();
      if (startedAt === generation) {
        if (derived.size >= options.maxEntries) derived.clear();
        derived.set(key, { value, until: Date.now() + Math.min(ttlMs, options.ttlMs) });
      }
      return value;
    },
    clear() {
      generation += 1;
      derived.clear();
      byId.clear();
      idOfAccount.clear();
    },
    size: () => byId.size,
  };
}
