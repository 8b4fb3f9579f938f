import type { JobSchema } from '@jobwire/contracts';
import { formatInZone } from '@jobwire/cron';
import type { z } from 'zod';
import type { JobDocument } from './job.model.js';

export type JobView = z.input<typeof JobSchema>;

/** A job as the Open-Job API shows it: times in the job's zone, ids as strings. */
export function presentJob(job: JobDocument, nextFire: Date | null): JobView {
  return {
    id: job._id,
    jobName: job.jobName,
    handlerName: job.handlerName,
    cronExpression: job.cronExpression,
    params: job.params,
    timezone: job.timezone,
    status: job.status,
    timeoutSeconds: job.timeoutSeconds,
    retries: job.retries,
    misfirePolicy: job.misfirePolicy,
    allowOverlap: job.allowOverlap,
    nextFireTime: nextFire === null ? null : formatInZone(nextFire, job.timezone),
    createTime: formatInZone(job.createTime, job.timezone),
    updateTime: formatInZone(job.updateTime, job.timezone),
    createUser: job.createUser,
    updateUser: job.updateUser,
  };
}
