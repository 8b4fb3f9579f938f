import type { AgendaBackend, JobParameters, JobRepository, JobRepositoryOptions } from 'agenda';
import type { Collection } from 'mongodb';
import { createBatchLocker } from './batch.locker.js';
import { createClaimStore, type ClaimStore, type ClaimStoreOptions } from './claim.store.js';

export type { ClaimDocument } from './claim.store.js';

export interface ClaimingOptions extends ClaimStoreOptions {
  /**
   * `lock` (default): a lock counts only once the fire is claimed, so plain Agenda
   * handlers run once. `run`: locks are not claimed; the handler claims the fire itself
   * (see lockedDueAt), which suits processors that lock fires ahead of their due time.
   */
  claimAt?: 'lock' | 'run';
  /**
   * Run mode: Agenda's own collection. Due jobs are then read once per queue fill and
   * locked and saved by `_id` alone (see createBatchLocker), which FerretDB answers
   * without reading every job.
   */
  jobs?: Collection;
}

/**
 * Agenda sets nextRunAt to null (or the next repeat) before it calls the handler, so a
 * handler cannot tell which fire it runs. A locked job carries the time it was due under
 * this key of its data (in memory only; Agenda does not write data back when it runs a job).
 */
export const LOCKED_DUE_AT = '__lockedDueAt';

/** The due time of the fire a handler runs, as the backend saw it when locking the job. */
export function lockedDueAt(data: unknown): Date | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const value = (data as Record<string, unknown>)[LOCKED_DUE_AT];
  return value instanceof Date ? value : undefined;
}

/** The default claim key: the job and the time it was due. */
export function defaultClaimKey(job: JobParameters): string | undefined {
  if (job._id === undefined) return undefined;
  const due = job.nextRunAt instanceof Date ? job.nextRunAt.getTime() : 'none';
  return `${String(job._id)}@${due}`;
}

/** Jobs refused in a row (being run elsewhere) before a scan gives up for now. */
const MAX_REFUSALS = 20;

/**
 * Agenda locks a job with a conditional `findOneAndUpdate` (set `lockedAt` where it is
 * null) and relies on that being atomic. MongoDB makes it so; FerretDB v1 does not:
 * concurrent callers can all "win" the same document, so a job runs several times.
 * This backend adds a claim, an insert into a unique `_id` (atomic on both), keyed by the
 * job and its due time: only the caller whose insert succeeds runs that fire.
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

function stampDue(job: JobParameters, due: Date): JobParameters {
  if (typeof job.data === 'object' && job.data !== null) (job.data as Record<string, unknown>)[LOCKED_DUE_AT] = due;
  return job;
}

function claimingRepository(inner: JobRepository, options: ClaimingOptions): JobRepository {
  const store: ClaimStore = createClaimStore(options);
  const now = options.now ?? (() => new Date());
  const runMode = options.claimAt === 'run';
  const batch = runMode && options.jobs !== undefined ? createBatchLocker(options.jobs, now) : undefined;
  /**
   * Jobs this instance has locked and not yet let go of (run mode), with when. A hold
   * older than a lock lifetime is forgotten: a fire Agenda dropped without saving must
   * not keep this instance from ever locking the job again.
   */
  const held = new Map<string, number>();
  const isHeld = (id: string) => {
    const since = held.get(id);
    return since !== undefined && now().getTime() - since < options.lockLifetimeMs;
  };
  const letGo = (job: JobParameters) => {
    if (job._id !== undefined && !(job.lockedAt instanceof Date)) held.delete(String(job._id));
  };
  /** Lock mode: the lock holds only with the claim; a lost claim gives the lock back. */
  const confirmAtLock = async (locked: JobParameters | undefined): Promise<JobParameters | undefined> => {
    if (locked === undefined) return undefined;
    const key = defaultClaimKey(locked);
    if (key === undefined) return locked;
    return (await store.claim(key)) ? locked : undefined;
  };

  /**
   * Run mode: whether a locked job is not this instance's to run. A job whose nextRunAt is
   * null is being run by another instance (Agenda clears it for the run), unless that run
   * began longer than a lock lifetime ago: then its instance died mid-fire and the job is
   * recovered.
   */
  const refused = (locked: JobParameters): boolean => {
    // FerretDB may hand one document to two concurrent locks of this same instance.
    if (isHeld(String(locked._id))) return true;
    if (locked.nextRunAt instanceof Date) return false;
    const started = locked.lastRunAt instanceof Date ? locked.lastRunAt.getTime() : 0;
    return now().getTime() - started < options.lockLifetimeMs;
  };
  /** Run mode: holds the job and stamps the due time; a recovered job is stamped with its dead run's start, which every instance reads alike. */
  const stampAtLock = (locked: JobParameters): JobParameters | 'refused' => {
    if (refused(locked)) return 'refused';
    held.set(String(locked._id), now().getTime());
    if (locked.nextRunAt instanceof Date) return stampDue(locked, locked.nextRunAt);
    return stampDue(locked, new Date(locked.lastRunAt instanceof Date ? locked.lastRunAt.getTime() : 0));
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
    async saveJobState(job, saveOptions) {
      try {
        await (batch === undefined ? inner.saveJobState(job, saveOptions) : batch.saveState(job, saveOptions));
      } finally {
        letGo(job);
      }
    },
    async lockJob(job: JobParameters, lockOptions: JobRepositoryOptions | undefined) {
      const locked = await inner.lockJob(job, lockOptions);
      if (!runMode) return confirmAtLock(locked);
      if (locked === undefined) return undefined;
      const stamped = stampAtLock(locked);
      return stamped === 'refused' ? undefined : stamped;
    },
    async unlockJob(job) {
      held.delete(String(job._id));
      await inner.unlockJob(job);
    },
    async unlockJobs(ids) {
      for (const id of ids) held.delete(String(id));
      await inner.unlockJobs(ids);
    },
    async getNextJobToRun(jobName, nextScanAt, lockDeadline, at, nextOptions) {
      if (!runMode) return confirmAtLock(await inner.getNextJobToRun(jobName, nextScanAt, lockDeadline, at, nextOptions));
      // A refused job stays locked by this lock until its runner unlocks it, so the next
      // query passes over it instead of returning it again.
      for (let attempt = 0; attempt < MAX_REFUSALS; attempt += 1) {
        // The batch locker asks before it writes the lock, so a refused job keeps its holder's lock.
        const locked = await (batch === undefined ? inner.getNextJobToRun(jobName, nextScanAt, lockDeadline, at, nextOptions) : batch.next(jobName, nextScanAt, lockDeadline, at, nextOptions, (job) => !refused(job)));
        if (locked === undefined) return undefined;
        const stamped = stampAtLock(locked);
        if (stamped !== 'refused') return stamped;
      }
      return undefined;
    },
    disableJobs: (removal) => inner.disableJobs(removal),
    enableJobs: (removal) => inner.enableJobs(removal),
    purgeAllJobs: () => inner.purgeAllJobs(),
  };
}
