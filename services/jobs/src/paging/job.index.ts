import { findEachById, type Logger } from '@jobwire/service-kit';
import type { JobDocument, JobModel } from '../jobs/job.model.js';
import { createFullReload } from './full.reload.js';
import { createSortedList, newestFirst } from './sorted.list.js';

/** A job listing's filters, as DESIGN §3.1 lists them. */
export interface JobFilter {
  /** Substring of the name, case-sensitive (a literal, not a pattern). */
  jobName?: string;
  handlerName?: string;
  status?: 0 | 1;
  createdFrom?: Date;
  createdTo?: Date;
}

export interface JobIndex {
  /**
   * One page in listing order (newest first, then `_id` descending) and the number of
   * matches; undefined while the index is not loaded, so the caller asks the database.
   */
  page(filter: JobFilter, skip: number, limit: number): Promise<{ records: JobDocument[]; total: number } | undefined>;
  /** These jobs changed (every job when undefined): they are read again before the next page. */
  changed(ids: readonly string[] | undefined): void;
  /**
   * Reads every job in the background (again after a failure): pages go
   * to the database until the first read is done, then on from the index meanwhile.
   */
  start(): void;
  close(): void;
}

function matchesJobFilter(job: JobDocument, filter: JobFilter): boolean {
  if (filter.jobName !== undefined && !job.jobName.includes(filter.jobName)) return false;
  if (filter.handlerName !== undefined && job.handlerName !== filter.handlerName) return false;
  if (filter.status !== undefined && job.status !== filter.status) return false;
  if (filter.createdFrom !== undefined && job.createTime < filter.createdFrom) return false;
  if (filter.createdTo !== undefined && job.createTime > filter.createdTo) return false;
  return true;
}

/**
 * Every job definition in memory, in listing order, for paging: on FerretDB's SQLite
 * backend a sorted, filtered page read every job (a 100,000-job listing took tens of
 * seconds), here it is a scan of memory. A replica reads all jobs at start (pages go to
 * the database meanwhile), then reads again by `_id` each job it is told changed: every
 * write through any replica announces its ids (`jobs.cache.invalidate`), and a page waits
 * for the re-reads announced before it, so a listing after a write shows it whichever
 * replica answers. A full read after each NATS reconnect and every `reloadMs` repairs
 * anything an announcement missed.
 */
export function createJobIndex(options: { jobs: JobModel; logger: Logger; reloadMs: number }): JobIndex {
  const { jobs, logger } = options;
  const list = createSortedList<JobDocument>((job) => job._id, newestFirst);
  let loaded = false;
  /** Changed since last read; while a full read runs, also kept to be read after it. */
  const dirty = new Set<string>();
  const changedDuringLoad = new Set<string>();
  let reading: Promise<void> | undefined;
  /** A full read asked for by an announcement ("any job changed"): pages wait for it. */
  let announcedLoad: Promise<void> | undefined;

  /** Reads the dirty jobs by `_id` (each lookup reaches SQLite) until none is left. */
  function readDirty(): Promise<void> {
    reading ??= (async () => {
      try {
        while (dirty.size > 0) {
          const ids = [...dirty].slice(0, 100);
          const found = await findEachById(jobs, ids);
          ids.forEach((id, i) => {
            dirty.delete(id);
            list.put(id, found[i] ?? null);
          });
        }
      } finally {
        reading = undefined;
      }
    })();
    return reading;
  }

  async function load(): Promise<void> {
    changedDuringLoad.clear();
    const all = await jobs.find({}).lean();
    list.replaceAll(all);
    loaded = true;
    for (const id of changedDuringLoad) dirty.add(id);
    changedDuringLoad.clear();
    logger.info({ jobs: all.length }, 'job listing index loaded');
  }
  const reload = createFullReload({ read: load, everyMs: options.reloadMs, logger, what: 'job listing index' });

  return {
    async page(filter, skip, limit) {
      if (!loaded) return undefined;
      // Changes announced before this call are read first (a failure here is the
      // database being away, answered as such; the ids stay dirty for the next call).
      if (announcedLoad !== undefined) await announcedLoad;
      if (dirty.size > 0 || reading !== undefined) await readDirty();
      let total = 0;
      const records: JobDocument[] = [];
      for (const job of list.items()) {
        if (!matchesJobFilter(job, filter)) continue;
        if (total >= skip && records.length < limit) records.push(job);
        total += 1;
      }
      return { records, total };
    },
    changed(ids) {
      if (ids === undefined) {
        // A full read already under way may have begun before the change: read after it.
        const announced = reload
          .after()
          .catch(() => {
            // Unknown contents: pages ask the database until a read succeeds.
            loaded = false;
          })
          .finally(() => {
            if (announcedLoad === announced) announcedLoad = undefined;
          });
        announcedLoad = announced;
        return;
      }
      for (const id of ids) {
        dirty.add(id);
        if (reload.current() !== undefined) changedDuringLoad.add(id);
      }
      if (loaded) void readDirty().catch((error: unknown) => logger.warn({ err: error }, 'changed jobs could not be read yet'));
    },
    start: () => reload.run(),
    close: () => reload.close(),
  };
}
