import { kvBuckets, RevokedTokenSchema, userOfRevocationKey, UserRevocationSchema, type TokenClaims } from '@jobwire/contracts';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';

export interface RevocationCache {
  /** The token itself was revoked (logout, refresh reuse), or every token of its user issued before a password change. */
  isRevoked(claims: Pick<TokenClaims, 'jti' | 'sub' | 'iat'>): boolean;
  /** True once the entries present at start-up have been loaded. */
  isReady(): boolean;
  /** Resolves when the initial load is done (or the deadline passes). */
  ready(deadlineMs: number): Promise<boolean>;
  size(): number;
  stop(): Promise<void>;
}

const PRUNE_INTERVAL_MS = 60_000;
const REWATCH_DELAY_MS = 1000;

/**
 * Keeps the `revoked` KV bucket in memory so a revoked token is refused at the edge
 * without a round trip. Every gateway replica runs its own watch; NATS pushes each
 * revocation to all of them. Entries are dropped once the token would have expired
 * anyway, so the set stays as small as the number of live revoked tokens.
 */
export async function startRevocationCache(
  nc: NatsConnection,
  options: { tokenTtlSeconds: number; replicas?: number; logger: Logger },
): Promise<RevocationCache> {
  const { logger } = options;
  const revoked = new Map<string, number>();
  /** User id → tokens issued before this second are refused, until exp. */
  const userWide = new Map<string, { before: number; exp: number }>();
  let initialized = false;
  let stopped = false;
  const waiters: Array<() => void> = [];
  const markReady = () => {
    if (initialized) return;
    initialized = true;
    for (const wake of waiters.splice(0)) wake();
  };

  const kv: KV = await new Kvm(nc).create(kvBuckets.revoked.name, { ttl: options.tokenTtlSeconds * 1000, history: 1, replicas: options.replicas ?? 1 });

  let stopWatch: (() => void) | undefined;
  const watchLoop = async () => {
    while (!stopped) {
      try {
        const status = await kv.status();
        if (status.values === 0) markReady();
        const iterator = await kv.watch();
        stopWatch = () => iterator.stop();
        for await (const entry of iterator) {
          const user = userOfRevocationKey(entry.key);
          if (entry.operation !== 'PUT') {
            if (user === undefined) revoked.delete(entry.key);
            else userWide.delete(user);
          } else if (user !== undefined) {
            const parsed = UserRevocationSchema.safeParse(safeJson(entry.value));
            // A malformed value refuses every token of the user until the longest token lifetime.
            const now = Math.floor(Date.now() / 1000);
            userWide.set(user, parsed.success ? parsed.data : { before: now, exp: now + options.tokenTtlSeconds });
          } else {
            const parsed = RevokedTokenSchema.safeParse(safeJson(entry.value));
            // A malformed value still revokes the token until the longest token lifetime.
            const exp = parsed.success ? parsed.data.exp : Math.floor(Date.now() / 1000) + options.tokenTtlSeconds;
            revoked.set(entry.key, exp);
          }
          if (entry.delta === 0) markReady();
        }
      } catch (error) {
        if (stopped) return;
        logger.warn({ err: error }, 'revocation watch failed; watching again');
      }
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, REWATCH_DELAY_MS));
    }
  };
  void watchLoop();

  const pruneTimer = setInterval(() => {
    const now = Math.floor(Date.now() / 1000);
    for (const [id, exp] of revoked) if (exp < now) revoked.delete(id);
    for (const [user, entry] of userWide) if (entry.exp < now) userWide.delete(user);
  }, PRUNE_INTERVAL_MS);
  pruneTimer.unref();

  return {
    isRevoked: (claims) => revoked.has(claims.jti) || (userWide.get(claims.sub)?.before ?? 0) > claims.iat,
    isReady: () => initialized,
    ready: (deadlineMs) =>
      initialized
        ? Promise.resolve(true)
        : new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(initialized), deadlineMs);
            waiters.push(() => {
              clearTimeout(timer);
              resolve(true);
            });
          }),
    size: () => revoked.size,
    async stop() {
      stopped = true;
      clearInterval(pruneTimer);
      stopWatch?.();
    },
  };
}

function safeJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}
