import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';

import { watchServerMonitors } from './monitor.watchdog.js';

export type { Connection } from 'mongoose';

const CONNECT_TIMEOUT_MS = 5000;
const HEARTBEAT_MS = 2000;
/** Each open connection's monitor watchdog, stopped when the connection is closed. */
const watchdogs = new WeakMap<Connection, () => void>();

/**
 * Opens a dedicated mongoose connection (not the global one), so a service and its
 * tests can hold several. The driver reconnects by itself; readiness follows it.
 */
export async function connectMongo(options: { url: string; logger: Logger; dbName?: string; serverSelectionTimeoutMs?: number }): Promise<Connection> {
  const connection = mongoose.createConnection(options.url, {
    ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 20_000,
    // A database on its way down may still take a connection and never answer it: the
    // driver's monitor must give up on such a check within seconds (the default waits
    // 30 s), and look again soon, so that a restarted database is used again at once.
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    heartbeatFrequencyMS: HEARTBEAT_MS,
    // FerretDB v1 and MongoDB both accept these; retryable writes need a replica set.
    retryWrites: false,
    autoIndex: true,
  });
  connection.on('disconnected', () => options.logger.warn('MongoDB disconnected'));
  connection.on('reconnected', () => options.logger.info('MongoDB reconnected'));
  await connection.asPromise();
  // Stopped by closeMongo, not by the connection's 'close' event: the watchdog's own
  // reopen closes the client too, and must keep watching after it.
  watchdogs.set(connection, watchServerMonitors(connection.getClient(), { stuckAfterMs: CONNECT_TIMEOUT_MS + 2000, logger: options.logger }));
  options.logger.info({ db: connection.name }, 'MongoDB connected');
  return connection;
}

export function isMongoUp(connection: Connection): boolean {
  return connection.readyState === mongoose.ConnectionStates.connected;
}

export async function closeMongo(connection: Connection): Promise<void> {
  watchdogs.get(connection)?.();
  watchdogs.delete(connection);
  await connection.close();
}

/** Driver errors that mean the database cannot be reached now, not that the request was wrong. */
const UNREACHABLE = /^Mongo(Network|NetworkTimeout|ServerSelection|PoolCleared|TopologyClosed|NotConnected)Error$/;

/** Socket errors the driver passes on as they are when the server goes away mid-write. */
const SOCKET_GONE = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ENOTCONN', 'ERR_SOCKET_CLOSED']);

/** MongoDB's codes for an operation cut off by a shutdown (InterruptedAtShutdown, ShutdownInProgress). */
const SHUTDOWN_CODES = new Set([11600, 91]);

/**
 * FerretDB v1 cuts off running queries when it stops with InternalError (code 1) and a
 * message ending in "context canceled".
 */
function isFerretDbShutdown(error: Error & { code?: unknown }): boolean {
  return error.name === 'MongoServerError' && error.code === 1 && /context canceled/.test(error.message);
}

/** True when `error` (or one of its causes) says the database is out of reach. */
export function isStoreUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (UNREACHABLE.test(current.name)) return true;
    if (current.name === 'MongoServerError' && SHUTDOWN_CODES.has((current as { code?: unknown }).code as number)) return true;
    if (isFerretDbShutdown(current)) return true;
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && SOCKET_GONE.has(code)) return true;
  }
  return false;
}

/**
 * Runs `write` again while the database is out of reach (backing off from 250 ms to 2 s),
 * for up to `forMs`; any other error, or the last one after `forMs`, is thrown. For
 * writes that must not be lost to a database restart, such as a run's outcome.
 */
export async function retryWhileStoreUnavailable<T>(write: () => Promise<T>, forMs: number, stopped: () => boolean = () => false): Promise<T> {
  const until = Date.now() + forMs;
  for (let wait = 250; ; wait = Math.min(2000, wait * 2)) {
    try {
      return await write();
    } catch (error) {
      if (!isStoreUnavailable(error) || stopped() || Date.now() + wait > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/**
 * A write refused by a unique index. MongoDB (and FerretDB for inserts) answer E11000;
 * FerretDB v1 answers an update that would break a unique index with InternalError
 * (code 1) and SQLite's "UNIQUE constraint failed: index '<index>'".
 */
export function isDuplicateKey(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === 11000) return true;
  return code === 1 && typeof message === 'string' && message.includes('UNIQUE constraint failed');
}
