import { MongoServerError, type Collection } from 'mongodb';

/** One claimed fire, keyed by whatever names it (job and due time). */
export interface ClaimDocument {
  _id: string;
  claimedAt: Date;
  expiresAt: Date;
}

export interface ClaimStoreOptions {
  /** Where claims live; its `_id` uniqueness is the lock. */
  claims: Collection<ClaimDocument>;
  /** How long a claim holds before another instance may take a crashed run over. */
  lockLifetimeMs: number;
  /** Never take a claim over (claims made right before running); they are only cleaned up. */
  noTakeover?: boolean;
  /** How long claims are kept (default two lock lifetimes). */
  retentionMs?: number;
  now?: () => Date;
}

export interface ClaimStore {
  /** True for exactly one caller per key (until the claim expires). */
  claim(key: string): Promise<boolean>;
}

/** Claims older than this many lock lifetimes are deleted; their fires are long done. */
const CLAIM_RETENTION_LIFETIMES = 2;
const CLEANUP_EVERY_CLAIMS = 1000;
const NEVER = new Date(8_640_000_000_000_000);

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/**
 * An insert into a unique `_id` is atomic on MongoDB and on FerretDB alike, so the one
 * caller whose insert succeeds owns the key. A claim expires after the lock lifetime, so
 * a fire whose owner crashed before running it can be taken over.
 */
export function createClaimStore(options: ClaimStoreOptions): ClaimStore {
  const now = options.now ?? (() => new Date());
  let claimsSinceCleanup = 0;
  return {
    async claim(key) {
      const at = now();
      const document: ClaimDocument = { _id: key, claimedAt: at, expiresAt: options.noTakeover === true ? NEVER : new Date(at.getTime() + options.lockLifetimeMs) };
      try {
        await options.claims.insertOne(document);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        if (options.noTakeover === true) return false;
        const removed = await options.claims.deleteOne({ _id: key, expiresAt: { $lt: at } });
        if (removed.deletedCount !== 1) return false;
        try {
          await options.claims.insertOne(document);
        } catch (retryError) {
          if (isDuplicateKey(retryError)) return false;
          throw retryError;
        }
      }
      claimsSinceCleanup += 1;
      if (claimsSinceCleanup >= CLEANUP_EVERY_CLAIMS) {
        claimsSinceCleanup = 0;
        const horizon = new Date(at.getTime() - (options.retentionMs ?? CLAIM_RETENTION_LIFETIMES * options.lockLifetimeMs));
        await options.claims.deleteMany({ claimedAt: { $lt: horizon } });
      }
      return true;
    },
  };
}
