import { ExecReplySchema, execSubject, type ExecRequestSchema } from '@jobwire/contracts';
import { lastReconnectAt, nextReconnect } from '@jobwire/service-kit';
import { errors, type Msg, type NatsConnection } from '@nats-io/nats-core';
import type { z } from 'zod';
import type { LostExecutor } from './beat.watch.js';

export type ExecOutcome =
  | { state: 'succeeded'; output: string | null; executor: string | null }
  | { state: 'failed'; cause: string; executor: string | null }
  | { state: 'timeout'; cause: string; executor: null };

const OUTPUT_LIMIT = 8192;
/** How long after a reconnect (this replica's, before or during the request) "no responders" may mean executors still reconnecting. */
const RECONNECT_SETTLE_MS = 3000;
const RESEND_GAP_MS = 200;

/**
 * One attempt on `jobs.exec.<handler>`: the queue group gives it to one executor. No
 * responders fails at once; no answer by the deadline is a timeout.
 *
 * A request written just before the NATS server went away may be lost with it, and then
 * nothing answers until the deadline: after each reconnect the same request (same run
 * and attempt, which executors take once) is sent again, and the first answer to any
 * copy counts.
 */
export async function requestExecution(
  nc: NatsConnection,
  handlerName: string,
  request: z.input<typeof ExecRequestSchema>,
  timeoutMs: number,
  /** Resolves when the executor that took the run is gone (its beats stopped). */
  lost: Promise<LostExecutor> = new Promise<never>(() => undefined),
): Promise<ExecOutcome> {
  const until = Date.now() + Math.max(1, timeoutMs);
  const payload = JSON.stringify(request);
  const copies: Promise<Msg>[] = [];
  // A run may start just after this replica reconnected, before the executors have.
  let reconnectedAt = lastReconnectAt(nc);
  let reply: Msg;
  try {
    for (;;) {
      const copy = nc.request(execSubject(handlerName), payload, { timeout: Math.max(1, until - Date.now()) });
      // A copy that loses the race still settles later: nothing may be left unhandled.
      copy.catch(() => undefined);
      copies.push(copy);
      const reconnect = nextReconnect(nc);
      const outcome = await Promise.race([
        // Any copy's answer; the latest copy's failure decides (earlier copies may be lost).
        Promise.any(copies).then(
          (msg) => ({ msg }),
          () => new Promise<never>(() => undefined),
        ),
        copy.then(
          () => new Promise<never>(() => undefined),
          (error: unknown) => ({ error }),
        ),
        reconnect.reconnected.then(() => ({ reconnected: true as const })),
        lost.then((gone) => ({ gone })),
      ]);
      reconnect.cancel();
      if ('gone' in outcome) return { state: 'failed', cause: outcome.gone.cause, executor: outcome.gone.executor };
      if ('msg' in outcome) {
        reply = outcome.msg;
        break;
      }
      if ('reconnected' in outcome) {
        reconnectedAt = Date.now();
        continue;
      }
      // Just after a reconnect the executors may not have subscribed again yet.
      const settling = Date.now() - reconnectedAt < RECONNECT_SETTLE_MS && Date.now() + RESEND_GAP_MS < until;
      if (!(isNoResponders(outcome.error) && settling)) throw outcome.error;
      await new Promise((resolve) => setTimeout(resolve, RESEND_GAP_MS));
    }
  } catch (error) {
    if (isNoResponders(error)) return { state: 'failed', cause: `no executor for handler ${handlerName}`, executor: null };
    if (isTimeout(error)) return { state: 'timeout', cause: `no answer within ${Math.round(timeoutMs / 100) / 10} s`, executor: null };
    return { state: 'failed', cause: `dispatch failed: ${error instanceof Error ? error.message : String(error)}`, executor: null };
  }
  let body: unknown;
  try {
    body = reply.json();
  } catch {
    return { state: 'failed', cause: 'the executor answered with something that is not JSON', executor: null };
  }
  const parsed = ExecReplySchema.safeParse(body);
  if (!parsed.success) return { state: 'failed', cause: `the executor's answer breaks the contract: ${parsed.error.issues[0]?.message ?? 'invalid'}`, executor: null };
  const answer = parsed.data;
  const executor = answer.executor ?? null;
  if (answer.status === 'failed') return { state: 'failed', cause: answer.error ?? 'the executor reported a failure', executor };
  const text = answer.output === undefined || answer.output === null ? null : JSON.stringify(answer.output);
  return { state: 'succeeded', output: text === null ? null : text.slice(0, OUTPUT_LIMIT), executor };
}

function isNoResponders(error: unknown): boolean {
  if (error instanceof errors.NoRespondersError) return true;
  return error instanceof errors.RequestError && error.isNoResponders();
}

function isTimeout(error: unknown): boolean {
  if (error instanceof errors.TimeoutError) return true;
  return error instanceof errors.RequestError && error.cause instanceof errors.TimeoutError;
}
