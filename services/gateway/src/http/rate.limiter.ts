import { createHash } from 'node:crypto';
import { AppError, kvBuckets, type RateLimitGroup, type RouteDef } from '@jobwire/contracts';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';

export interface RateLimits {
  windowSeconds: number;
  /** Calls per window; 0 = no limit. */
  perIp: Record<RateLimitGroup, number>;
  perAccount: Record<RateLimitGroup, number>;
}

export interface RateLimiter {
  /** Counts the call; throws RATE_LIMITED (with the seconds to the window's end) over a limit. */
  check(route: RouteDef, clientIp: string | undefined, input: Record<string, unknown>): Promise<void>;
}

interface Waiter {
  resolve(count: number): void;
  reject(error: unknown): void;
}

/** Compare-and-set rounds before a counter write gives up (only under heavy contention on one key). */
const MAX_CAS_ROUNDS = 8;

/** Counter keys hold no raw IP or account: KV keys allow few characters, and logs and backups need not see them. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

/**
 * Fixed-window counters in a NATS KV bucket shared by every gateway replica, so a client
 * cannot multiply its budget by the replica count. A counter is created with `create`
 * (fails if present) and raised with `update` at the revision read (fails if another
 * replica wrote in between), so no count is lost; its key names the window, and the
 * bucket's TTL removes old windows. The counter store failing lets calls through: the
 * services behind still lock accounts and cap code attempts.
 */
export async function createRateLimiter(nc: NatsConnection, limits: RateLimits, options: { replicas: number; logger: Logger }): Promise<RateLimiter> {
  const windowMs = limits.windowSeconds * 1000;
  const kv: KV = await new Kvm(nc).create(kvBuckets.rateLimits.name, { ttl: Math.max(2 * windowMs, kvBuckets.rateLimits.ttlMs), history: 1, replicas: options.replicas });

  /** Adds `by` to a counter; resolves with its new value. */
  async function add(key: string, by: number): Promise<number> {
    for (let round = 0; round < MAX_CAS_ROUNDS; round += 1) {
      const entry = await kv.get(key);
      try {
        if (entry === null || entry.operation !== 'PUT') {
          await kv.create(key, String(by));
          return by;
        }
        const count = Number(entry.string()) + by;
        await kv.update(key, String(count), entry.revision);
        return count;
      } catch (error) {
        if (!isWrongRevision(error)) throw error;
        // Another replica wrote first: read again after a short, random pause.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * (round + 1)));
      }
    }
    throw new Error(`rate-limit counter ${key} kept changing`);
  }

  /**
   * Calls on one key in this replica are counted together: one write adds them all and
   * each call gets its own place in the count. Only replicas then race for a key, not
   * every concurrent call, so a burst from one client cannot exhaust the write retries.
   */
  const queued = new Map<string, Waiter[]>();
  const writing = new Set<string>();
  async function drain(key: string): Promise<void> {
    writing.add(key);
    try {
      for (let batch = queued.get(key); batch !== undefined; batch = queued.get(key)) {
        queued.delete(key);
        try {
          const last = await add(key, batch.length);
          batch.forEach((waiter, i) => waiter.resolve(last - batch.length + 1 + i));
        } catch (error) {
          for (const waiter of batch) waiter.reject(error);
        }
      }
    } finally {
      writing.delete(key);
    }
  }
  function increment(key: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const batch = queued.get(key);
      if (batch === undefined) queued.set(key, [{ resolve, reject }]);
      else batch.push({ resolve, reject });
      if (!writing.has(key)) void drain(key);
    });
  }

  return {
    async check(route, clientIp, input) {
      const rule = route.rateLimit;
      if (rule === undefined) return;
      const group = rule.when !== undefined && input[rule.when.field] === rule.when.equals ? rule.when.group : rule.group;
      const account = rule.account?.map((field) => input[field]).find((value): value is string => typeof value === 'string' && value !== '');
      const counted: { key: string; limit: number; what: string }[] = [];
      const now = Date.now();
      const window = Math.floor(now / windowMs);
      if (limits.perIp[group] > 0 && clientIp !== undefined) counted.push({ key: `${group}.ip.${digest(clientIp)}.${window}`, limit: limits.perIp[group], what: 'from this address' });
      if (limits.perAccount[group] > 0 && account !== undefined) counted.push({ key: `${group}.account.${digest(account.toLowerCase())}.${window}`, limit: limits.perAccount[group], what: 'for this account' });
      if (counted.length === 0) return;
      let counts: number[];
      try {
        counts = await Promise.all(counted.map((c) => increment(c.key)));
      } catch (error) {
        options.logger.warn({ err: error, route: route.id }, 'rate-limit counters unavailable; call let through');
        return;
      }
      const over = counted.find((c, i) => counts[i]! > c.limit);
      if (over === undefined) return;
      const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
      throw new AppError('RATE_LIMITED', `Too many ${group} requests ${over.what}; retry in ${retryAfterSeconds} s.`, { retryAfterSeconds });
    },
  };
}

/** JetStream's "wrong last sequence" (10071, 10164): the key exists, or changed since it was read. */
const WRONG_LAST_SEQUENCE = new Set([10071, 10164]);

function isWrongRevision(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && WRONG_LAST_SEQUENCE.has(code);
}
