import type { EventType } from '@jobwire/contracts';
import { isDuplicateKey, retryWhileStoreUnavailable, type EventPublisher, type IdGenerator, type Logger } from '@jobwire/service-kit';
import type { NatsConnection } from '@nats-io/nats-core';
import type { JobDocument } from '../jobs/job.model.js';
import type { ActiveRunModel, RunDocument, RunModel, RunState, RunTrigger } from '../runs/run.model.js';
import type { RunFeed } from '../paging/run.feed.js';
import { finishRun } from '../runs/run.finish.js';
import { createBeatWatch } from './beat.watch.js';
import { requestExecution, type ExecOutcome } from './executor.client.js';

export interface Fire {
  trigger: RunTrigger;
  scheduledTime: Date;
  misfired: boolean;
  /** Set for a misfire: how many fire times it stands for. */
  missedFires?: number;
  /** The job's previous fire ran on this replica, so no other replica can be running it. */
  previousFireHere?: boolean;
}

export interface DispatcherDeps {
  nc: NatsConnection;
  runs: RunModel;
  active: ActiveRunModel;
  events: EventPublisher;
  ids: IdGenerator;
  logger: Logger;
  instanceId: string;
  leaseMs: number;
  retryBackoffMs: number;
  /** How often executors say they are still running a run (EXECUTOR_BEAT_MS). */
  beatMs: number;
  /** Told of every run record written, for the run listings of every replica. */
  feed: Pick<RunFeed, 'added' | 'state'>;
}

export interface RunDispatcher {
  /** Starts a fire's run (with its retries) in the background; resolves once the first record is written. */
  dispatch(job: JobDocument, fire: Fire): Promise<void>;
  /** Records a fire that does not run (overlap, misfire policy). */
  skip(job: JobDocument, fire: Fire, cause: string): Promise<void>;
  inFlight(): number;
  /** Which of these runs this replica is running now. */
  held(runIds: readonly string[]): string[];
  /** Waits up to `graceMs` for running runs; the rest are marked failed ("scheduler stopped"). */
  stop(graceMs: number): Promise<void>;
}

const MAX_BACKOFF_MS = 5 * 60_000;
const DEADLINE_SLACK_MS = 50;
/** How long a run's writes wait out a database that is away before they give up. */
const STORE_RETRY_MS = 60_000;

/**
 * Inserts once across retries: an insert whose acknowledgement was lost with the
 * connection may have been stored, and its retry then finds its own document.
 */
function insertOnce(insert: () => Promise<unknown>, stopped: () => boolean): Promise<unknown> {
  let retried = false;
  return retryWhileStoreUnavailable(async () => {
    try {
      return await insert();
    } catch (error) {
      if (retried && isDuplicateKey(error)) return undefined;
      throw error;
    } finally {
      retried = true;
    }
  }, STORE_RETRY_MS, stopped);
}
const finishedEvent: Record<Exclude<RunState, 'running' | 'skipped'>, EventType> = {
  succeeded: 'jobs.run.succeeded',
  failed: 'jobs.run.failed',
  timeout: 'jobs.run.timed-out',
};

/**
 * Runs a fire on an executor and keeps `job_runs` true: a `running` record per attempt,
 * finished with the outcome, renewed while it runs (a lease) so another replica can tell
 * a run whose scheduler died from one still going.
 */
