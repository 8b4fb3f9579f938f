import type { KV } from '@nats-io/kv';
import type { z } from 'zod';

/**
 * Short-lived secrets in a KV bucket, each usable once. `take` deletes the entry only if
 * it is still the revision it read (JetStream checks the sequence), so of two concurrent
 * takes exactly one gets the value: a captcha or code cannot be used twice.
 */
export interface SingleUseStore<T> {
  put(key: string, value: T): Promise<void>;
  /** The value, now spent; undefined when absent, expired or already taken. */
  take(key: string): Promise<T | undefined>;
  /** Reads without spending (polling a scan ticket, for example). */
  peek(key: string): Promise<T | undefined>;
}

export function singleUseStore<S extends z.ZodType>(kv: KV, schema: S): SingleUseStore<z.output<S>> {
  const read = async (key: string) => {
    const entry = await kv.get(key);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    const parsed = schema.safeParse(entry.json());
    return { revision: entry.revision, value: parsed.success ? parsed.data : undefined };
  };
  return {
    async put(key, value) {
      await kv.put(key, JSON.stringify(value));
    },
    async take(key) {
      const found = await read(key);
      if (found === undefined) return undefined;
      try {
        await kv.delete(key, { previousSeq: found.revision });
      } catch {
        return undefined; // taken by someone else in between
      }
      return found.value;
    },
    async peek(key) {
      return (await read(key))?.value;
    },
  };
}

/** KV keys allow letters, digits and `-_=./`; ids from clients are hashed into that set. */
export function kvKey(...parts: string[]): string {
  return parts.map((p) => Buffer.from(p, 'utf8').toString('base64url')).join('.');
}
