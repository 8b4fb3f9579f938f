import { AppError, type JobPageQuerySchema, type NextTriggerQuerySchema } from '@jobwire/contracts';
import { formatInZone } from '@jobwire/cron';
import type { QueryFilter } from 'mongoose';
import type { z } from 'zod';
import { scheduleOf } from '../cron/cron.validation.js';
import type { JobFilter, JobIndex } from '../paging/job.index.js';
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
  /** Every job in memory for paging (JOB_INDEX); pages go to the database without it. */
  index?: JobIndex;
}

type PageQuery = z.output<typeof JobPageQuerySchema>;

/** Jobs newest first, filtered as DESIGN §3.1 lists; time bounds are read in the default zone. */
export async function pageJobs(deps: JobQueryDeps, query: PageQuery) {
  const wanted: JobFilter = {};
  if (query.jobName !== undefined && query.jobName !== '') wanted.jobName = query.jobName;
  if (query.handlerName !== undefined && query.handlerName !== '') wanted.handlerName = query.handlerName;
  if (query.status !== undefined) wanted.status = query.status === 1 ? 1 : 0;
  const range = timeRange(query.beginTime, query.endTime, deps.defaultTimeZone);
  if (range?.$gte !== undefined) wanted.createdFrom = range.$gte;
  if (range?.$lte !== undefined) wanted.createdTo = range.$lte;
  const skip = (query.current - 1) * query.pageSize;
  const indexed = await deps.index?.page(wanted, skip, query.pageSize);
  const { records, total } = indexed ?? (await deps.listings.get('jobs', JSON.stringify(query), () => queryJobPage(deps, wanted, skip, query.pageSize)));
  // Next fire times move with every fire: read for each call.
  const started = records.filter((job) => job.status === 1).map((job) => job._id);
  const fires = await deps.schedules.nextFires(started);
  return pageOf(
    records.map((job) => presentJob(job, fires.get(job._id) ?? null)),
    total,
    query.current,
    query.pageSize,
  );
}

/** The same page from the database (before the index is loaded, or with JOB_INDEX off). */
async function queryJobPage(deps: JobQueryDeps, wanted: JobFilter, skip: number, pageSize: number): Promise<{ records: JobDocument[]; total: number }> {
  const filter: QueryFilter<JobDocument> = {};
  if (wanted.jobName !== undefined) filter.jobName = { $regex: literalPattern(wanted.jobName) };
  if (wanted.handlerName !== undefined) filter.handlerName = wanted.handlerName;
  if (wanted.status !== undefined) filter.status = wanted.status;
  if (wanted.createdFrom !== undefined || wanted.createdTo !== undefined) {
    filter.createTime = { ...(wanted.createdFrom === undefined ? {} : { $gte: wanted.createdFrom }), ...(wanted.createdTo === undefined ? {} : { $lte: wanted.createdTo }) };
  }
  const limit = deps.queryTimeLimitMs;
  const [records, total] = await Promise.all([
    withinTimeLimit(deps.jobs.find(filter).sort({ createTime: -1, _id: -1 }).skip(skip).limit(pageSize).maxTimeMS(limit).lean(), limit),
    withinTimeLimit(deps.jobs.countDocuments(filter).maxTimeMS(limit), limit),
  ]);
  return { records, total };
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
