import { ExecReplySchema, execSubject, type ExecRequestSchema } from '@jobwire/contracts';
import { errors, type NatsConnection } from '@nats-io/nats-core';
import type { z } from 'zod';

export type ExecOutcome =
  | { state: 'succeeded'; output: string | null; executor: string | null }
  | { state: 'failed'; cause: string; executor: string | null }
  | { state: 'timeout'; cause: string; executor: null };

const OUTPUT_LIMIT = 8192;

/**
 * One attempt on `jobs.exec.<handler>`: the queue group gives it to one executor. No
 * responders fails at once; no answer by the deadline is a timeout.
 */
export async function requestExecution(nc: NatsConnection, handlerName: string, request: z.input<typeof ExecRequestSchema>, timeoutMs: number): Promise<ExecOutcome> {
  let reply;
  try {
    reply = await nc.request(execSubject(handlerName), JSON.stringify(request), { timeout: Math.max(1, timeoutMs) });
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
