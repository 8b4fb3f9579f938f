import { randomUUID } from 'node:crypto';
import {
  CloudEventSchema,
  cloudEventType,
  EVENTS_STREAM,
  EVENTS_SUBJECT_PREFIX,
  eventSubject,
  type CloudEvent,
  type EventType,
} from '@jobwire/contracts';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { encodeJson } from '../nats/wire.codec.js';

export interface PublishOptions {
  /** The CloudEvents `subject`: the id of the thing the event is about. */
  subject?: string;
  /** The request id that caused the event. */
  correlationId?: string;
  /** A stable id makes a retried publish a duplicate that JetStream drops. */
  id?: string;
}

export interface PublishedEvent {
  event: CloudEvent;
  /** The stream sequence of the stored message. */
  sequence: number;
  /** True when JetStream already had an event with this id and dropped this one. */
  duplicate: boolean;
}

export interface EventPublisher {
  /** Creates the EVENTS stream when it is missing; leaves an existing one alone. */
  ensureStream(): Promise<void>;
  publish(type: EventType, data: Record<string, unknown>, options?: PublishOptions): Promise<PublishedEvent>;
}

/** How long JetStream remembers message ids to drop duplicates. */
const DUPLICATE_WINDOW_NS = 2 * 60 * 1_000_000_000;
const MAX_AGE_NS = 30 * 24 * 3600 * 1_000_000_000;

/**
 * Publishes facts after the write that made them true. `Nats-Msg-Id` is the event id,
 * so a publish retried after a lost acknowledgement is stored once.
 */
export function createEventPublisher(nc: NatsConnection, options: { source: string; logger: Logger; replicas?: number }): EventPublisher {
  const js: JetStreamClient = jetstream(nc);
  return {
    async ensureStream() {
      const jsm = await jetstreamManager(nc);
      try {
        await jsm.streams.info(EVENTS_STREAM);
        return;
      } catch (error) {
        if (!isStreamNotFound(error)) throw error;
      }
      try {
        await jsm.streams.add({
          name: EVENTS_STREAM,
          subjects: [`${EVENTS_SUBJECT_PREFIX}>`],
          duplicate_window: DUPLICATE_WINDOW_NS,
          max_age: MAX_AGE_NS,
          num_replicas: options.replicas ?? 1,
        });
        options.logger.info({ stream: EVENTS_STREAM }, 'created the events stream');
      } catch (error) {
        // Another replica created it in between.
        await jsm.streams.info(EVENTS_STREAM).catch(() => {
          throw error;
        });
      }
    },
    async publish(type, data, publishOptions = {}) {
      const event = CloudEventSchema.parse({
        specversion: '1.0',
        id: publishOptions.id ?? randomUUID(),
        source: options.source,
        type: cloudEventType(type),
        time: new Date().toISOString(),
        ...(publishOptions.subject === undefined ? {} : { subject: publishOptions.subject }),
        datacontenttype: 'application/json',
        ...(publishOptions.correlationId === undefined ? {} : { correlationid: publishOptions.correlationId }),
        data,
      });
      const ack = await js.publish(eventSubject(type), encodeJson(event), { msgID: event.id });
      return { event, sequence: ack.seq, duplicate: ack.duplicate };
    },
  };
}

function isStreamNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const api = (error as { api_error?: { err_code?: number } }).api_error;
  if (api?.err_code === 10059) return true;
  return error instanceof Error && /stream not found/i.test(error.message);
}
