import { z } from 'zod';
import { errorCatalogue, type ErrorKey } from '../errors/error-catalogue.js';

export type Family = 'openJob' | 'ibps' | 'admin';

/** Open-Job: `{ code, msg, data, success }`. */
export function openJobEnvelopeSchema<T extends z.ZodType>(data: T) {
  return z.object({ code: z.number().int(), msg: z.string(), data, success: z.boolean() });
}

/** IBPS: `{ state, request, message, cause, variables, data }`. */
export function ibpsEnvelopeSchema<T extends z.ZodType>(data: T) {
  return z.object({
    state: z.number().int(),
    request: z.string().nullable(),
    message: z.string(),
    cause: z.string(),
    variables: z.record(z.string(), z.unknown()),
    data,
  });
}

/** An Open-Job error answer: any code but 200, no data. */
export const openJobFailureSchema = z.object({ code: z.number().int(), msg: z.string(), data: z.null(), success: z.literal(false) });

/** An IBPS error answer: a state other than 200, no data. */
export const ibpsFailureSchema = z.object({
  state: z.number().int(),
  request: z.string().nullable(),
  message: z.string(),
  cause: z.string(),
  variables: z.record(z.string(), z.unknown()),
  data: z.null(),
});

/** Admin API (`/api/*`): the Open-Job envelope, with the HTTP status mirroring errors. */
export const adminEnvelopeSchema = openJobEnvelopeSchema;

export interface OpenJobEnvelope<T> {
  code: number;
  msg: string;
  data: T;
  success: boolean;
}

export interface IbpsEnvelope<T> {
  state: number;
  request: string | null;
  message: string;
  cause: string;
  variables: Record<string, unknown>;
  data: T;
}

export type Envelope<T> = OpenJobEnvelope<T> | IbpsEnvelope<T>;

export const OPEN_JOB_OK_MESSAGE = '成功';

export function openJobOk<T>(data: T): OpenJobEnvelope<T> {
  return { code: 200, msg: OPEN_JOB_OK_MESSAGE, data, success: true };
}

export function ibpsOk<T>(data: T, variables: Record<string, unknown> = {}): IbpsEnvelope<T> {
  return { state: 200, request: null, message: '', cause: '', variables, data };
}

export function okEnvelope<T>(family: Family, data: T, variables?: Record<string, unknown>): Envelope<T> {
  return family === 'ibps' ? ibpsOk(data, variables) : openJobOk(data);
}

export interface FailureInput {
  key: ErrorKey;
  message: string;
  /** IBPS `cause`: the fields that failed, or empty. */
  cause?: string;
  /** IBPS `request`: the request path. */
  request?: string;
}

export function failureEnvelope(family: Family, failure: FailureInput): Envelope<null> {
  const entry = errorCatalogue[failure.key];
  if (family === 'ibps') {
    return {
      state: entry.ibpsState,
      request: failure.request ?? null,
      message: failure.message,
      cause: failure.cause ?? '',
      variables: {},
      data: null,
    };
  }
  return { code: entry.openJobCode, msg: failure.message, data: null, success: false };
}

/** The envelope code that `/metrics` counts by class (2xx, 4xx, 5xx, business). */
export function envelopeCode(family: Family, key: ErrorKey | undefined): number {
  if (key === undefined) return 200;
  const entry = errorCatalogue[key];
  return family === 'ibps' ? entry.ibpsState : entry.openJobCode;
}
