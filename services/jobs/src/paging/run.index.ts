import type { RunsChangedSchema } from '@jobwire/contracts';
import type { Logger } from '@jobwire/service-kit';
import type { z } from 'zod';
import type { RunModel, RunState } from '../runs/run.model.js';
import { createFullReload } from './full.reload.js';
import { createSortedList, newestFirst } from './sorted.list.js';

export type RunsChanged = Omit<z.output<typeof RunsChangedSchema>, 'origin'>;

/** What a run listing filters on. */
export interface RunSummary {
  _id: string;
  jobId: string;
  runState: RunState;
  createTime: Date;
}

export interface RunFilter {
  jobId?: string;
  /** true: succeeded only; false: anything else. */
  succeeded?: boolean;
  createdFrom?: Date;
  createdTo?: Date;
}

export interface RunIndex {
  /**
   * The ids of one page in listing order and the number of matches; undefined when the
   * index cannot answer (not loaded yet, or more runs than it may hold).
   */
  page(filter: RunFilter, skip: number, limit: number): { ids: string[]; total: number } | undefined;
  apply(change: RunsChanged): void;
  /** Reads every run's summary (again after a failure); pages go to the database until then. */
  start(): void;
  close(): void;
}

function matchesRunFilter(run: RunSummary, filter: RunFilter): boolean {
  if (filter.jobId !== undefined && run.jobId !== filter.jobId) return false;
  if (filter.succeeded !== undefined && (run.runState === 'succeeded') !== filter.succeeded) return false;
  if (filter.createdFrom !== undefined && run.createTime < filter.createdFrom) return false;
  if (filter.createdTo !== undefined && run.createTime > filter.createdTo) return false;
  return true;
}

/**
 * A summary of every run (id, job, state, creation time) in memory, in listing order: on
 * FerretDB's SQLite backend a run listing read the whole run history per page. Replicas
 * tell each other what they wrote (`jobs.runs.changed`, see run.feed.ts); a full read
 * after each NATS reconnect and every `reloadMs` repairs anything missed. With more than
 * `maxRuns` runs stored the index stands aside and listings ask the database.
 */
export function createRunIndex(options: { runs: RunModel; logger: Logger; reloadMs: number; maxRuns: number }): RunIndex {
  const { runs, logger } = options;
  const list = createSortedList<RunSummary>((run) => run._id, newestFirst);
  let loaded = false;
  let overflow = false;
  /** Changes heard while a full read runs, applied again over its result. */
  let heardDuringLoad: RunsChanged[] = [];

  function applyTo(change: RunsChanged): void {
    for (const run of change.added) {
      if (list.get(run.id)?.runState !== undefined && run.runState === 'running') continue;
      list.put(run.id, { _id: run.id, jobId: run.jobId, runState: run.runState, createTime: new Date(run.createTime) });
    }
    for (const { id, runState } of change.states) {
      const known = list.get(id);
      if (known !== undefined) known.runState = runState;
    }
    for (const id of change.deleted) list.put(id, null);
    if (change.removedBefore !== undefined) {
      const cutoff = new Date(change.removedBefore);
      const removed = list.items().filter((run) => run.createTime < cutoff && run.runState !== 'running');
      for (const run of removed) list.put(run._id, null);
    }
    if (list.size > options.maxRuns) overflow = true;
  }

  async function load(): Promise<void> {
    heardDuringLoad = [];
    const all = await runs.find({}, { _id: 1, jobId: 1, runState: 1, createTime: 1 }).limit(options.maxRuns + 1).lean<RunSummary[]>();
    overflow = all.length > options.maxRuns;
    list.replaceAll(overflow ? [] : all);
    for (const change of heardDuringLoad) applyTo(change);
    heardDuringLoad = [];
    loaded = true;
    logger.info({ runs: all.length, overflow }, 'run listing index loaded');
  }

  const reload = createFullReload({ read: load, everyMs: options.reloadMs, logger, what: 'run listing index' });

  return {
    page(filter, skip, limit) {
      if (!loaded || overflow) return undefined;
      let total = 0;
      const ids: string[] = [];
      for (const run of list.items()) {
        if (!matchesRunFilter(run, filter)) continue;
        if (total >= skip && ids.length < limit) ids.push(run._id);
        total += 1;
      }
      return { ids, total };
    },
    apply(change) {
      if (reload.current() !== undefined) heardDuringLoad.push(change);
      applyTo(change);
    },
    start: () => reload.run(),
    close: () => reload.close(),
  };
}
