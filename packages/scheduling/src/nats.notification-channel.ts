import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { BaseNotificationChannel, type JobNotification } from 'agenda';

export interface NatsNotificationChannelOptions {
  nc: NatsConnection;
  /** Core NATS subject every scheduler replica listens on. */
  subject: string;
  /** Saves due later than this are not announced: the regular scan picks them up. */
  announceWithinMs: number;
}

interface WireNotification {
  jobId: string;
  jobName: string;
  nextRunAt: string | null;
  priority: number;
  timestamp: string;
  source?: string;
}

/**
 * Agenda polls its collection every `processEvery`. With this channel a job saved to run
 * soon is announced over core NATS and every replica's processor looks for it at once, so
 * a run-once or a freshly scheduled job starts in milliseconds instead of at the next poll.
 * A lost announcement only costs that delay: the poll still finds the job.
 */
export class NatsNotificationChannel extends BaseNotificationChannel {
  private subscription: Subscription | undefined;
  /** Deliveries wait for the one in flight, one per job name: each starts a lock scan. */
  private readonly pending = new Map<string, JobNotification>();
  private delivering = false;

  constructor(private readonly options: NatsNotificationChannelOptions) {
    super({ channelName: options.subject });
  }

  connect(): Promise<void> {
    if (this.subscription === undefined) {
      this.subscription = this.options.nc.subscribe(this.options.subject, {
        callback: (error, msg) => {
          if (error !== null) {
            this.emit('error', error);
            return;
          }
          const notification = decode(msg.data);
          if (notification !== undefined) this.deliver(notification);
        },
      });
    }
    this.setState('connected');
    return Promise.resolve();
  }

  /**
   * Wakes this instance's processor only, e.g. right after a recurring job finished and
   * was unlocked with its next run due before the next poll. Wakes in the same tick are
   * coalesced into one look per job name.
   */
  wakeLocal(jobName: string, jobId: string, nextRunAt: Date): void {
    if (this._state !== 'connected') return;
    this.deliver({ jobId: jobId as JobNotification['jobId'], jobName, nextRunAt, priority: 0, timestamp: new Date() });
  }

  /**
   * One delivery at a time, later ones coalesced per job name: concurrent lock scans in
   * one process only contend with each other for the same documents.
   */
  private deliver(notification: JobNotification): void {
    const waiting = this.pending.get(notification.jobName);
    if (waiting === undefined || (notification.nextRunAt?.getTime() ?? 0) < (waiting.nextRunAt?.getTime() ?? 0)) this.pending.set(notification.jobName, notification);
    if (this.delivering) return;
    this.delivering = true;
    void (async () => {
      while (this.pending.size > 0) {
        const batch = [...this.pending.values()];
        this.pending.clear();
        for (const next of batch) await this.notifyHandlers(next).catch((error: unknown) => this.emit('error', error));
      }
      this.delivering = false;
    })();
  }

  disconnect(): Promise<void> {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.handlers.clear();
    this.stateHandlers.clear();
    this.setState('disconnected');
    return Promise.resolve();
  }

  publish(notification: JobNotification): Promise<void> {
    const { nc } = this.options;
    if (nc.isClosed() || nc.isDraining()) return Promise.resolve();
    const due = notification.nextRunAt?.getTime();
    if (due === undefined || due > Date.now() + this.options.announceWithinMs) return Promise.resolve();
    const wire: WireNotification = {
      jobId: String(notification.jobId),
      jobName: notification.jobName,
      nextRunAt: notification.nextRunAt === null ? null : notification.nextRunAt.toISOString(),
      priority: notification.priority,
      timestamp: notification.timestamp.toISOString(),
      ...(notification.source === undefined ? {} : { source: notification.source }),
    };
    nc.publish(this.options.subject, JSON.stringify(wire));
    return Promise.resolve();
  }
}

function decode(data: Uint8Array): JobNotification | undefined {
  try {
    const wire = JSON.parse(Buffer.from(data).toString('utf8')) as Partial<WireNotification>;
    if (typeof wire.jobId !== 'string' || typeof wire.jobName !== 'string') return undefined;
    return {
      jobId: wire.jobId as JobNotification['jobId'],
      jobName: wire.jobName,
      nextRunAt: typeof wire.nextRunAt === 'string' ? new Date(wire.nextRunAt) : null,
      priority: typeof wire.priority === 'number' ? wire.priority : 0,
      timestamp: typeof wire.timestamp === 'string' ? new Date(wire.timestamp) : new Date(),
      ...(typeof wire.source === 'string' ? { source: wire.source } : {}),
    };
  } catch {
    return undefined;
  }
}
