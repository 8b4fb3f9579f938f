import { retryWhileStoreUnavailable } from '@jobwire/service-kit';
import type { RunFeed } from '../paging/run.feed.js';
import type { ActiveRunModel, RunDocument, RunModel } from './run.model.js';

export type RunOutcome = Pick<RunDocument, 'runState'> & Partial<Pick<RunDocument, 'cause' | 'endTime' | 'durationMs' | 'executor' | 'output'>>;

export interface RunStores {
  runs: RunModel;
  active: ActiveRunModel;
  /** Told of the outcome once it is written, for every replica's run listings. */
  feed?: Pick<RunFeed, 'state'>;
}

/**
 * Finishes a running run exactly once. Whoever removes the run's entry in `job_runs_active`
 * (its dispatcher, a shutdown, or a sweeper giving up on a stopped scheduler) owns its
 * outcome; everyone else leaves the record alone. The record is then updated by `_id`
 * alone: FerretDB's SQLite backend evaluates any other filter by reading every stored
 * run, which grows with the history, while an `_id` filter is handed to SQLite.
 * A process that dies between the two writes leaves a `running` record without an
 * entry; the sweeper finds those (see findOrphans).
 */
export async function finishRun(stores: RunStores, runId: string, outcome: RunOutcome, retryForMs = 0): Promise<boolean> {
  const { runs, active } = stores;
  // With `retryForMs`, a database that is away for a moment delays the outcome instead of
  // losing it (the run stays held, so no sweeper takes it meanwhile).
  let attempts = 0;
  const removed = await retryWhileStoreUnavailable(() => {
    attempts += 1;
    return active.deleteOne({ _id: runId });
  }, retryForMs);
  if (removed.deletedCount !== 1) {
    // A removal whose answer was lost with the connection may have been this one: the
    // retry then finds no entry, and a record still running has no one else to end it.
    if (attempts === 1) return false;
    const record = await retryWhileStoreUnavailable(() => runs.findById(runId, { runState: 1 }).lean(), retryForMs);
    if (record?.runState !== 'running') return false;
  }
  await retryWhileStoreUnavailable(() => runs.updateOne({ _id: runId }, { $set: outcome }), retryForMs);
  stores.feed?.state(runId, outcome.runState);
  return true;
}
