import type { z } from 'zod';
import type { Subject } from './subjects.js';

/** One request/reply use case on NATS: its subject and the schemas of both directions. */
export interface EndpointDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly subject: Subject;
  readonly request: Req;
  readonly response: Res;
}

export function defineEndpoint<Req extends z.ZodType, Res extends z.ZodType>(
  subject: Subject,
  request: Req,
  response: Res,
): EndpointDef<Req, Res> {
  return { subject, request, response };
}

export type EndpointRequest<E extends EndpointDef> = z.input<E['request']>;
export type EndpointResponse<E extends EndpointDef> = z.output<E['response']>;
