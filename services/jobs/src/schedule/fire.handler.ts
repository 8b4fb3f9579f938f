import type { Logger } from '@jobwire/service-kit';
import { lockedDueAt, type ClaimStore } from '@jobwire/scheduling';
import type { Job } from 'agenda';
import { scheduleOf } from '../cron/cron.validation.js';
import type { RunDispatcher } from '../dispatch/run.dispatcher.js';
import type { JobCache } from '../jobs/job.cache.js';
import type { FireData, RunOnceData, ScheduleStore } from './schedule.store.js';

export interface FireDeps {
  definitions: Pick<JobCache, 'get'>;
  schedules: ScheduleStore;
  /** A fire runs only for the replica whose claim of `<agenda job>@<due>` succeeds. */
  claims: ClaimStore;
  dispatcher: RunDispatcher;
  logger: Logger;
  misfireThresholdMs: number;
}

/** A fire due more than this far ahead was picked up early (an expired lock): it waits. */
const EARLY_TOLERANCE_MS = 1000;
/** Missed fires counted for the record, at most. */
const MISSED_COUNT_LIMIT = 10_000;

/**
 * One fire of a job. The next due time is set before the run is dispatched and written
 * when the fire completes (the run itself goes on in the background), so the job's
 * future fires survive whatever happens to this run. A fire on time (or late by less than the misfire
 * threshold) schedules the next one after itself, as Quartz does, so short delays catch
 * up; a later one is a misfire: it runs once for all missed times (or is skipped, per
 * the job) and the schedule resumes after now.
 */
export function createFireHandler(deps: FireDeps): (agendaJob: Job<FireData>) => Promise<void> {
  /** The due time of the last fire of each job this replica ran. */
  const lastFireHere = new Map<string, number>();
  return async (agendaJob) => {
    const { jobId } = agendaJob.attrs.data;
    const job = await deps.definitions.get(jobId);
    if (job === null || job.status !== 1) {
      await deps.schedules.remove([jobId]);
      return;
    }
    const now = Date.now();
    const stamped = lockedDueAt(agendaJob.attrs.data);
    // A job recovered from a scheduler that died mid-fire is stamped with that fire's
    // start: long past, so it runs once as a misfire.
    const due = stamped?.getTime() ?? now;
    if (due > now + EARLY_TOLERANCE_MS) {
      // Not due yet: only the lock expired. Keep the due time and let go.
      agendaJob.attrs.nextRunAt = new Date(due);
      return;
    }
    const schedule = scheduleOf(job.cronExpression, job.timezone);
    const misfired = now - due > deps.misfireThresholdMs;
    // Every replica that ends up holding this fire computes the same next due time, so
    // the one that loses the claim leaves the schedule as the winner does.
    deps.schedules.advance(agendaJob, schedule.next(new Date(misfired ? now : due)));
    if (!(await deps.claims.claim(`${String(agendaJob.attrs._id)}@${new Date(due).toISOString()}`))) return;
    const scheduledTime = new Date(due);
    const previous = lastFireHere.get(jobId);
    const previousFireHere = previous !== undefined && schedule.next(new Date(previous))?.getTime() === due;
    lastFireHere.set(jobId, due);
    if (lastFireHere.size > 100_000) lastFireHere.delete(lastFireHere.keys().next().value!);
    if (!misfired) {
      await deps.dispatcher.dispatch(job, { trigger: 'cron', scheduledTime, misfired: false, previousFireHere });
      return;
    }
    const missedFires = 1 + schedule.countUntil(scheduledTime, new Date(now), MISSED_COUNT_LIMIT);
    const fire = { trigger: 'cron' as const, scheduledTime, misfired: true, missedFires };
    deps.logger.warn({ jobId, due: scheduledTime.toISOString(), missedFires }, 'misfire');
    if (job.misfirePolicy === 'skip') await deps.dispatcher.skip(job, fire, `misfire: ${missedFires} missed fire(s) skipped by the job's misfire policy`);
    else await deps.dispatcher.dispatch(job, fire);
  };
}

/** A manual run: whichever replica locks it first dispatches it, right away. */
export function createRunOnceHandler(deps: FireDeps): (agendaJob: Job<RunOnceData>) => Promise<void> {
  return async (agendaJob) => {
    const { jobId, requestedAt } = agendaJob.attrs.data;
    if (!(await deps.claims.claim(`${String(agendaJob.attrs._id)}@once`))) return;
    const job = await deps.definitions.get(jobId);
    if (job === null) return;
    await deps.dispatcher.dispatch(job, { trigger: 'manual', scheduledTime: new Date(requestedAt), misfired: false });
  };
}
