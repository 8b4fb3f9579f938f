import { hostname } from 'node:os';
import {
  EXECUTOR_METADATA_KEYS,
  ExecRequestSchema,
  execQueueGroup,
  execSubject,
  HandlerNameSchema,
  serviceNames,
  type ExecReplySchema,
} from '@jobwire/contracts';
import type { NatsConnection } from '@nats-io/nats-core';
import { Svcm, type Service, type ServiceMsg } from '@nats-io/services';
import { connect } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { z } from 'zod';

/** What a handler gets for one attempt of one run. */
export interface HandlerContext {
  readonly runId: string;
  readonly jobId: string;
  /** The job's parameters as written (usually JSON text), or null. */
  readonly params: string | null;
  /** `params` parsed as JSON when it is JSON, else the text itself. */
  readonly paramsJson: unknown;
  readonly scheduledTime: Date;
  readonly attempt: number;
  readonly deadline: Date;
  /** Aborts at the deadline and when the executor is told to stop past its grace period. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/** Returns any JSON-serialisable value; throwing marks the run failed with the error's message. */
export type Handler = (ctx: HandlerContext) => Promise<unknown>;

export interface ExecutorOptions {
  /** An open connection, or a URL to connect to (the executor then owns and closes it). */
  nats: NatsConnection | { url: string };
  logger: Logger;
  version?: string;
  instanceName?: string;
  /** How long `stop()` waits for running handlers before aborting them. Default 30 s. */
  stopGraceMs?: number;
}

export interface Executor {
  /** Serves `jobs.exec.<name>`; call before `start()`. */
  handle(name: string, handler: Handler): Executor;
  /** Registers with the NATS Services API (`$SRV` discovery lists this instance and its handlers). */
  start(): Promise<{ instanceId: string }>;
  /** Stops taking runs, lets running handlers finish (aborting them after the grace period), then disconnects. */
  stop(): Promise<void>;
  running(): number;
}

type ExecReply = z.input<typeof ExecReplySchema>;

/** How long a finished run's answer is kept for a copy of its request sent again. */
const REMEMBER_MS = 120_000;
/** At most this many remembered runs; the oldest finished ones go first. */
const REMEMBER_MAX = 50_000;

export function createExecutor(options: ExecutorOptions): Executor {
  const { logger } = options;
  const handlers = new Map<string, Handler>();
  const inFlight = new Map<Promise<void>, AbortController>();
  const stopGraceMs = options.stopGraceMs ?? 30_000;
  let nc: NatsConnection | undefined;
  let service: Service | undefined;
  let started = false;
  let stopping = false;

  /**
   * Runs by `runId#attempt`: the jobs service sends a request again after a NATS
   * reconnect when its first copy may have been lost, and a copy that did arrive must not
   * run the handler twice; it gets the first copy's answer. Finished runs are remembered
   * for REMEMBER_MS.
   */
  const runs = new Map<string, { answer: Promise<ExecReply>; finishedAt?: number }>();

  function forget(now: number): void {
    for (const [key, entry] of runs) {
      const { finishedAt } = entry;
      if (finishedAt !== undefined && (now - finishedAt >= REMEMBER_MS || runs.size > REMEMBER_MAX)) runs.delete(key);
      else if (runs.size <= REMEMBER_MAX) return;
    }
  }

  async function serve(name: string, handler: Handler, msg: ServiceMsg, instanceId: string): Promise<void> {
    const parsed = ExecRequestSchema.safeParse(safeJson(msg));
    if (!parsed.success) {
      reply(msg, { status: 'failed', error: `invalid run request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
      return;
    }
    const request = parsed.data;
    const key = `${request.runId}#${request.attempt}`;
    const known = runs.get(key);
    if (known !== undefined) {
      logger.info({ runId: request.runId, attempt: request.attempt }, 'run asked for again: answering with its first outcome');
      reply(msg, await known.answer, instanceId);
      return;
    }
    if (stopping) {
      reply(msg, { status: 'failed', error: 'executor is stopping' }, instanceId);
      return;
    }
    forget(Date.now());
    const deadline = new Date(request.deadline);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('deadline reached')), Math.max(0, deadline.getTime() - Date.now()));
    const runLogger = logger.child({ runId: request.runId, jobId: request.jobId, handler: name, attempt: request.attempt });
    const stopBeats = startBeats(request, instanceId);
    const answer = (async (): Promise<ExecReply> => {
      try {
        const output = await handler({
          runId: request.runId,
          jobId: request.jobId,
          params: request.params,
          paramsJson: parseParams(request.params),
          scheduledTime: new Date(request.scheduledTime),
          attempt: request.attempt,
          deadline,
          signal: controller.signal,
          logger: runLogger,
        });
        return { status: 'succeeded', output: output ?? null };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        runLogger.warn({ err: error }, 'handler failed');
        return { status: 'failed', error: message.slice(0, 4096) };
      } finally {
        clearTimeout(timer);
        stopBeats();
      }
    })();
    const entry: { answer: Promise<ExecReply>; finishedAt?: number } = { answer };
    runs.set(key, entry);
    const work = answer.then((result) => {
      entry.finishedAt = Date.now();
      reply(msg, result, instanceId);
    });
    inFlight.set(work, controller);
    await work;
    inFlight.delete(work);
  }

  /** Says "still running" on the request's beat subject now and every `everyMs` until stopped. */
  function startBeats(request: z.output<typeof ExecRequestSchema>, instanceId: string): () => void {
    const { beat } = request;
    if (beat === undefined || nc === undefined) return () => undefined;
    const connection = nc;
    const body = JSON.stringify({ runId: request.runId, attempt: request.attempt, executor: instanceId });
    const send = () => {
      if (!connection.isClosed()) connection.publish(beat.subject, body);
    };
    send();
    const timer = setInterval(send, beat.everyMs);
    return () => clearInterval(timer);
  }

  function reply(msg: ServiceMsg, answer: ExecReply, instanceId?: string): void {
    let body: string;
    try {
      body = JSON.stringify(instanceId === undefined ? answer : { ...answer, executor: instanceId });
    } catch (error) {
      body = JSON.stringify({ status: 'failed', error: `output is not JSON: ${error instanceof Error ? error.message : String(error)}` });
    }
    if (!msg.respond(Buffer.from(body))) logger.warn('could not answer a run: the connection is closed');
  }

  const executor: Executor = {
    handle(name, handler) {
      if (started) throw new Error('register handlers before start()');
      const checked = HandlerNameSchema.safeParse(name);
      if (!checked.success) throw new Error(`handler name ${JSON.stringify(name)} ${checked.error.issues[0]?.message ?? 'is invalid'}`);
      handlers.set(name, handler);
      return executor;
    },
    async start() {
      if (started) throw new Error('already started');
      if (handlers.size === 0) throw new Error('no handlers registered');
      started = true;
      nc = 'url' in options.nats
        ? await connect({ servers: options.nats.url.split(','), name: options.instanceName ?? 'executor', maxReconnectAttempts: -1, reconnectTimeWait: 500, waitOnFirstConnect: true })
        : options.nats;
      service = await new Svcm(nc).add({
        name: serviceNames.executor,
        version: options.version ?? '0.1.0',
        description: 'jobwire executor',
        metadata: {
          [EXECUTOR_METADATA_KEYS.handlers]: [...handlers.keys()].join(','),
          [EXECUTOR_METADATA_KEYS.host]: options.instanceName ?? hostname(),
          [EXECUTOR_METADATA_KEYS.startedAt]: new Date().toISOString(),
        },
      });
      const instanceId = service.info().id;
      for (const [name, handler] of handlers) {
        service.addEndpoint(name, {
          subject: execSubject(name),
          queue: execQueueGroup(name),
          handler: (error, msg) => {
            if (error !== null) {
              logger.error({ err: error, handler: name }, 'handler subscription failed');
              return;
            }
            void serve(name, handler, msg, instanceId);
          },
        });
      }
      await nc.flush();
      logger.info({ instanceId, handlers: [...handlers.keys()] }, 'executor started');
      return { instanceId };
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      await service?.stop();
      const running = [...inFlight.keys()];
      if (running.length > 0) {
        logger.info({ running: running.length }, 'waiting for running handlers');
        const grace = setTimeout(() => {
          for (const controller of inFlight.values()) controller.abort(new Error('executor stopping'));
        }, stopGraceMs);
        await Promise.allSettled(running);
        clearTimeout(grace);
      }
      if (nc !== undefined && 'url' in options.nats) await nc.drain();
      else await nc?.flush();
    },
    running: () => inFlight.size,
  };
  return executor;
}

function safeJson(msg: ServiceMsg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}

function parseParams(params: string | null): unknown {
  if (params === null || params.trim() === '') return null;
  try {
    return JSON.parse(params) as unknown;
  } catch {
    return params;
  }
}
