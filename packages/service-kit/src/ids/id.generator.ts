import { createHash } from 'node:crypto';

/** 2020-01-01T00:00:00Z: ids fit 41 bits of milliseconds for ~69 years from here. */
const EPOCH_MS = 1_577_836_800_000n;
const WORKER_BITS = 10n;
const SEQUENCE_BITS = 12n;
const MAX_SEQUENCE = (1n << SEQUENCE_BITS) - 1n;

export interface IdGenerator {
  /** A time-ordered 64-bit id as a decimal string, as the original APIs use. */
  next(): string;
}

/**
 * Snowflake-style ids: milliseconds, a worker number derived from the instance id, and a
 * per-millisecond sequence. Two replicas may share a worker number (1 in 1024), so
 * stores keep ids unique with their primary key and retry on a clash.
 */
export function createIdGenerator(instanceId: string, now: () => number = Date.now): IdGenerator {
  const worker = BigInt(createHash('sha256').update(instanceId).digest().readUInt16BE(0)) & ((1n << WORKER_BITS) - 1n);
  let lastMs = -1n;
  let sequence = 0n;
  return {
    next() {
      let ms = BigInt(now());
      if (ms < lastMs) ms = lastMs; // the clock stepped back: keep ids increasing
      if (ms === lastMs) {
        sequence = (sequence + 1n) & MAX_SEQUENCE;
        if (sequence === 0n) ms = lastMs + 1n; // 4096 ids in one millisecond: borrow the next one
      } else {
        sequence = 0n;
      }
      lastMs = ms;
      return (((ms - EPOCH_MS) << (WORKER_BITS + SEQUENCE_BITS)) | (worker << SEQUENCE_BITS) | sequence).toString();
    },
  };
}
