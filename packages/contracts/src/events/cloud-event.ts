import { z } from 'zod';

/** The JetStream stream that holds every event (DESIGN §4). */
export const EVENTS_STREAM = 'EVENTS';
export const EVENTS_SUBJECT_PREFIX = 'events.';

/**
 * Event types are `<service>.<noun>.<verb>` in the past tense; the subject is
 * `events.<type>` and the CloudEvents `type` is `jobwire.<type>`.
 */
export const eventTypes = [
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.token.revoked',
  'users.user.registered',
  'users.user.created',
  'users.user.updated',
  'users.user.deleted',
  'users.user.locked',
  'users.user.unlocked',
  'users.password.changed',
  'jobs.job.created',
  'jobs.job.updated',
  'jobs.job.deleted',
  'jobs.job.started',
  'jobs.job.stopped',
  'jobs.run.started',
  'jobs.run.succeeded',
  'jobs.run.failed',
  'jobs.run.timed-out',
] as const;

export type EventType = (typeof eventTypes)[number];

export const EventTypeSchema = z.enum(eventTypes);

export function eventSubject(type: EventType): string {
  return `${EVENTS_SUBJECT_PREFIX}${type}`;
}

export function cloudEventType(type: EventType): string {
  return `jobwire.${type}`;
}

/** CloudEvents 1.0 JSON plus `correlationid` (the request id that caused it). */
export const CloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().regex(/^jobwire\.[a-z-]+\.[a-z-]+\.[a-z-]+$/),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().optional(),
  datacontenttype: z.literal('application/json'),
  correlationid: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
});

export type CloudEvent = z.infer<typeof CloudEventSchema>;
