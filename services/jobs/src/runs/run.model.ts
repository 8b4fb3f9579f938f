import { Schema, type Connection, type Model } from 'mongoose';

export type RunState = 'running' | 'succeeded' | 'failed' | 'timeout' | 'skipped';
export type RunTrigger = 'cron' | 'manual';

/** One attempt of one fire of a job. */
export interface RunDocument {
  _id: string;
  jobId: string;
  jobName: string;
  handlerName: string;
  /** The job's zone when the run was made, for presenting times. */
  timezone: string;
  runState: RunState;
  cause: string | null;
  trigger: RunTrigger;
  scheduledTime: Date;
  startTime: Date | null;
  endTime: Date | null;
  durationMs: number | null;
  executor: string | null;
  attempt: number;
  misfired: boolean;
  output: string | null;
  /** The scheduler replica that dispatched it. */
  scheduler: string;
  createTime: Date;
}

const runSchema = new Schema<RunDocument>(
  {
    _id: { type: String, required: true },
    jobId: { type: String, required: true },
    jobName: { type: String, required: true },
    handlerName: { type: String, required: true },
    timezone: { type: String, required: true },
    runState: { type: String, enum: ['running', 'succeeded', 'failed', 'timeout', 'skipped'], required: true },
    cause: { type: String, default: null },
    trigger: { type: String, enum: ['cron', 'manual'], required: true },
    scheduledTime: { type: Date, required: true },
    startTime: { type: Date, default: null },
    endTime: { type: Date, default: null },
    durationMs: { type: Number, default: null },
    executor: { type: String, default: null },
    attempt: { type: Number, required: true },
    misfired: { type: Boolean, default: false },
    output: { type: String, default: null },
    scheduler: { type: String, required: true },
    createTime: { type: Date, required: true },
  },
  { collection: 'job_runs', versionKey: false },
);
runSchema.index({ jobId: 1, startTime: -1 });
runSchema.index({ createTime: -1 });

export type RunModel = Model<RunDocument>;

export function runModel(connection: Connection): RunModel {
  return connection.model<RunDocument>('JobRun', runSchema);
}

/**
 * A run going on now: one small document per running run, so "is this job running?" and
 * "whose runs were abandoned?" are answered without scanning the run history (FerretDB's
 * SQLite backend filters only on `_id` without reading every document).
 */
export interface ActiveRunDocument {
  _id: string;
  jobId: string;
  scheduler: string;
  startTime: Date;
  /** Until when the scheduler vouches for the run; renewed while it goes on. */
  leaseUntil: Date;
}

const activeRunSchema = new Schema<ActiveRunDocument>(
  {
    _id: { type: String, required: true },
    jobId: { type: String, required: true },
    scheduler: { type: String, required: true },
    startTime: { type: Date, required: true },
    leaseUntil: { type: Date, required: true },
  },
  { collection: 'job_runs_active', versionKey: false },
);
activeRunSchema.index({ jobId: 1 });

export type ActiveRunModel = Model<ActiveRunDocument>;

export function activeRunModel(connection: Connection): ActiveRunModel {
  return connection.model<ActiveRunDocument>('ActiveJobRun', activeRunSchema);
}
