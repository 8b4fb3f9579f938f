import { Schema, type Connection, type Model } from 'mongoose';

export type MisfirePolicy = 'fire-once' | 'skip';

/** A job definition (DESIGN §5). The schedule itself lives in Agenda's collection. */
export interface JobDocument {
  _id: string;
  jobName: string;
  handlerName: string;
  cronExpression: string;
  timezone: string;
  params: string | null;
  /** 1 started, 0 stopped. */
  status: 0 | 1;
  timeoutSeconds: number;
  retries: number;
  misfirePolicy: MisfirePolicy;
  allowOverlap: boolean;
  createTime: Date;
  updateTime: Date;
  createUser: string | null;
  updateUser: string | null;
}

const jobSchema = new Schema<JobDocument>(
  {
    _id: { type: String, required: true },
    jobName: { type: String, required: true },
    handlerName: { type: String, required: true },
    cronExpression: { type: String, required: true },
    timezone: { type: String, required: true },
    params: { type: String, default: null },
    status: { type: Number, enum: [0, 1], required: true },
    timeoutSeconds: { type: Number, required: true },
    retries: { type: Number, required: true },
    misfirePolicy: { type: String, enum: ['fire-once', 'skip'], default: 'fire-once' },
    allowOverlap: { type: Boolean, default: false },
    createTime: { type: Date, required: true },
    updateTime: { type: Date, required: true },
    createUser: { type: String, default: null },
    updateUser: { type: String, default: null },
  },
  { collection: 'jobs', versionKey: false },
);
// Paging sorts by createTime; the filters narrow by handler or status first.
jobSchema.index({ createTime: -1, _id: -1 });
jobSchema.index({ handlerName: 1, createTime: -1 });
jobSchema.index({ status: 1, createTime: -1 });

/** A new job: the given fields, the rest as a new job starts (stopped, fire-once, no retries, no overlap). */
export function newJobDocument(fields: Pick<JobDocument, '_id' | 'jobName' | 'handlerName' | 'cronExpression' | 'timezone' | 'timeoutSeconds' | 'createTime'> & Partial<JobDocument>): JobDocument {
  return { params: null, status: 0, retries: 0, misfirePolicy: 'fire-once', allowOverlap: false, updateTime: fields.createTime, createUser: null, updateUser: null, ...fields };
}

export type JobModel = Model<JobDocument>;

export function jobModel(connection: Connection): JobModel {
  return connection.model<JobDocument>('Job', jobSchema);
}
