import type { EventPublisher, Logger } from '@jobwire/service-kit';
import type { ActiveRunModel, RunModel } from './run.model.js';

export interface SweeperDeps {
  runs: RunModel;
  active: ActiveRunModel;
  events: EventPublisher;
  logger: Logger;
  retentionMs: number;
  everyMs: number;
}

const RETENTION_EVERY_MS = 10 * 60_000;

/**
 * Housekeeping every replica may do at once (each step is idempotent): runs whose
 * scheduler stopped renewing them are failed with cause "scheduler stopped", and runs
 * older than the retention are removed.
 */
export function startRunSweeper(deps: SweeperDeps): { stop(): void; sweep(): Promise<void> } {
  const { runs, logger } = deps;
  let lastRetention = 0;
  let running = false;

  async function sweep(): Promise<void> {
    if (running) return;
    running = true;
    try {
      const now = new Date();
      const stale = await deps.active.find({ leaseUntil: { $lt: now } }).limit(500).lean();
      for (const entry of stale) {
        // FerretDB v1's findAndModify takes no projection: the whole run comes back.
        const run = await runs.findOneAndUpdate({ _id: entry._id, runState: 'running' }, { $set: { runState: 'failed', cause: 'scheduler stopped', endTime: now } }).lean();
        await deps.active.deleteOne({ _id: entry._id });
        if (run === null) continue;
        logger.warn({ runId: run._id, jobId: run.jobId }, 'run abandoned by a stopped scheduler marked failed');
        await deps.events
          .publish('jobs.run.failed', { runId: run._id, jobId: run.jobId, handlerName: run.handlerName, attempt: run.attempt, trigger: run.trigger, runState: 'failed', cause: 'scheduler stopped' }, { id: `${run._id}.jobs.run.failed`, subject: run.jobId })
          .catch((error: unknown) => logger.warn({ err: error }, 'could not publish a run event'));
      }
      if (now.getTime() - lastRetention >= RETENTION_EVERY_MS) {
        lastRetention = now.getTime();
        const removed = await runs.deleteMany({ createTime: { $lt: new Date(now.getTime() - deps.retentionMs) }, runState: { $ne: 'running' } });
        if (removed.deletedCount > 0) logger.info({ removed: removed.deletedCount }, 'old runs removed');
      }
    } catch (error) {
      logger.warn({ err: error }, 'run sweep failed');
    } finally {
      running = false;
    }
  }

  const timer = setInterval(() => void sweep(), deps.everyMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    sweep,
  };
}
