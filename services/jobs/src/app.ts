import { serviceNames } from '@jobwire/contracts';
import { createIdGenerator, createLogger, createServiceRuntime, type Logger } from '@jobwire/service-kit';
import type { Subscription } from '@nats-io/nats-core';
import type { JobsConfig } from './config.js';
import { createRunDispatcher } from './dispatch/run.dispatcher.js';
import { registerExecutorsHandler } from './executors/executors.handler.js';
import { registerJobHandlers } from './jobs/job.handlers.js';
import { createJobCache } from './jobs/job.cache.js';
import { jobModel } from './jobs/job.model.js';
import { createListings } from './paging/listings.js';
import { registerRunHandlers } from './runs/run.handlers.js';
import { activeRunModel, runModel } from './runs/run.model.js';
import { askHeldRuns, serveHeldRuns } from './runs/run.holders.js';
import { startRunSweeper } from './runs/run.sweeper.js';
import { createScheduler } from './schedule/scheduler.js';
import { seedDemoJob } from './seed/demo.seed.js';

export interface JobsApp {
  start(): Promise<{ healthPort: number }>;
  stop(): Promise<void>;
}

export const JOBS_VERSION = '0.1.0';

/** Composition root: runtime (NATS, Mongo, probes), models, scheduler, dispatcher, endpoints. */
export async function buildJobsApp(config: JobsConfig, options: { logger?: Logger } = {}): Promise<JobsApp> {
  const logger = options.logger ?? createLogger({ name: 'jobs', level: config.LOG_LEVEL });
  const runtime = await createServiceRuntime({ name: serviceNames.jobs, version: JOBS_VERSION, config, logger });
  const mongo = runtime.mongo!;
  const { host, events, nc } = runtime;
  const jobs = jobModel(mongo);
  const runs = runModel(mongo);
  const active = activeRunModel(mongo);
  const ids = createIdGenerator(config.INSTANCE_ID);
  const listings = createListings({ config, jobs, runs, nc, logger });
  const cache = createJobCache(jobs, nc, 5000, (changed) => listings.jobsChanged(changed));
  const { feed } = listings;
  const dispatcher = createRunDispatcher({ nc, runs, active, events, ids, logger, instanceId: config.INSTANCE_ID, leaseMs: config.RUN_LEASE_MS, retryBackoffMs: config.RETRY_BACKOFF_MS, beatMs: config.EXECUTOR_BEAT_MS, feed });
  // The schedule (Agenda's jobs and the fire claims) lives in a database of its own: on
  // FerretDB's SQLite backend each database is a file with its own write lock, so fires
  // and run records do not queue behind each other.
  const scheduleDb = mongo.getClient().db(`${mongo.name}${config.SCHEDULE_DB_SUFFIX}`);
  const scheduler = createScheduler({
    db: scheduleDb,
    nc,
    definitions: cache,
    dispatcher,
    logger,
    instanceId: config.INSTANCE_ID,
    pollMs: config.SCHEDULER_POLL_MS,
    lockLifetimeMs: config.SCHEDULER_LOCK_LIFETIME_MS,
    concurrency: config.SCHEDULER_CONCURRENCY,
    misfireThresholdMs: config.MISFIRE_THRESHOLD_MS,
  });
  const sweeper = startRunSweeper({
    runs,
    active,
    events,
    logger,
    retentionMs: config.RUN_RETENTION_DAYS * 86_400_000,
    leaseMs: config.RUN_LEASE_MS,
    everyMs: Math.max(1000, Math.floor(config.RUN_LEASE_MS / 3)),
    heldBy: (scheduler, runIds) => askHeldRuns(nc, scheduler, runIds),
    feed,
  });
  let heldRuns: Subscription | undefined;
  const deps = {
    jobs,
    cache,
    runs,
    schedules: scheduler.schedules,
    events,
    ids,
    defaultTimeZone: config.DEFAULT_TIMEZONE,
    queryTimeLimitMs: config.QUERY_TIME_LIMIT_MS ?? Math.max(500, config.NATS_REQUEST_TIMEOUT_MS - 250),
    defaultTimeoutSeconds: config.DEFAULT_JOB_TIMEOUT_SECONDS,
    listings: listings.cache,
    ...(listings.jobIndex === undefined ? {} : { index: listings.jobIndex }),
    ...(listings.runIndex === undefined ? {} : { runIndex: listings.runIndex }),
    feed,
  };

  return {
    async start() {
      await Promise.all([jobs.init(), runs.init(), active.init()]);
      listings.start();
      heldRuns = serveHeldRuns(nc, config.INSTANCE_ID, (runIds) => dispatcher.held(runIds), logger);
      await scheduler.start();
      await registerJobHandlers(host, deps);
      await registerRunHandlers(host, deps);
      await registerExecutorsHandler(host, nc);
      if (config.SEED_DEMO) await seedDemoJob(deps, logger);
      void sweeper.sweep();
      return { healthPort: await runtime.startProbes() };
    },
    async stop() {
      // Order: no new fires, then let runs finish (or record them failed), then the runtime.
      sweeper.stop();
      await scheduler.stop();
      cache.close();
      await dispatcher.stop(Math.max(0, config.SHUTDOWN_TIMEOUT_MS - 2000));
      // After the dispatcher: the runs it records at shutdown still reach the other replicas.
      listings.close();
      heldRuns?.unsubscribe();
      await runtime.stop();
    },
  };
}
