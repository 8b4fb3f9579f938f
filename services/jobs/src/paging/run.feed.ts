import { broadcastSubjects, RunsChangedSchema } from '@jobwire/contracts';
import type { Logger } from '@jobwire/service-kit';
import type { NatsConnection } from '@nats-io/nats-core';
import type { RunDocument, RunState } from '../runs/run.model.js';
import type { ListingCache } from './listing.cache.js';
import type { RunIndex, RunsChanged } from './run.index.js';

export interface RunFeed {
  added(run: Pick<RunDocument, '_id' | 'jobId' | 'runState' | 'createTime'>): void;
  state(runId: string, runState: RunState): void;
  deleted(runIds: readonly string[]): void;
  /** The retention removed every finished run created before `cutoff`. */
  removedBefore(cutoff: Date): void;
  close(): void;
}

/** How long changes gather before they go out in one message. */
const FLUSH_MS = 20;
const MAX_BATCH = 500;

/**
 * Run writes, told to every replica: applied to this replica's run index at once and
 * broadcast on `jobs.runs.changed` in batches; every replica applies what the others
 * send (validated with the contract). Deletions also clear the kept run listings
 * everywhere, so deleted runs never show again.
 */
export function createRunFeed(options: { nc: NatsConnection; origin: string; index: RunIndex | undefined; listings: ListingCache; logger: Logger }): RunFeed {
  const { nc, index, listings, logger, origin } = options;
  let pending: RunsChanged = empty();
  let timer: NodeJS.Timeout | undefined;

  function empty(): RunsChanged {
    return { added: [], states: [], deleted: [] };
  }
  function flush(): void {
    timer = undefined;
    const batch = pending;
    pending = empty();
    if (nc.isClosed() || nc.isDraining()) return;
    nc.publish(broadcastSubjects.jobsRunsChanged, JSON.stringify({ origin, ...batch }));
  }
  /** Here, and in every replica on the broadcast. */
  function apply(change: RunsChanged): void {
    index?.apply(change);
    if (change.deleted.length > 0 || change.removedBefore !== undefined) listings.clear('runs');
  }
  function record(change: Partial<RunsChanged>): void {
    const whole = { ...empty(), ...change };
    apply(whole);
    pending.added.push(...whole.added);
    pending.states.push(...whole.states);
    pending.deleted.push(...whole.deleted);
    if (whole.removedBefore !== undefined) pending.removedBefore = whole.removedBefore;
    // Deletions go out at once: a listing right after them, on any replica, must not show them.
    const size = pending.added.length + pending.states.length + pending.deleted.length;
    if (whole.deleted.length > 0 || size >= MAX_BATCH) {
      clearTimeout(timer);
      flush();
    } else timer ??= setTimeout(flush, FLUSH_MS);
  }

  const subscription = nc.subscribe(broadcastSubjects.jobsRunsChanged, {
    // A callback, not an iterator: applied before any request this replica receives after it.
    callback: (_error, msg) => {
      let parsed;
      try {
        parsed = RunsChangedSchema.safeParse(msg.json());
      } catch {
        parsed = undefined;
      }
      if (parsed?.success !== true) {
        logger.warn({ subject: msg.subject }, 'a run change that breaks its contract was ignored');
        return;
      }
      if (parsed.data.origin !== origin) apply(parsed.data);
    },
  });

  return {
    added: (run) => record({ added: [{ id: run._id, jobId: run.jobId, runState: run.runState, createTime: run.createTime.toISOString() }] }),
    state: (runId, runState) => record({ states: [{ id: runId, runState }] }),
    deleted: (runIds) => {
      for (let i = 0; i < runIds.length; i += MAX_BATCH) record({ deleted: runIds.slice(i, i + MAX_BATCH) });
    },
    removedBefore: (cutoff) => record({ removedBefore: cutoff.toISOString() }),
    close() {
      if (timer !== undefined) {
        clearTimeout(timer);
        flush();
      }
      subscription.unsubscribe();
    },
  };
}
