import { TimeZoneSchema } from '@jobwire/contracts';
import { baseConfigShape, healthConfigShape, loadConfig, mongoConfigShape } from '@jobwire/service-kit';
import { z } from 'zod';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** The jobs service's settings; the only reader of process.env in this service. */
export const jobsConfigSchema = z.object({
  ...baseConfigShape,
  ...mongoConfigShape,
  ...healthConfigShape(9103),
  DEFAULT_TIMEZONE: TimeZoneSchema.default('Asia/Shanghai'),
  /** Agenda's poll interval; announcements over NATS make new and run-once jobs start sooner. */
  SCHEDULER_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** How long a fire's lock holds before another replica may take over a crashed one. */
  SCHEDULER_LOCK_LIFETIME_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /** Fires handled at once per replica. */
  SCHEDULER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(100),
  /** A fire later than this is a misfire: it runs once (or is skipped) instead of catching up. Quartz's default is 60 s. */
  MISFIRE_THRESHOLD_MS: z.coerce.number().int().min(500).max(3_600_000).default(5000),
  /** A running run whose scheduler stops renewing it for this long is marked failed ("scheduler stopped"). */
  RUN_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(15_000),
  RUN_RETENTION_DAYS: z.coerce.number().min(0.0001).max(3650).default(7),
  /** Executors beat this often during a run; five missed beats in a row fail the run. */
  EXECUTOR_BEAT_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  /** First retry delay; each further retry waits twice as long (capped at 5 minutes). */
  RETRY_BACKOFF_MS: z.coerce.number().int().min(0).max(300_000).default(1000),
  DEFAULT_JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Agenda's collections go to `<database><suffix>` on the same server. */
  SCHEDULE_DB_SUFFIX: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).default('_schedule'),
  /** maxTimeMS of the job and run listings; by default a quarter second under NATS_REQUEST_TIMEOUT_MS. */
  QUERY_TIME_LIMIT_MS: z.coerce.number().int().min(1).max(600_000).optional(),
  /** Every job definition in memory for paging (a page on FerretDB otherwise reads every job). */
  JOB_INDEX: flag.default(true),
  /** How often the job and run indexes read everything again, repairing any change announcement they missed. */
  INDEX_RELOAD_MS: z.coerce.number().int().min(10_000).max(86_400_000).default(600_000),
  /** Every run's summary in memory for paging (a page on FerretDB otherwise reads the whole run history). */
  RUN_INDEX: flag.default(true),
  /** With more runs stored than this, the run index stands aside and listings ask the database. */
  RUN_INDEX_MAX_RUNS: z.coerce.number().int().min(1000).max(50_000_000).default(500_000),
  /** The same job listing is answered from one query until a job changes, at most this long (0: every call queries). */
  JOB_LISTING_MAX_AGE_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  /** The same run listing is answered from one query for this long (0: every call queries). */
  RUN_LISTING_MAX_AGE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** npm start sets it: a demo job on the sample executor's `echo` handler. */
  SEED_DEMO: flag.default(false),
}).superRefine((config, ctx) => {
  // Agenda locks fires up to one poll ahead; a lock must outlive that wait.
  if (config.SCHEDULER_LOCK_LIFETIME_MS < 2 * config.SCHEDULER_POLL_MS) {
    ctx.addIssue({ code: 'custom', path: ['SCHEDULER_LOCK_LIFETIME_MS'], message: 'must be at least twice SCHEDULER_POLL_MS' });
  }
});

export type JobsConfig = z.output<typeof jobsConfigSchema>;

export function loadJobsConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): JobsConfig {
  return loadConfig(jobsConfigSchema, env);
}

/** How long a stop may take before the process is ended (in-flight runs get one deadline to finish, the shutdown steps another); deploy/k8s grace periods are checked against it. */
export function shutdownDeadlineMs(config: JobsConfig): number {
  return config.SHUTDOWN_TIMEOUT_MS * 2;
}
