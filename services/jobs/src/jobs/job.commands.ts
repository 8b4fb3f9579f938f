import { AppError, type JobCreateBodySchema, type JobDeleteRequestSchema, type JobUpdateBodySchema } from '@jobwire/contracts';
import { deleteByIds, findByIds, retryWhileStoreUnavailable, type EventPublisher, type IdGenerator } from '@jobwire/service-kit';
import type { z } from 'zod';
import { scheduleOf } from '../cron/cron.validation.js';
import type { ScheduleStore } from '../schedule/schedule.store.js';
import type { JobCache } from './job.cache.js';
import { newJobDocument, type JobDocument, type JobModel } from './job.model.js';

export interface JobCommandDeps {
  jobs: JobModel;
  /** Told of every change, so no replica fires with an old definition. */
  cache: Pick<JobCache, 'invalidate'>;
  schedules: ScheduleStore;
  events: EventPublisher;
  ids: IdGenerator;
  defaultTimeZone: string;
  defaultTimeoutSeconds: number;
}

type CreateBody = z.output<typeof JobCreateBodySchema>;
type UpdateBody = z.output<typeof JobUpdateBodySchema>;
type DeleteRequest = z.output<typeof JobDeleteRequestSchema>;

async function findJob(deps: JobCommandDeps, id: string): Promise<JobDocument> {
  const job = await deps.jobs.findById(id).lean();
  if (job === null) throw new AppError('JOBS_NOT_FOUND', `No job with id ${id}.`);
  return job;
}

function nextFireFromNow(job: Pick<JobDocument, 'cronExpression' | 'timezone'>): Date | null {
  return scheduleOf(job.cronExpression, job.timezone).next(new Date());
}

/** How long a start's or a delete's writes wait out an unreachable database. */
const STORE_RETRY_MS = 20_000;

/** New jobs start stopped, as in Open-Job; `jobs.start` schedules them. */
export async function createJob(deps: JobCommandDeps, body: CreateBody, userId: string | undefined): Promise<{ id: string }> {
  const timezone = body.timezone ?? deps.defaultTimeZone;
  scheduleOf(body.cronExpression, timezone);
  const now = new Date();
  const job = newJobDocument({
    _id: deps.ids.next(),
    jobName: body.jobName,
    handlerName: body.handlerName,
    cronExpression: body.cronExpression.trim(),
    timezone,
    params: body.params ?? null,
    timeoutSeconds: body.timeoutSeconds ?? deps.defaultTimeoutSeconds,
    retries: body.retries ?? 0,
    misfirePolicy: body.misfirePolicy ?? 'fire-once',
    allowOverlap: body.allowOverlap ?? false,
    createTime: now,
    createUser: userId ?? null,
    updateUser: userId ?? null,
  });
  await deps.jobs.create(job);
  // Nothing holds the new job yet, but every replica's job listings are now out of date.
  deps.cache.invalidate([job._id]);
  await deps.events.publish('jobs.job.created', { jobId: job._id, jobName: job.jobName, handlerName: job.handlerName, cronExpression: job.cronExpression }, { subject: job._id });
  return { id: job._id };
}

/** Changes a job; a started job is rescheduled from now with its new expression. */
export async function updateJob(deps: JobCommandDeps, body: UpdateBody, userId: string | undefined): Promise<true> {
  const current = await findJob(deps, body.id);
  const changes: Partial<JobDocument> = {};
  if (body.jobName !== undefined) changes.jobName = body.jobName;
  if (body.handlerName !== undefined) changes.handlerName = body.handlerName;
  if (body.cronExpression !== undefined) changes.cronExpression = body.cronExpression.trim();
  if (body.params !== undefined) changes.params = body.params;
  if (body.timezone !== undefined) changes.timezone = body.timezone;
  if (body.timeoutSeconds !== undefined) changes.timeoutSeconds = body.timeoutSeconds;
  if (body.retries !== undefined) changes.retries = body.retries;
  if (body.misfirePolicy !== undefined) changes.misfirePolicy = body.misfirePolicy;
  if (body.allowOverlap !== undefined) changes.allowOverlap = body.allowOverlap;
  const next = { ...current, ...changes };
  const schedule = scheduleOf(next.cronExpression, next.timezone);
  const result = await deps.jobs.updateOne({ _id: current._id }, { $set: { ...changes, updateTime: new Date(), updateUser: userId ?? null } });
  if (result.matchedCount !== 1) throw new AppError('JOBS_NOT_FOUND', `No job with id ${body.id}.`);
  deps.cache.invalidate([current._id]);
  if (current.status === 1 && (changes.cronExpression !== undefined || changes.timezone !== undefined)) {
    await deps.schedules.set(current._id, schedule.next(new Date()));
  }
  await deps.events.publish('jobs.job.updated', { jobId: current._id, changed: Object.keys(changes) }, { subject: current._id });
  return true;
}

