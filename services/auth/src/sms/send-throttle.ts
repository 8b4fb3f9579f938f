import type { KV } from '@nats-io/kv';
import { z } from 'zod';

const HistorySchema = z.object({ sent: z.array(z.number().int()) });

export interface ThrottleRule {
  /** Most sends allowed within `windowMs`. */
  limit: number;
  windowMs: number;
}

/**
 * Counts sends per key (a mobile, a client IP) in a KV bucket. Each check-and-record is a
 * compare-and-set on the key's revision, retried on a race, so parallel requests cannot
 * slip past a limit. Answers how many seconds until the next send is allowed, or 0.
 */
export async function takeSendSlot(kv: KV, key: string, rules: readonly ThrottleRule[], now: number): Promise<number> {
  const longest = Math.max(...rules.map((r) => r.windowMs));
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const entry = await kv.get(key);
    const current = entry !== null && entry.operation === 'PUT' ? HistorySchema.safeParse(entry.json()) : undefined;
    const sent = (current?.success === true ? current.data.sent : []).filter((t) => t > now - longest);
    let wait = 0;
    for (const rule of rules) {
      const inWindow = sent.filter((t) => t > now - rule.windowMs).sort((a, b) => a - b);
      if (inWindow.length >= rule.limit) {
        const oldest = inWindow[inWindow.length - rule.limit] ?? now;
        wait = Math.max(wait, Math.ceil((oldest + rule.windowMs - now) / 1000));
      }
    }
    if (wait > 0) return wait;
    const next = JSON.stringify({ sent: [...sent, now] });
    try {
      if (entry === null || entry.operation !== 'PUT') await kv.create(key, next);
      else await kv.update(key, next, entry.revision);
      return 0;
    } catch {
      // another request recorded a send in between: read again
    }
  }
  return 1;
}
