import { broadcastSubjects } from '@jobwire/contracts';
import { createAgendaOnMongo, createClaimStore, DEFAULT_CLAIMS_COLLECTION, NatsNotificationChannel, type ClaimDocument } from '@jobwire/scheduling';
import type { Logger } from '@jobwire/service-kit';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import type { RunDispatcher } from '../dispatch/run.dispatcher.js';
import type { JobCache } from '../jobs/job.cache.js';
import { createFireHandler, createRunOnceHandler } from './fire.handler.js';
import { createScheduleStore, FIRE_JOB, RUN_ONCE_JOB, type FireData, type RunOnceData, type ScheduleStore } from './schedule.store.js';

export const AGENDA_COLLECTION = 'agendaJobs';

export interface SchedulerOptions {
  db: Db;
  nc: NatsConnection;
  definitions: JobCache;
  dispatcher: RunDispatcher;
  logger: Logger;
  instanceId: string;
  pollMs: number;
  lockLifetimeMs: number;
  concurrency: number;
  misfireThresholdMs: number;
}

export interface Scheduler {
  agenda: Agenda;
  schedules: ScheduleStore;
  start(): Promise<void>;
  /** Stops locking new fires and unlocks the ones queued here; running handlers finish. */
  stop(): Promise<void>;
}

/** Agenda on the service's database, woken over NATS, with the fire and run-once handlers. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const channel = new NatsNotificationChannel({ nc: options.nc, subject: broadcastSubjects.jobsScheduleWake, announceWithinMs: options.pollMs });
  const agenda = createAgendaOnMongo({
    db: options.db,
    name: options.instanceId,
    processEveryMs: options.pollMs,
    lockLifetimeMs: options.lockLifetimeMs,
    jobsCollection: AGENDA_COLLECTION,
    maxConcurrency: options.concurrency * 2,
    notificationChannel: channel,
    // Fires are locked up to a poll ahead; the handler claims each fire when it runs.
    claimAt: 'run',
  });
  const collection = options.db.collection(AGENDA_COLLECTION);
  const schedules = createScheduleStore(agenda, collection);
  // Fires are claimed as they start, so a claim is never taken over: a late fire must not
  // run twice. Once any replica has run a fire, the job's due time has moved on and only
  // a copy locked before that (held at most a lock lifetime) can try it again.
  const claims = createClaimStore({
    claims: options.db.collection<ClaimDocument>(DEFAULT_CLAIMS_COLLECTION),
    lockLifetimeMs: options.lockLifetimeMs,
    noTakeover: true,
    retentionMs: 10 * options.lockLifetimeMs,
  });
  const deps = { definitions: options.definitions, schedules, claims, dispatcher: options.dispatcher, logger: options.logger, misfireThresholdMs: options.misfireThresholdMs };
  const limits = { concurrency: options.concurrency, lockLimit: options.concurrency * 2, lockLifetime: options.lockLifetimeMs };
  agenda.define<FireData>(FIRE_JOB, createFireHandler(deps), limits);
  agenda.define<RunOnceData>(RUN_ONCE_JOB, createRunOnceHandler(deps), { ...limits, removeOnComplete: true });
  // Agenda looks for due jobs only at its poll; a recurring job unlocked with its next fire
  // due sooner is looked for again here at once, so every-second jobs stay on time.
  agenda.on(`complete:${FIRE_JOB}`, (job: { attrs: { _id?: unknown; nextRunAt?: Date | null; lockedAt?: Date | null } }) => {
    const next = job.attrs.nextRunAt;
    if (next instanceof Date && next.getTime() - Date.now() < options.pollMs) channel.wakeLocal(FIRE_JOB, String(job.attrs._id), next);
  });
  agenda.on('error', (error: unknown) => options.logger.error({ err: error }, 'scheduler error'));
  agenda.on('fail', (error: unknown, job: { attrs?: { name?: string } }) => options.logger.error({ err: error, job: job.attrs?.name }, 'fire failed'));

  return {
    agenda,
    schedules,
    async start() {
      await collection.createIndex({ name: 1, 'data.jobId': 1 }, {}, {});
      await agenda.start();
    },
    async stop() {
      await agenda.stop();
    },
  };
}