export function createRunDispatcher(deps: DispatcherDeps): RunDispatcher {
  const { runs, active: activeRuns, logger } = deps;
  const stores = { runs, active: activeRuns, feed: deps.feed };
  const active = new Map<string, Promise<void>>();
  /** Runs going on here, per job. */
  const runningHere = new Map<string, number>();
  const track = (jobId: string, delta: number) => {
    const count = (runningHere.get(jobId) ?? 0) + delta;
    if (count <= 0) runningHere.delete(jobId);
    else runningHere.set(jobId, count);
  };
  /** Runs whose records are being written: held, though not yet running. */
  const opening = new Set<string>();
  const beats = createBeatWatch(deps.nc, deps.instanceId, deps.beatMs, logger);
  const backoffTimers = new Set<{ resolve: () => void; timer: NodeJS.Timeout }>();
  let stopping = false;
  const renewal = setInterval(() => void renewLeases(), Math.max(500, Math.floor(deps.leaseMs / 3)));
  renewal.unref();

  async function renewLeases(): Promise<void> {
    if (active.size === 0) return;
    try {
      await activeRuns.updateMany({ scheduler: deps.instanceId }, { $set: { leaseUntil: new Date(Date.now() + deps.leaseMs) } });
    } catch (error) {
      logger.warn({ err: error }, 'could not renew run leases');
    }
  }

  function publish(type: EventType, run: Pick<RunDocument, '_id' | 'jobId' | 'handlerName' | 'attempt' | 'trigger'> & Partial<RunDocument>): void {
    const data = {
      runId: run._id,
      jobId: run.jobId,
      handlerName: run.handlerName,
      attempt: run.attempt,
      trigger: run.trigger,
      ...(run.runState === undefined ? {} : { runState: run.runState }),
      ...(run.cause === undefined || run.cause === null ? {} : { cause: run.cause }),
      ...(run.durationMs === undefined || run.durationMs === null ? {} : { durationMs: run.durationMs }),
      ...(run.scheduledTime === undefined ? {} : { scheduledTime: run.scheduledTime.toISOString() }),
    };
    deps.events.publish(type, data, { id: `${run._id}.${type}`, subject: run.jobId }).catch((error: unknown) => {
      logger.warn({ err: error, type, runId: run._id }, 'could not publish a run event');
    });
  }

  function baseRun(job: JobDocument, fire: Fire, attempt: number, now: Date): RunDocument {
    return {
      _id: deps.ids.next(),
      jobId: job._id,
      jobName: job.jobName,
      handlerName: job.handlerName,
      timezone: job.timezone,
      runState: 'running',
      cause: fire.misfired ? misfireCause(fire) : null,
      trigger: fire.trigger,
      scheduledTime: fire.scheduledTime,
      startTime: now,
      endTime: null,
      durationMs: null,
      executor: null,
      attempt,
      misfired: fire.misfired,
      output: null,
      scheduler: deps.instanceId,
      createTime: fire.scheduledTime,
    };
  }

  /** Writes the attempt's `running` record. */
  async function open(job: JobDocument, fire: Fire, number: number): Promise<RunDocument> {
    const now = new Date();
    const run = baseRun(job, fire, number, now);
    // Held from here: its lease entry may be written (and lapse while the record waits
    // out a database restart) before the run goes on.
    opening.add(run._id);
    // Both at once: a crash between them leaves an entry without a record (the sweeper
    // drops it) or a record without an entry (the sweeper fails it), never a lost run.
    await Promise.all([
      insertOnce(() => activeRuns.create({ _id: run._id, jobId: job._id, scheduler: deps.instanceId, startTime: now, leaseUntil: new Date(now.getTime() + deps.leaseMs) }), () => stopping),
      insertOnce(() => runs.create(run), () => stopping),
    ]).finally(() => opening.delete(run._id));
    deps.feed.added(run);
    publish('jobs.run.started', run);
    return run;
  }

  /** Asks an executor and finishes the record with the outcome. */
  function execute(job: JobDocument, fire: Fire, run: RunDocument): Promise<RunState> {
    const finished = (async () => {
      const started = run.startTime ?? new Date();
      const timeoutMs = job.timeoutSeconds * 1000;
      const watch = beats.watch(run._id, run.attempt);
      const outcome: ExecOutcome = await requestExecution(
        deps.nc,
        job.handlerName,
        {
          runId: run._id,
          jobId: job._id,
          params: job.params,
          scheduledTime: fire.scheduledTime.toISOString(),
          attempt: run.attempt,
          deadline: new Date(started.getTime() + timeoutMs).toISOString(),
          beat: beats.beat,
        },
        timeoutMs,
        watch.lost,
      ).finally(() => watch.done());
      const ended = new Date();
      // An executor that stops its handler at the deadline may answer just before the
      // request times out: a failure at the deadline is a timeout all the same.
      const timedOut = outcome.state === 'failed' && ended.getTime() >= started.getTime() + timeoutMs - DEADLINE_SLACK_MS;
      const state: Exclude<RunState, 'running' | 'skipped'> = timedOut ? 'timeout' : outcome.state;
      const update = {
        runState: state,
        cause: outcome.state === 'succeeded' ? run.cause : timedOut ? `timed out after ${job.timeoutSeconds} s (${outcome.cause})` : outcome.cause,
        endTime: ended,
        durationMs: ended.getTime() - started.getTime(),
        executor: outcome.executor,
        output: outcome.state === 'succeeded' ? outcome.output : null,
      };
      // Only a run still running is finished here: a sweeper may have given up on it.
      if (await finishRun(stores, run._id, update, STORE_RETRY_MS)) publish(finishedEvent[state], { ...run, ...update });
      return state;
    })();
    active.set(
      run._id,
      finished.then(
        () => undefined,
        () => undefined,
      ),
    );
    return finished.finally(() => active.delete(run._id));
  }

  async function runWithRetries(job: JobDocument, fire: Fire, first: RunDocument): Promise<void> {
    let state = await execute(job, fire, first);
    for (let number = 2; state !== 'succeeded' && number <= job.retries + 1 && !stopping; number += 1) {
      await backoff(Math.min(MAX_BACKOFF_MS, deps.retryBackoffMs * 2 ** (number - 2)));
      if (stopping) return;
      state = await execute(job, fire, await open(job, fire, number));
    }
  }

  function backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          backoffTimers.delete(entry);
          resolve();
        }, ms),
      };
      backoffTimers.add(entry);
    });
  }

  return {
    async dispatch(job, fire) {
      if (!job.allowOverlap) {
        // The store is asked only when the previous fire may be running on another replica.
        const overlapping = runningHere.has(job._id) || (fire.previousFireHere !== true && (await activeRuns.exists({ jobId: job._id })) !== null);
        if (overlapping) {
          await this.skip(job, fire, 'the previous run is still running');
          return;
        }
      }
      track(job._id, 1);
      let first: RunDocument;
      try {
        first = await open(job, fire, 1);
      } catch (error) {
        track(job._id, -1);
        throw error;
      }
      void runWithRetries(job, fire, first)
        .catch((error: unknown) => {
          logger.error({ err: error, jobId: job._id }, 'run failed to record');
        })
        .finally(() => track(job._id, -1));
    },
    async skip(job, fire, cause) {
      const now = new Date();
      const run: RunDocument = { ...baseRun(job, fire, 1, now), runState: 'skipped', cause, startTime: null };
      await runs.create(run);
      deps.feed.added(run);
      logger.info({ jobId: job._id, cause }, 'fire skipped');
    },
    inFlight: () => active.size,
    held: (runIds) => runIds.filter((id) => active.has(id) || opening.has(id)),
    async stop(graceMs) {
      stopping = true;
      for (const entry of backoffTimers) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      backoffTimers.clear();
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.allSettled([...active.values()]), deadline]);
      clearInterval(renewal);
      beats.close();
      const left = [...active.keys()];
      if (left.length > 0) {
        const now = new Date();
        for (const id of left) {
          await finishRun(stores, id, { runState: 'failed', cause: 'scheduler stopped', endTime: now });
        }
        logger.warn({ runs: left.length }, 'runs still going at shutdown were marked failed');
      }
    },
  };
}

function misfireCause(fire: Fire): string {
  const count = fire.missedFires ?? 1;
  return `misfire: stands for ${count} missed fire${count === 1 ? '' : 's'} while no scheduler ran`;
}
