import { nextReconnect, type Logger } from '@jobwire/service-kit';
import type { NatsConnection } from '@nats-io/nats-core';
import type { JobsConfig } from '../config.js';
import type { JobModel } from '../jobs/job.model.js';
import type { RunModel } from '../runs/run.model.js';
import { createJobIndex, type JobIndex } from './job.index.js';
import { createListingCache, type ListingCache } from './listing.cache.js';
import { createRunFeed, type RunFeed } from './run.feed.js';
import { createRunIndex, type RunIndex } from './run.index.js';

export interface Listings {
  cache: ListingCache;
  jobIndex: JobIndex | undefined;
  runIndex: RunIndex | undefined;
  feed: RunFeed;
  /** Jobs changed (every job when undefined), here or in another replica. */
  jobsChanged(ids: readonly string[] | undefined): void;
  start(): void;
  close(): void;
}

type ListingConfig = Pick<JobsConfig, 'INSTANCE_ID' | 'JOB_INDEX' | 'RUN_INDEX' | 'RUN_INDEX_MAX_RUNS' | 'INDEX_RELOAD_MS' | 'JOB_LISTING_MAX_AGE_MS' | 'RUN_LISTING_MAX_AGE_MS'>;

/**
 * What answers job and run listings without reading whole collections: the indexes in
 * memory, the run feed that keeps every replica's run index current, and the cache of
 * identical listings (the database path, when an index is off or not loaded yet).
 */
export function createListings(options: { config: ListingConfig; jobs: JobModel; runs: RunModel; nc: NatsConnection; logger: Logger }): Listings {
  const { config, nc, logger } = options;
  const cache = createListingCache({ maxAgeMs: { jobs: config.JOB_LISTING_MAX_AGE_MS, runs: config.RUN_LISTING_MAX_AGE_MS } });
  const jobIndex = config.JOB_INDEX ? createJobIndex({ jobs: options.jobs, logger, reloadMs: config.INDEX_RELOAD_MS }) : undefined;
  const runIndex = config.RUN_INDEX ? createRunIndex({ runs: options.runs, logger, reloadMs: config.INDEX_RELOAD_MS, maxRuns: config.RUN_INDEX_MAX_RUNS }) : undefined;
  const feed = createRunFeed({ nc, origin: config.INSTANCE_ID, index: runIndex, listings: cache, logger });
  // Announcements sent while this replica was cut off from NATS are lost: read all again,
  // in the background (pages go on from the index meanwhile; a full read of 100,000 jobs
  // takes seconds on FerretDB).
  let reconnect = nextReconnect(nc);
  const onReconnect = (): void => {
    jobIndex?.start();
    runIndex?.start();
    reconnect = nextReconnect(nc);
    void reconnect.reconnected.then(onReconnect);
  };
  void reconnect.reconnected.then(onReconnect);

  return {
    cache,
    jobIndex,
    runIndex,
    feed,
    jobsChanged(ids) {
      cache.clear('jobs');
      jobIndex?.changed(ids);
    },
    start() {
      jobIndex?.start();
      runIndex?.start();
    },
    close() {
      reconnect.cancel();
      jobIndex?.close();
      runIndex?.close();
      feed.close();
    },
  };
}
