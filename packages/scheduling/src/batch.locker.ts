import { toJobId, type JobParameters, type JobRepositoryOptions } from 'agenda';
import { ObjectId, type Collection, type Document, type WithId } from 'mongodb';

/** Due jobs read per query; the rest wait for the next fill. */
const READ_LIMIT = 500;

export interface BatchLocker {
  /** Agenda's getNextJobToRun, answered from one read of the due jobs per queue fill. */
  next(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    at: Date | undefined,
    options: JobRepositoryOptions | undefined,
    /** Asked with the freshly read job before the lock is written; false passes it over untouched. */
    accept?: (job: JobParameters) => boolean,
  ): Promise<JobParameters | undefined>;
  /** Agenda's saveJobState, by `_id` alone. */
  saveState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void>;
}

function dueFilter(jobName: string, nextScanAt: Date, lockDeadline: Date): Document {
  return { name: jobName, disabled: { $ne: true }, $or: [{ lockedAt: { $eq: null }, nextRunAt: { $lte: nextScanAt } }, { lockedAt: { $lte: lockDeadline } }] };
}

function isDue(doc: Document, jobName: string, nextScanAt: Date, lockDeadline: Date): boolean {
  if (doc.name !== jobName || doc.disabled === true) return false;
  const lockedAt: unknown = doc.lockedAt;
  if (lockedAt === null || lockedAt === undefined) return doc.nextRunAt instanceof Date && doc.nextRunAt.getTime() <= nextScanAt.getTime();
  return lockedAt instanceof Date && lockedAt.getTime() <= lockDeadline.getTime();
}

const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

/** A stored Agenda job as Agenda's repositories hand it over. */
function toParameters(doc: WithId<Document>): JobParameters {
  return {
    _id: toJobId(String(doc._id)),
    name: doc.name as string,
    priority: doc.priority as number,
    nextRunAt: (doc.nextRunAt as Date | null) ?? null,
    type: doc.type as JobParameters['type'],
    data: doc.data as unknown,
    lockedAt: orUndefined(doc.lockedAt as Date | null),
    lastFinishedAt: orUndefined(doc.lastFinishedAt as Date | null),
    failedAt: orUndefined(doc.failedAt as Date | null),
    failCount: orUndefined(doc.failCount as number | null),
    failReason: orUndefined(doc.failReason as string | null),
    repeatTimezone: orUndefined(doc.repeatTimezone as string | null),
    lastRunAt: orUndefined(doc.lastRunAt as Date | null),
    repeatInterval: orUndefined(doc.repeatInterval as JobParameters['repeatInterval'] | null),
    repeatAt: orUndefined(doc.repeatAt as string | null),
    disabled: orUndefined(doc.disabled as boolean | null),
    progress: orUndefined(doc.progress as number | null),
    lastModifiedBy: orUndefined(doc.lastModifiedBy as string | null),
  };
}

/**
 * Agenda asks for due jobs one at a time, each with a `findOneAndUpdate` on the job's
 * name, due time and lock. FerretDB v1 (SQLite) hands only a bare `_id` filter to SQLite
 * and evaluates every other filter by decoding every stored job, so each fire cost a read
 * of the whole collection. Here one query per queue fill reads the due jobs; each is then
 * re-read and locked by `_id` alone. The lock is not exclusive (neither is FerretDB's
 * conditional update): the caller claims each fire before running it.
 */
export function createBatchLocker(jobs: Collection, now: () => Date): BatchLocker {
  /** Per job name: due jobs read at the start of the current fill, not yet handed out. */
  const queues = new Map<string, WithId<Document>[]>();

  async function candidate(jobName: string, nextScanAt: Date, lockDeadline: Date): Promise<WithId<Document> | undefined> {
    let queue = queues.get(jobName);
    if (queue !== undefined && queue.length === 0) {
      // This fill is over; the next call starts another with a fresh read.
      queues.delete(jobName);
      return undefined;
    }
    if (queue === undefined) {
      queue = await jobs.find(dueFilter(jobName, nextScanAt, lockDeadline)).sort({ nextRunAt: 1, priority: -1 }).limit(READ_LIMIT).toArray();
      if (queue.length === 0) return undefined;
      queues.set(jobName, queue);
    }
    return queue.shift();
  }

  return {
    async next(jobName, nextScanAt, lockDeadline, at, options, accept) {
      for (;;) {
        const read = await candidate(jobName, nextScanAt, lockDeadline);
        if (read === undefined) return undefined;
        // Another instance may have run or locked it since the read.
        const fresh = await jobs.findOne({ _id: read._id });
        if (fresh === null || !isDue(fresh, jobName, nextScanAt, lockDeadline)) continue;
        if (accept !== undefined && !accept(toParameters(fresh))) continue;
        const lockedAt = at ?? now();
        await jobs.updateOne({ _id: fresh._id }, { $set: { lockedAt, lastModifiedBy: options?.lastModifiedBy ?? null } });
        return toParameters({ ...fresh, lockedAt });
      }
    },
    async saveState(job, options) {
      if (job._id === undefined) throw new Error('Cannot save job state without job ID');
      const date = (value: Date | string | null | undefined) => (value === null || value === undefined ? null : new Date(value));
      const $set = {
        lockedAt: date(job.lockedAt),
        nextRunAt: date(job.nextRunAt),
        lastRunAt: date(job.lastRunAt),
        progress: job.progress ?? null,
        failReason: job.failReason ?? null,
        failCount: job.failCount ?? null,
        failedAt: date(job.failedAt),
        lastFinishedAt: date(job.lastFinishedAt),
        lastModifiedBy: options?.lastModifiedBy ?? null,
      };
      const result = await jobs.updateOne({ _id: idOf(job) }, { $set });
      if (result.matchedCount !== 1) throw new Error(`job ${String(job._id)} (name: ${job.name}) cannot be updated in the database, maybe it does not exist anymore?`);
    },
  };
}

/** Agenda's MongoDB backend stores ObjectIds and hands out their hex strings. */
function idOf(job: JobParameters): ObjectId {
  return new ObjectId(String(job._id));
}
