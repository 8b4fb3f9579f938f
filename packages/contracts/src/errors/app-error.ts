import { errorCatalogue, type ErrorKey } from './error-catalogue.js';

/** A problem detail attached to an error, e.g. the field that failed validation. */
export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

/** The one error type: a catalogue key, a message a person can act on, optional details. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly key: ErrorKey;
  readonly details: readonly ErrorDetail[];
  /** Seconds after which a client may retry (rate limits). */
  readonly retryAfterSeconds: number | undefined;

  constructor(key: ErrorKey, message?: string, options: { details?: readonly ErrorDetail[]; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message ?? errorCatalogue[key].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.key = key;
    this.details = options.details ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get entry() {
    return errorCatalogue[this.key];
  }
}

/** The wire form of an error, carried in NATS error replies. */
export interface ErrorPayload {
  key: ErrorKey;
  message: string;
  details?: ErrorDetail[];
  retryAfterSeconds?: number;
}

export function toErrorPayload(error: AppError): ErrorPayload {
  return {
    key: error.key,
    message: error.message,
    ...(error.details.length > 0 ? { details: [...error.details] } : {}),
    ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
  };
}
