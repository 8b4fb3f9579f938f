import { broadcastSubjects } from '@jobwire/contracts';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { JobDocument, JobModel } from './job.model.js';

export interface JobCache {
  /** The definition a fire runs with; at most `ttlMs` old, dropped at once on any change. */
  get(id: string): Promise<JobDocument | null>;
  /** Drops the ids here and in every other replica. */
  invalidate(ids: readonly string[]): void;
  close(): void;
}

/**
 * Fires read their job's definition every time; at hundreds of fires a second that read
 * is worth keeping in memory. Every write through this service calls invalidate(), which
 * clears the entry here and broadcasts `jobs.cache.invalidate` to the other replicas; the
 * TTL bounds staleness should a broadcast be lost. `onChange` is told of every change (the ids, or
 * undefined for "any job"), here or in another replica.
 */
export function createJobCache(jobs: JobModel, nc: NatsConnection, ttlMs: number, onChange: (ids: readonly string[] | undefined) => void = () => undefined): JobCache {
  const entries = new Map<string, { job: JobDocument | null; at: number }>();
  // A callback, not an iterator: the change is applied before any request this replica
  // receives after it, so a listing asked after a write (anywhere) sees the write.
  const subscription: Subscription = nc.subscribe(broadcastSubjects.jobsCacheInvalidate, {
    callback: (_error, msg) => {
      let ids: string[] | undefined;
      try {
        const parsed = JSON.parse(msg.string()) as unknown;
        if (Array.isArray(parsed)) ids = parsed.map(String);
      } catch {
        ids = undefined;
      }
      if (ids === undefined) entries.clear();
      else for (const id of ids) entries.delete(id);
      onChange(ids);
    },
  });
  return {
    async get(id) {
      const entry = entries.get(id);
      if (entry !== undefined && Date.now() - entry.at < ttlMs) return entry.job;
      const job = await jobs.findById(id).lean();
      entries.set(id, { job, at: Date.now() });
      if (entries.size > 100_000) entries.delete(entries.keys().next().value!);
      return job;
    },
    invalidate(ids) {
      for (const id of ids) entries.delete(id);
      onChange(ids);
      if (!nc.isClosed() && !nc.isDraining()) nc.publish(broadcastSubjects.jobsCacheInvalidate, JSON.stringify(ids));
    },
    close() {
      subscription.unsubscribe();
    },
  };
}
