import { AppError, type IdsBodySchema, type RunPageQuerySchema } from '@jobwire/contracts';
import { deleteByIds, findByIds } from '@jobwire/service-kit';
import type { QueryFilter } from 'mongoose';
import type { z } from 'zod';
import type { ListingCache } from '../paging/listing.cache.js';
import type { RunFeed } from '../paging/run.feed.js';
import type { RunFilter, RunIndex } from '../paging/run.index.js';
import { pageOf, timeRange, withinTimeLimit } from '../paging/page.js';
import type { RunDocument, RunModel } from './run.model.js';
import { presentRun, type RunView } from './run.presenter.js';

export interface RunQueryDeps {
  runs: RunModel;
  defaultTimeZone: string;
  /** maxTimeMS of listing queries: under the NATS request timeout. */
  queryTimeLimitMs: number;
  listings: ListingCache;
  /** Every run's summary in memory for paging (RUN_INDEX); pages go to the database without it. */
  runIndex?: RunIndex;
  /** Tells every replica of deleted runs. */
  feed: Pick<RunFeed, 'deleted'>;
}

/**
 * Runs newest first; `status` 1 = succeeded, 0 = anything else, as the Open-Job admin
 * filters. The same listing asked again within RUN_LISTING_MAX_AGE_MS gets the same answer.
 */
export function pageRuns(deps: RunQueryDeps, query: z.output<typeof RunPageQuerySchema>) {
  return deps.listings.get('runs', JSON.stringify(query), () => loadRunPage(deps, query));
}

async function loadRunPage(deps: RunQueryDeps, query: z.output<typeof RunPageQuerySchema>) {
  const wanted: RunFilter = {};
  const jobId = query.jobId ?? query.taskId;
  if (jobId !== undefined) wanted.jobId = jobId;
  if (query.status !== undefined) wanted.succeeded = query.status === 1;
  const range = timeRange(query.beginTime, query.endTime, deps.defaultTimeZone);
  if (range?.$gte !== undefined) wanted.createdFrom = range.$gte;
  if (range?.$lte !== undefined) wanted.createdTo = range.$lte;
  const skip = (query.current - 1) * query.pageSize;
  const indexed = deps.runIndex?.page(wanted, skip, query.pageSize);
  if (indexed !== undefined) {
    // Each record by `_id`, the one lookup FerretDB hands to SQLite; a run deleted
    // meanwhile is left out.
    const records = await findByIds(deps.runs, indexed.ids);
    return pageOf(records.map(presentRun), indexed.total, query.current, query.pageSize);
  }
  const filter: QueryFilter<RunDocument> = {};
  if (wanted.jobId !== undefined) filter.jobId = wanted.jobId;
  if (wanted.succeeded !== undefined) filter.runState = wanted.succeeded ? 'succeeded' : { $ne: 'succeeded' };
  if (range !== undefined) filter.createTime = range;
  const limit = deps.queryTimeLimitMs;
  const [records, total] = await Promise.all([
    withinTimeLimit(deps.runs.find(filter).sort({ createTime: -1, _id: -1 }).skip(skip).limit(query.pageSize).maxTimeMS(limit).lean(), limit),
    withinTimeLimit(deps.runs.countDocuments(filter).maxTimeMS(limit), limit),
  ]);
  return pageOf(records.map(presentRun), total, query.current, query.pageSize);
}

export async function runInfo(deps: RunQueryDeps, id: string): Promise<RunView> {
  const run = await deps.runs.findById(id).lean();
  if (run === null) throw new AppError('JOBS_RUN_NOT_FOUND', `No run with id ${id}.`);
  return presentRun(run);
}

/** Deletes finished runs; a run still running is kept (it is finished later) and named. */
export async function deleteRuns(deps: RunQueryDeps, request: z.output<typeof IdsBodySchema>): Promise<true> {
  const ids = [...new Set(request.ids)];
  const running = (await findByIds(deps.runs, ids, { _id: 1, runState: 1 })).filter((run) => run.runState === 'running');
  if (running.length > 0) {
    throw new AppError('CONFLICT', `Run ${running.map((run) => run._id).join(', ')} is still running; nothing was deleted.`, {
      details: running.map((run) => ({ path: 'ids', message: `${run._id} is running` })),
    });
  }
  await deleteByIds(deps.runs, ids);
  deps.feed.deleted(ids);
  return true;
}
