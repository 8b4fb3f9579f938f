import { AppError, isErrorKey, natsHeaders, type ErrorDetail, type ErrorPayload } from '@jobwire/contracts';
import type { Msg } from '@nats-io/nats-core';
import { ServiceError } from '@nats-io/services';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  // `undefined` (a handler with nothing to say) travels as JSON null.
  return encoder.encode(JSON.stringify(value ?? null));
}

/** Decodes a JSON body; an empty body is `undefined`, a broken one throws VALIDATION_FAILED. */
export function decodeJson(data: Uint8Array): unknown {
  if (data.length === 0) return undefined;
  try {
    return JSON.parse(decoder.decode(data)) as unknown;
  } catch {
    throw new AppError('VALIDATION_FAILED', 'The message body is not valid JSON.');
  }
}

/**
 * Reads an error reply: the Services API headers say it failed, the catalogue key
 * header and the JSON body say how. Anything unreadable becomes INTERNAL.
 */
export function errorFromReply(msg: Msg): AppError | undefined {
  if (!ServiceError.isServiceError(msg)) return undefined;
  const serviceError = ServiceError.toServiceError(msg);
  const key = msg.headers?.get(natsHeaders.errorKey);
  let payload: Partial<ErrorPayload> = {};
  try {
    const parsed = decodeJson(msg.data);
    if (typeof parsed === 'object' && parsed !== null) payload = parsed;
  } catch {
    // the headers still carry the key and description
  }
  if (!isErrorKey(key)) {
    return new AppError('INTERNAL', undefined, { cause: serviceError ?? undefined });
  }
  const details = Array.isArray(payload.details)
    ? payload.details.filter((d): d is ErrorDetail => typeof d?.path === 'string' && typeof d.message === 'string')
    : [];
  const message = typeof payload.message === 'string' && payload.message !== '' ? payload.message : serviceError?.message;
  const retryAfterSeconds = typeof payload.retryAfterSeconds === 'number' ? payload.retryAfterSeconds : undefined;
  return new AppError(key, message, { details, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) });
}
