import type { AgendaBackend, JobParameters, JobRepository, JobRepositoryOptions } from 'agenda';
import { MongoServerError, type Collection } from 'mongodb';

/** One claimed fire: a job id and the time it was due. */
export interface ClaimDocument {
  _id: string;
  claimedAt: Date;
  expiresAt: Date;
}

export interface ClaimingOptions {
  /** Where claims live; its `_id` uniqueness is the lock. */
  claims: Collection<ClaimDocument>;
  /** How long a claim holds before another instance may take a crashed run over. */
  lockLifetimeMs: number;
  now?: () => Date;
}

/** Claims older than this many lock lifetimes are deleted; their fires are long done. */
const CLAIM_RETENTION_LIFETIMES = 10;
const CLEANUP_EVERY_CLAIMS = 200;

/**
 * Agenda locks a job with a conditional `findOneAndUpdate` (set `lockedAt` where it is
 * null) and relies on that being atomic. MongoDB makes it so; FerretDB v1 does not:
 * concurrent callers can all "win" the same document, so a job runs several times.
 * An insert into a unique `_id` is atomic on both, so after Agenda's own lock succeeds
 * this backend also claims the fire (`<jobId>@<nextRunAt>`) with an insert. Only the
 * caller whose insert succeeds runs the job; the others behave as if the lock failed.
 * A claim expires after the lock lifetime, so a fire whose runner crashed is taken over,
 * as with Agenda's own lock expiry.
 */
export function claimingBackend(inner: AgendaBackend, options: ClaimingOptions): AgendaBackend {
  const repository = claimingRepository(inner.repository, options);
  return {
    name: `${inner.name}+claims`,
    repository,
    notificationChannel: inner.notificationChannel,
    logger: inner.logger,
    ownsConnection: inner.ownsConnection,
    connect: () => inner.connect(),
    disconnect: () => inner.disconnect(),
  };
}

function claimKey(job: JobParameters): string | undefined {
  if (job._id === undefined) return undefined;
  const due = job.nextRunAt instanceof Date ? job.nextRunAt.getTime() : 'none';
  return `${String(job._id)}@${due}`;
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

function claimingRepository(inner: JobRepository, options: ClaimingOptions): JobRepository {
  const now = options.now ?? (() => new Date());
  let claimsSinceCleanup = 0;

  const claim = async (key: string): Promise<boolean> => {
    const at = now();
    const document: ClaimDocument = { _id: key, claimedAt: at, expiresAt: new Date(at.getTime() + options.lockLifetimeMs) };
    try {
      await options.claims.insertOne(document);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Taken. Take it over only when the holder's claim has expired (a crashed runner).
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
      const horizon = new Date(at.getTime() - CLAIM_RETENTION_LIFETIMES * options.lockLifetimeMs);
      await options.claims.deleteMany({ expiresAt: { $lt: horizon } });
    }
    return true;
  };

  const confirm = async (locked: JobParameters | undefined): Promise<JobParameters | undefined> => {
    if (locked === undefined) return undefined;
    const key = claimKey(locked);
    if (key === undefined) return locked;
    return (await claim(key)) ? locked : undefined;
  };

  return {
    connect: () => inner.connect(),
    queryJobs: (query) => inner.queryJobs(query),
    getJobsOverview: () => inner.getJobsOverview(),
    getDistinctJobNames: () => inner.getDistinctJobNames(),
    getJobById: (id) => inner.getJobById(id),
    getQueueSize: () => inner.getQueueSize(),
    removeJobs: (removal) => inner.removeJobs(removal),
    saveJob: (job, saveOptions) => inner.saveJob(job, saveOptions),
    saveJobState: (job, saveOptions) => inner.saveJobState(job, saveOptions),
    async lockJob(job: JobParameters, lockOptions: JobRepositoryOptions | undefined) {
      return confirm(await inner.lockJob(job, lockOptions));
    },
    unlockJob: (job) => inner.unlockJob(job),
    unlockJobs: (ids) => inner.unlockJobs(ids),
    async getNextJobToRun(jobName, nextScanAt, lockDeadline, at, nextOptions) {
      return confirm(await inner.getNextJobToRun(jobName, nextScanAt, lockDeadline, at, nextOptions));
    },
    disableJobs: (removal) => inner.disableJobs(removal),
    enableJobs: (removal) => inner.enableJobs(removal),
    purgeAllJobs: () => inner.purgeAllJobs(),
  };
}
