import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import { claimingBackend, type ClaimDocument } from './claiming.backend.js';

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
}

export const DEFAULT_CLAIMS_COLLECTION = 'agendaClaims';

/**
 * Agenda on MongoDB (or FerretDB) with claim-confirmed locks, so each fire runs once
 * across every replica on both databases.
 */
export function createAgendaOnMongo(options: AgendaOnMongoOptions): Agenda {
  const lockLifetimeMs = options.lockLifetimeMs ?? 10 * 60_000;
  const inner = new MongoBackend({ mongo: options.db, ...(options.jobsCollection === undefined ? {} : { collection: options.jobsCollection }) });
  const backend = claimingBackend(inner, {
    claims: options.db.collection<ClaimDocument>(options.claimsCollection ?? DEFAULT_CLAIMS_COLLECTION),
    lockLifetimeMs,
  });
  return new Agenda({
    backend,
    name: options.name,
    processEvery: options.processEveryMs ?? 1000,
    defaultLockLifetime: lockLifetimeMs,
    ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
  });
}
