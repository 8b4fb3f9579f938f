import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda, type NotificationChannel } from 'agenda';
import type { Db } from 'mongodb';
import type { ClaimDocument } from './claim.store.js';
import { claimingBackend, type ClaimingOptions } from './claiming.backend.js';

export interface AgendaOnMongoOptions {
  db: Db;
  /** Names this instance in Agenda's `lastModifiedBy` and locks. */
  name: string;
  processEveryMs?: number;
  lockLifetimeMs?: number;
  /** Defaults to Agenda's `agendaJobs`. */
  jobsCollection?: string;
  claimsCollection?: string;
  maxConcurrency?: number;
  /** Announces saved jobs to every instance (see NatsNotificationChannel). */
  notificationChannel?: NotificationChannel;
  /** Delete one-time jobs once they succeed. */
  removeOnComplete?: boolean;
  claimAt?: ClaimingOptions['claimAt'];
}

export const DEFAULT_CLAIMS_COLLECTION = 'agendaClaims';

/**
 * Agenda on MongoDB (or FerretDB) with claim-confirmed locks, so each fire runs once
 * across every replica on both databases.
 */
export function createAgendaOnMongo(options: AgendaOnMongoOptions): Agenda {
  const lockLifetimeMs = options.lockLifetimeMs ?? 10 * 60_000;
  const jobsCollection = options.jobsCollection ?? 'agendaJobs';
  const inner = new MongoBackend({ mongo: options.db, collection: jobsCollection });
  const backend = claimingBackend(inner, {
    claims: options.db.collection<ClaimDocument>(options.claimsCollection ?? DEFAULT_CLAIMS_COLLECTION),
    lockLifetimeMs,
    jobs: options.db.collection(jobsCollection),
    ...(options.claimAt === undefined ? {} : { claimAt: options.claimAt }),
  });
  return new Agenda({
    backend,
    name: options.name,
    processEvery: options.processEveryMs ?? 1000,
    defaultLockLifetime: lockLifetimeMs,
    ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
    ...(options.notificationChannel === undefined ? {} : { notificationChannel: options.notificationChannel }),
    ...(options.removeOnComplete === undefined ? {} : { removeOnComplete: options.removeOnComplete }),
  });
}
