import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { KV } from '@nats-io/kv';
import { z } from 'zod';
import { kvKey } from '../kv/single-use.store.js';
import type { SmsPurpose } from './sms.provider.js';

const OtpEntrySchema = z.object({ digest: z.string(), attempts: z.number().int() });

export interface OtpDeps {
  kv: KV;
  /** Codes are stored as an HMAC, so the bucket never holds a usable code. */
  pepper: string;
  maxAttempts: number;
}

export function otpKey(purpose: SmsPurpose, mobile: string): string {
  return kvKey('otp', purpose, mobile);
}

function digest(deps: OtpDeps, purpose: SmsPurpose, mobile: string, code: string): string {
  return createHmac('sha256', deps.pepper).update(`${purpose}:${mobile}:${code}`).digest('hex');
}

/** A new 6-digit code for a purpose and mobile; it replaces any earlier one. */
export async function issueOtp(deps: OtpDeps, purpose: SmsPurpose, mobile: string): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await deps.kv.put(otpKey(purpose, mobile), JSON.stringify({ digest: digest(deps, purpose, mobile, code), attempts: 0 }));
  return code;
}

/**
 * Checks a code. Right: the code is spent. Wrong: the attempt is counted and the code is
 * burnt at the limit. Every change is a compare-and-set on the entry's revision, so
 * parallel guesses are all counted and a right code is accepted once.
 */
export async function verifyOtp(deps: OtpDeps, purpose: SmsPurpose, mobile: string, code: string): Promise<boolean> {
  const key = otpKey(purpose, mobile);
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const entry = await deps.kv.get(key);
    if (entry === null || entry.operation !== 'PUT') return false;
    const parsed = OtpEntrySchema.safeParse(entry.json());
    if (!parsed.success) return false;
    const given = Buffer.from(digest(deps, purpose, mobile, code));
    const right = given.length === parsed.data.digest.length && timingSafeEqual(given, Buffer.from(parsed.data.digest));
    try {
      if (right) {
        await deps.kv.delete(key, { previousSeq: entry.revision });
        return true;
      }
      const attempts = parsed.data.attempts + 1;
      if (attempts >= deps.maxAttempts) await deps.kv.delete(key, { previousSeq: entry.revision });
      else await deps.kv.update(key, JSON.stringify({ digest: parsed.data.digest, attempts }), entry.revision);
      return false;
    } catch {
      // changed in between: read again
    }
  }
  return false;
}
