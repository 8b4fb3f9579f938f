import { AppError, type JobPageQuerySchema, type NextTriggerQuerySchema } from '@jobwire/contracts';
import { formatInZone } from '@jobwire/cron';
import type { QueryFilter } from 'mongoose';
import type { z } from 'zod';
import { scheduleOf } from '../cron/cron.validation.js';
import type { ListingCache } from '../paging/listing.cache.js';
import { literalPattern, pageOf, timeRange, withinTimeLimit } from '../paging/page.js';
import type { ScheduleStore } from '../schedule/schedule.store.js';
import type { JobDocument, JobModel } from './job.model.js';
import { presentJob, type JobView } from './job.presenter.js';

export interface JobQueryDeps {
  jobs: JobModel;
  schedules: ScheduleStore;
  defaultTimeZone: string;
  /** maxTimeMS of listing queries: under the NATS request timeout. */
  queryTimeLimitMs: number;
  listings: ListingCache;
}

type PageQuery = z.output<typeof JobPageQuerySchema>;

/** Jobs newest first, filtered as DESIGN §3.1 lists; time bounds are read in the default zone. */
export async function pageJobs(deps: JobQueryDeps, query: PageQuery) {
  const filter: QueryFilter<JobDocument> = {};
  if (query.jobName !== undefined && query.jobName !== '') filter.jobName = { $regex: literalPattern(query.jobName) };
  if (query.handlerName !== undefined && query.handlerName !== '') filter.handlerName = query.handlerName;
  if (query.status !== undefined) filter.status = query.status === 1 ? 1 : 0;
  const range = timeRange(query.beginTime, query.endTime, deps.defaultTimeZone);
  if (range !== undefined) filter.createTime = range;
  const skip = (query.current - 1) * query.pageSize;
  const limit = deps.queryTimeLimitMs;
  // The jobs themselves may come from a listing shared with other callers; their next fire
  // times (which move with every fire) are read for each call.
  const [records, total] = await deps.listings.get('jobs', JSON.stringify(query), () =>
    Promise.all([
      withinTimeLimit(deps.jobs.find(filter).sort({ createTime: -1, _id: -1 }).skip(skip).limit(query.pageSize).maxTimeMS(limit).lean(), limit),
      withinTimeLimit(deps.jobs.countDocuments(filter).maxTimeMS(limit), limit),
    ]),
  );
  const started = records.filter((job) => job.status === 1).map((job) => job._id);
  const fires = await deps.schedules.nextFires(started);
  return pageOf(
    records.map((job) => presentJob(job, fires.get(job._id) ?? null)),
    total,
    query.current,
    query.pageSize,
  );
}

export async function jobInfo(deps: JobQueryDeps, id: string): Promise<JobView> {
  const job = await deps.jobs.findById(id).lean();
  if (job === null) throw new AppError('JOBS_NOT_FOUND', `No job with id ${id}.`);
  const fires = job.status === 1 ? await deps.schedules.nextFires([id]) : new Map<string, Date | null>();
  return presentJob(job, fires.get(id) ?? null);
}

/** The next `count` fire times after `after` (default now), as wall-clock times in the zone. */
export function nextTriggerTimes(deps: Pick<JobQueryDeps, 'defaultTimeZone'>, query: z.output<typeof NextTriggerQuerySchema>): string[] {
  const zone = query.timezone ?? deps.defaultTimeZone;
  const schedule = scheduleOf(query.cronExpress, zone, 'cronExpress');
  const after = query.after === undefined ? new Date() : new Date(query.after);
  return schedule.nextTimes(after, query.count).map((time) => formatInZone(time, zone));
}
