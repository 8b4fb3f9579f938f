import type { Agenda, Job } from 'agenda';
import type { Collection } from 'mongodb';

/** Agenda job names: one recurring fire per job, and one-time manual runs. */
export const FIRE_JOB = 'jobwire.fire';
export const RUN_ONCE_JOB = 'jobwire.run-once';

/** What the fire job carries. */
export interface FireData {
  jobId: string;
}

export interface RunOnceData {
  jobId: string;
  requestedBy: string | null;
  requestedAt: string;
}

/**
 * The schedule side of a job: one Agenda job per job id (`data.jobId`), whose nextRunAt
 * is the next Quartz fire time this service computed. Saving through Agenda announces
 * jobs due soon on the notification channel, so schedulers do not wait for their poll.
 */
export interface ScheduleStore {
  /** Creates or moves the job's schedule; `next` null removes it (the cron never fires again). */
  set(jobId: string, next: Date | null): Promise<void>;
  remove(jobIds: readonly string[]): Promise<void>;
  /** The next fire time of each scheduled job among `jobIds`. */
  nextFires(jobIds: readonly string[]): Promise<Map<string, Date | null>>;
  /** Asks for one manual run, now, on whichever replica locks it first. */
  runOnce(jobId: string, requestedBy: string | null): Promise<void>;
  /** Inside a fire: the next due time, written by Agenda when the fire completes. */
  advance(job: Job<FireData>, next: Date | null): void;
}

export function createScheduleStore(agenda: Agenda, collection: Collection): ScheduleStore {
  return {
    async set(jobId, next) {
      if (next === null) {
        await collection.deleteMany({ name: FIRE_JOB, 'data.jobId': jobId });
        return;
      }
      const data: FireData = { jobId };
      await agenda.create(FIRE_JOB, data).unique({ 'data.jobId': jobId }).schedule(next).save();
    },
    async remove(jobIds) {
      if (jobIds.length === 0) return;
      await collection.deleteMany({ name: { $in: [FIRE_JOB, RUN_ONCE_JOB] }, 'data.jobId': { $in: [...jobIds] } });
    },
    async nextFires(jobIds) {
      const found = new Map<string, Date | null>();
      if (jobIds.length === 0) return found;
      const cursor = collection.find({ name: FIRE_JOB, 'data.jobId': { $in: [...jobIds] } }, { projection: { data: 1, nextRunAt: 1 } });
      for await (const doc of cursor) {
        const data = doc.data as Partial<FireData> | undefined;
        if (typeof data?.jobId !== 'string') continue;
        found.set(data.jobId, doc.nextRunAt instanceof Date ? doc.nextRunAt : null);
      }
      return found;
    },
    async runOnce(jobId, requestedBy) {
      const data: RunOnceData = { jobId, requestedBy, requestedAt: new Date().toISOString() };
      await agenda.now(RUN_ONCE_JOB, data);
    },
    advance(job, next) {
      job.attrs.nextRunAt = next;
    },
  };
}