/** Deletes every named job or none: all ids are checked first. */
export async function deleteJobs(deps: JobCommandDeps, request: DeleteRequest): Promise<true> {
  const ids = [...new Set(request.ids ?? (request.id === undefined ? [] : [request.id]))];
  const found = await findByIds(deps.jobs, ids, { _id: 1 });
  if (found.length !== ids.length) {
    const known = new Set(found.map((job) => job._id));
    const missing = ids.filter((id) => !known.has(id));
    throw new AppError('JOBS_NOT_FOUND', `No job with id ${missing.join(', ')}; nothing was deleted.`, { details: missing.map((id) => ({ path: 'ids', message: `${id} does not exist` })) });
  }
  // The schedule goes first: a job can then never fire without its definition. Both
  // removals are idempotent and wait out a database that goes away, so a started job is
  // not left behind without its schedule.
  await retryWhileStoreUnavailable(() => deps.schedules.remove(ids), STORE_RETRY_MS);
  await retryWhileStoreUnavailable(() => deleteByIds(deps.jobs, ids), STORE_RETRY_MS);
  deps.cache.invalidate(ids);
  await Promise.all(ids.map((id) => deps.events.publish('jobs.job.deleted', { jobId: id }, { subject: id })));
  return true;
}

export async function startJob(deps: JobCommandDeps, id: string, userId: string | undefined): Promise<true> {
  const job = await findJob(deps, id);
  const next = nextFireFromNow(job);
  if (next === null) {
    throw new AppError('JOBS_CRON_INVALID', `The cron expression ${JSON.stringify(job.cronExpression)} never fires again; change it before starting the job.`, {
      details: [{ path: 'cronExpression', message: 'has no fire time after now' }],
    });
  }
  // The status first, so the first fire (which may be due at once) finds the job started.
  // Both writes wait out a database that goes away (each is idempotent, and a write may
  // land while its answer is lost with the connection); if it stays away, the status goes
  // back, so a started job is never left without its schedule.
  const setStatus = (status: number) => retryWhileStoreUnavailable(() => deps.jobs.updateOne({ _id: id }, { $set: { status, updateTime: new Date(), updateUser: userId ?? null } }), STORE_RETRY_MS);
  try {
    await setStatus(1);
    deps.cache.invalidate([id]);
    await retryWhileStoreUnavailable(() => deps.schedules.set(id, next), STORE_RETRY_MS);
  } catch (error) {
    await setStatus(job.status);
    deps.cache.invalidate([id]);
    throw error;
  }
  if (job.status !== 1) await deps.events.publish('jobs.job.started', { jobId: id, nextFireTime: next.toISOString() }, { subject: id });
  return true;
}

/** The status first: a stopped job's leftover schedule fires nothing (the fire handler removes it). */
export async function stopJob(deps: JobCommandDeps, id: string, userId: string | undefined): Promise<true> {
  const job = await findJob(deps, id);
  await deps.jobs.updateOne({ _id: id }, { $set: { status: 0, updateTime: new Date(), updateUser: userId ?? null } });
  deps.cache.invalidate([id]);
  await deps.schedules.set(id, null);
  if (job.status !== 0) await deps.events.publish('jobs.job.stopped', { jobId: id }, { subject: id });
  return true;
}

/** One manual run now, whether the job is started or not. */
export async function runJobOnce(deps: JobCommandDeps, id: string, userId: string | undefined): Promise<true> {
  await findJob(deps, id);
  await deps.schedules.runOnce(id, userId ?? null);
  return true;
}
