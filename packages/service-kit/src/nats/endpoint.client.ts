import { AppError, DEFAULT_REQUEST_TIMEOUT_MS, parseOrThrow, type EndpointDef } from '@jobwire/contracts';
import { errors, headers as natsHeadersOf, type NatsConnection } from '@nats-io/nats-core';
import type { z } from 'zod';
import { decodeJson, encodeJson, errorFromReply } from './wire.codec.js';

/**
 * Validating a reply is a pure function of its bytes, so identical replies (a cached user
 * context, say) are validated once: up to REPLY_MEMO_SIZE distinct replies per endpoint
 * keep their parsed, checked value. Callers must treat replies as read-only.
 */
const REPLY_MEMO_SIZE = 256;
const REPLY_MEMO_MIN_BYTES = 512;
const replyMemos = new WeakMap<EndpointDef, Map<string, unknown>>();

function checkedReply(endpoint: EndpointDef, data: Uint8Array): unknown {
  const memoize = data.length >= REPLY_MEMO_MIN_BYTES;
  let memo = memoize ? replyMemos.get(endpoint) : undefined;
  const text = memoize ? Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8') : undefined;
  if (memo !== undefined && text !== undefined && memo.has(text)) return memo.get(text);
  const result = endpoint.response.safeParse(decodeJson(data));
  if (!result.success) {
    throw new AppError('INTERNAL', undefined, { cause: new Error(`reply on ${endpoint.subject} breaks its contract: ${result.error.message}`) });
  }
  if (text !== undefined) {
    if (memo === undefined) {
      memo = new Map();
      replyMemos.set(endpoint, memo);
    }
    if (memo.size >= REPLY_MEMO_SIZE) memo.delete(memo.keys().next().value!);
    memo.set(text, result.data);
  }
  return result.data;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Calls an endpoint: validates the request with the contract, maps transport failures
 * to catalogue errors (nobody listening → SERVICE_UNAVAILABLE, no answer in time →
 * UPSTREAM_TIMEOUT), rebuilds error replies as AppError and validates the answer.
 */
export async function requestEndpoint<E extends EndpointDef>(
  nc: NatsConnection,
  endpoint: E,
  payload: z.input<E['request']>,
  options: RequestOptions = {},
): Promise<z.output<E['response']>> {
  const request: unknown = parseOrThrow(endpoint.request, payload);
  const h = natsHeadersOf();
  for (const [name, value] of Object.entries(options.headers ?? {})) h.set(name, value);
  let reply;
  try {
    reply = await nc.request(endpoint.subject, encodeJson(request), { timeout: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, headers: h });
  } catch (error) {
    throw transportError(error, endpoint.subject);
  }
  const failure = errorFromReply(reply);
  if (failure !== undefined) throw failure;
  return checkedReply(endpoint, reply.data) as z.output<E['response']>;
}

function transportError(error: unknown, subject: string): AppError {
  if (error instanceof errors.TimeoutError) return new AppError('UPSTREAM_TIMEOUT', undefined, { cause: error });
  if (error instanceof errors.NoRespondersError) return new AppError('SERVICE_UNAVAILABLE', undefined, { cause: error });
  if (error instanceof errors.RequestError) {
    if (error.isNoResponders()) return new AppError('SERVICE_UNAVAILABLE', undefined, { cause: error });
    if (error.cause instanceof errors.TimeoutError) return new AppError('UPSTREAM_TIMEOUT', undefined, { cause: error });
  }
  return new AppError('SERVICE_UNAVAILABLE', undefined, { cause: new Error(`request on ${subject} failed`, { cause: error }) });
}
