import { z } from 'zod';
import { IdListSchema, IdSchema, OpenJobDateTimeSchema, PageQueryShape, pageSchema, queryInt, TimeZoneSchema } from './common.schema.js';

export const JobStatusSchema = z.union([z.literal(0), z.literal(1)]).meta({ description: '1 started, 0 stopped' });

export const HandlerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, . _ or -')
  .meta({ example: 'echo' });

export const CronExpressionSchema = z
  .string()
  .min(1, 'is required')
  .max(120, 'must be at most 120 characters')
  .meta({ description: 'Quartz (6 or 7 fields) or Unix (5 fields) cron.', example: '0 0/5 * * * ?' });

export const JobSchema = z.object({
  id: z.string(),
  jobName: z.string(),
  handlerName: z.string(),
  cronExpression: z.string(),
  params: z.string().nullable(),
  timezone: z.string(),
  status: JobStatusSchema,
  timeoutSeconds: z.number().int(),
  retries: z.number().int(),
  misfirePolicy: z.enum(['fire-once', 'skip']),
  allowOverlap: z.boolean(),
  /** The next fire time in the job's zone; null when stopped or when it never fires again. */
  nextFireTime: OpenJobDateTimeSchema.nullable(),
  createTime: OpenJobDateTimeSchema,
  updateTime: OpenJobDateTimeSchema,
  createUser: z.string().nullable(),
  updateUser: z.string().nullable(),
});

const jobFields = {
  jobName: z.string().min(1, 'is required').max(64, 'must be at most 64 characters'),
  handlerName: HandlerNameSchema,
  cronExpression: CronExpressionSchema,
  params: z.string().max(4096, 'must be at most 4096 characters').nullable().optional().meta({ description: 'Handler parameters, usually JSON text.' }),
  timezone: TimeZoneSchema.optional(),
  timeoutSeconds: z.number().int().min(1).max(86_400).optional(),
  retries: z.number().int().min(0).max(10).optional().meta({ description: 'Extra attempts after a failed or timed-out one, with exponential backoff.' }),
  misfirePolicy: z
    .enum(['fire-once', 'skip'])
    .optional()
    .meta({ description: 'After scheduler downtime: run once for all missed fires (default, as Quartz) or skip them.' }),
  allowOverlap: z.boolean().optional().meta({ description: 'Start a fire while the previous run is still running (default false: the fire is recorded as skipped).' }),
};

export const JobCreateBodySchema = z.object(jobFields);
export const JobCreatedSchema = z.object({ id: z.string() });

export const JobUpdateBodySchema = z.object({
  id: IdSchema,
  jobName: jobFields.jobName.optional(),
  handlerName: jobFields.handlerName.optional(),
  cronExpression: jobFields.cronExpression.optional(),
  params: jobFields.params,
  timezone: jobFields.timezone,
  timeoutSeconds: jobFields.timeoutSeconds,
  retries: jobFields.retries,
  misfirePolicy: jobFields.misfirePolicy,
  allowOverlap: jobFields.allowOverlap,
});

export const IdParamsSchema = z.object({ id: IdSchema });
export const IdBodySchema = z.object({ id: IdSchema });
export const IdsBodySchema = z.object({ ids: IdListSchema });

/** `jobs.delete`: one id from the path or a batch from the body; all or nothing. */
export const JobDeleteRequestSchema = z
  .object({ id: IdSchema.optional(), ids: IdListSchema.optional() })
  .superRefine((value, ctx) => {
    if (value.id === undefined && value.ids === undefined) ctx.addIssue({ code: 'custom', path: ['ids'], message: 'id or ids is required' });
  });

/** Status 1/0 and a `createTime` range, shared by the job and run lists. */
const statusAndRangeShape = {
  status: z.union([z.literal(0), z.literal(1), z.enum(['0', '1']).transform(Number)]).optional(),
  beginTime: OpenJobDateTimeSchema.optional(),
  endTime: OpenJobDateTimeSchema.optional(),
  ...PageQueryShape,
};

export const JobPageQuerySchema = z.object({
  jobName: z.string().max(64).optional(),
  handlerName: z.string().max(64).optional(),
  ...statusAndRangeShape,
});
export const JobPageSchema = pageSchema(JobSchema);

