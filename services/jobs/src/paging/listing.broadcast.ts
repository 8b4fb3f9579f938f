import { broadcastSubjects } from '@jobwire/contracts';
import type { NatsConnection } from '@nats-io/nats-core';
import type { ListingCache } from './listing.cache.js';

export interface RunDeletions {
  /** Runs were deleted here: this replica's run listings go now, every other replica's on the broadcast. */
  announce(): void;
  close(): void;
}

/**
 * Run listings are kept for a moment; a deletion must not show up late. A callback, not an
 * iterator: the broadcast is applied before any request this replica receives after it.
 */
export function shareRunDeletions(nc: NatsConnection, listings: ListingCache): RunDeletions {
  const subscription = nc.subscribe(broadcastSubjects.jobsRunsDeleted, { callback: () => listings.clear('runs') });
  return {
    announce() {
      listings.clear('runs');
      if (!nc.isClosed() && !nc.isDraining()) nc.publish(broadcastSubjects.jobsRunsDeleted);
    },
    close: () => subscription.unsubscribe(),
  };
}
