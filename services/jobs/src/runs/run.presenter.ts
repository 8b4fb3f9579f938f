import type { RunSchema } from '@jobwire/contracts';
import { formatInZone } from '@jobwire/cron';
import type { z } from 'zod';
import type { RunDocument } from './run.model.js';

export type RunView = z.input<typeof RunSchema>;

/** A run as the Open-Job admin renders it: status 1 succeeded / 0 not, times in the job's zone. */
export function presentRun(run: RunDocument): RunView {
  const at = (date: Date | null) => (date === null ? null : formatInZone(date, run.timezone));
  return {
    id: run._id,
    jobId: run.jobId,
    jobName: run.jobName,
    handlerName: run.handlerName,
    status: run.runState === 'succeeded' ? 1 : 0,
    runState: run.runState,
    cause: run.cause,
    createTime: formatInZone(run.scheduledTime, run.timezone),
    trigger: run.trigger,
    scheduledTime: formatInZone(run.scheduledTime, run.timezone),
    startTime: at(run.startTime),
    endTime: at(run.endTime),
    durationMs: run.durationMs,
    executor: run.executor,
    attempt: run.attempt,
    misfired: run.misfired,
    output: run.output,
  };
}