export const NextTriggerQuerySchema = z.object({
  cronExpress: CronExpressionSchema,
  count: queryInt(1, 100).default(5),
  timezone: TimeZoneSchema.optional(),
  after: z.iso.datetime({ offset: true }).optional().meta({ description: 'ISO-8601 instant; default now.' }),
});
export const NextTriggerTimesSchema = z.array(OpenJobDateTimeSchema);

export const RunStateSchema = z.enum(['running', 'succeeded', 'failed', 'timeout', 'skipped']);

export const RunSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  jobName: z.string(),
  handlerName: z.string(),
  status: z.union([z.literal(0), z.literal(1)]).meta({ description: '1 succeeded, 0 not' }),
  runState: RunStateSchema,
  cause: z.string().nullable(),
  createTime: OpenJobDateTimeSchema,
  trigger: z.enum(['cron', 'manual']),
  scheduledTime: OpenJobDateTimeSchema,
  startTime: OpenJobDateTimeSchema.nullable(),
  endTime: OpenJobDateTimeSchema.nullable(),
  durationMs: z.number().int().nullable(),
  executor: z.string().nullable(),
  attempt: z.number().int(),
  /** True when the fire stood for one or more fires missed while no scheduler ran. */
  misfired: z.boolean(),
  /** The executor's answer on success (its JSON, as text). */
  output: z.string().nullable(),
});

export const RunPageQuerySchema = z.object({
  jobId: IdSchema.optional(),
  taskId: IdSchema.optional().meta({ description: 'Alias of jobId sent by the Open-Job admin.' }),
  ...statusAndRangeShape,
});
export const RunPageSchema = pageSchema(RunSchema);

export const ExecutorSchema = z.object({
  instanceId: z.string(),
  handlers: z.array(z.string()),
  version: z.string().nullable(),
  host: z.string().nullable(),
  startedAt: z.string().nullable(),
});
export const ExecutorListSchema = z.array(ExecutorSchema);

/** `jobs.exec.<handlerName>` request: one attempt of one run. Times are ISO-8601 instants. */
export const ExecRequestSchema = z.object({
  runId: z.string(),
  jobId: z.string(),
  params: z.string().nullable(),
  scheduledTime: z.iso.datetime(),
  attempt: z.number().int().min(1),
  deadline: z.iso.datetime(),
  /**
   * Where the executor says "still running this" (ExecBeatSchema) as soon as it takes the
   * run and then every `everyMs`: a run whose beats stop lost its executor. Optional, so
   * executors that do not beat still serve; their runs end at the deadline.
   */
  beat: z.object({ subject: z.string().min(1).max(256), everyMs: z.number().int().min(100).max(60_000) }).optional(),
});

/** A beat of a running run, published to the request's `beat.subject`. */
export const ExecBeatSchema = z.object({
  runId: z.string(),
  attempt: z.number().int().min(1),
  executor: z.string().max(128),
});

/** The executor's answer. `output` is any JSON value; `error` says why it failed. */
export const ExecReplySchema = z.object({
  status: z.enum(['succeeded', 'failed']),
  output: z.unknown().optional(),
  error: z.string().max(4096).optional(),
  /** The Services API id of the instance that ran it. */
  executor: z.string().max(128).optional(),
});

/** `jobs.runs.held.<instanceId>` request and answer: which of these runs the replica is running. */
export const RunsHeldRequestSchema = z.object({ runIds: z.array(z.string().min(1).max(64)).min(1).max(500) });
export const RunsHeldReplySchema = z.object({ held: z.array(z.string()) });

/**
 * `jobs.runs.changed` (broadcast): run records a replica wrote, so every replica's run
 * listing index follows: new runs, new states, deleted ids, and runs removed by the
 * retention (every finished run created before `removedBefore`).
 */
export const RunsChangedSchema = z.object({
  /** The writing replica, which has applied its own changes already. */
  origin: z.string().min(1).max(128),
  added: z.array(z.object({ id: z.string().min(1).max(64), jobId: z.string().min(1).max(64), runState: RunStateSchema, createTime: z.iso.datetime() })).max(1000).default([]),
  states: z.array(z.object({ id: z.string().min(1).max(64), runState: RunStateSchema })).max(1000).default([]),
  deleted: z.array(z.string().min(1).max(64)).max(1000).default([]),
  removedBefore: z.iso.datetime().optional(),
});

/** Metadata every executor instance registers with the Services API. */
export const EXECUTOR_METADATA_KEYS = { handlers: 'handlers', host: 'host', startedAt: 'started_at' } as const;
