import type { EventPublisher, Logger } from '@jobwire/service-kit';
import type { RunFeed } from '../paging/run.feed.js';
import { finishRun } from './run.finish.js';
import type { ActiveRunModel, RunModel } from './run.model.js';

export interface SweeperDeps {
  runs: RunModel;
  active: ActiveRunModel;
  events: EventPublisher;
  logger: Logger;
  retentionMs: number;
  /** How long a run's scheduler vouches for it (RUN_LEASE_MS). */
  leaseMs: number;
  everyMs: number;
  /** Told of every run record written, for the run listings of every replica. */
  feed: Pick<RunFeed, 'state' | 'removedBefore'>;
  /** Which of these runs the replica `scheduler` still runs (askHeldRuns). */
  heldBy(scheduler: string, runIds: readonly string[]): Promise<Set<string>>;
}

/** Old runs are looked for every tenth of the retention, at most every 10 minutes. */
const RETENTION_EVERY_MS = 10 * 60_000;

/**
 * Housekeeping every replica may do at once (each step is idempotent): runs whose
 * scheduler stopped renewing them are failed with cause "scheduler stopped", and runs
 * older than the retention are removed. A lease can also lapse while its scheduler is
 * alive but could not write (the database was away): the scheduler is asked first, and
 * the runs it still holds get their lease back.
 */
export function startRunSweeper(deps: SweeperDeps): { stop(): void; sweep(): Promise<void> } {
  const { runs, logger } = deps;
  let lastRetention = 0;
  let running = false;
  const retentionEveryMs = Math.min(RETENTION_EVERY_MS, Math.max(deps.everyMs, deps.retentionMs / 10));

  async function sweep(): Promise<void> {
    if (running) return;
    running = true;
    try {
      const now = new Date();
      const lapsed = await deps.active.find({ leaseUntil: { $lt: now } }).limit(500).lean();
      const byScheduler = new Map<string, typeof lapsed>();
      for (const entry of lapsed) {
        const entries = byScheduler.get(entry.scheduler);
        if (entries === undefined) byScheduler.set(entry.scheduler, [entry]);
        else entries.push(entry);
      }
      const stale: typeof lapsed = [];
      for (const [scheduler, entries] of byScheduler) {
        const held = await deps.heldBy(scheduler, entries.map((entry) => entry._id));
        if (held.size > 0) {
          await deps.active.updateMany({ _id: { $in: [...held] } }, { $set: { leaseUntil: new Date(Date.now() + deps.leaseMs) } });
          logger.info({ scheduler, runs: held.size }, 'runs whose lease lapsed are still running: lease renewed');
        }
        stale.push(...entries.filter((entry) => !held.has(entry._id)));
      }
      for (const entry of stale) {
        if (!(await finishRun(deps, entry._id, { runState: 'failed', cause: 'scheduler stopped', endTime: now }))) continue;
        const run = await runs.findById(entry._id).lean();
        if (run === null) continue;
        logger.warn({ runId: run._id, jobId: run.jobId }, 'run abandoned by a stopped scheduler marked failed');
        await deps.events
          .publish('jobs.run.failed', { runId: run._id, jobId: run.jobId, handlerName: run.handlerName, attempt: run.attempt, trigger: run.trigger, runState: 'failed', cause: 'scheduler stopped' }, { id: `${run._id}.jobs.run.failed`, subject: run.jobId })
          .catch((error: unknown) => logger.warn({ err: error }, 'could not publish a run event'));
      }
      if (now.getTime() - lastRetention >= retentionEveryMs) {
        lastRetention = now.getTime();
        const cutoff = new Date(now.getTime() - deps.retentionMs);
        const removed = await runs.deleteMany({ createTime: { $lt: cutoff }, runState: { $ne: 'running' } });
        if (removed.deletedCount > 0) deps.feed.removedBefore(cutoff);
        if (removed.deletedCount > 0) logger.info({ removed: removed.deletedCount }, 'old runs removed');
        await failOrphans(now);
      }
    } catch (error) {
      logger.warn({ err: error }, 'run sweep failed');
    } finally {
      running = false;
    }
  }

  /** `running` records whose active entry is gone (a process died inside finishRun) are failed. */
  async function failOrphans(now: Date): Promise<void> {
    const before = new Date(now.getTime() - deps.leaseMs);
    const candidates = await runs.find({ runState: 'running', startTime: { $lt: before } }, { _id: 1 }).limit(500).lean();
    for (const { _id } of candidates) {
      if ((await deps.active.exists({ _id })) !== null) continue;
      await runs.updateOne({ _id }, { $set: { runState: 'failed', cause: 'scheduler stopped', endTime: now } });
      deps.feed.state(_id, 'failed');
      logger.warn({ runId: _id }, 'run left running without a scheduler marked failed');
    }
  }

  const timer = setInterval(() => void sweep(), deps.everyMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    sweep,
  };
}
