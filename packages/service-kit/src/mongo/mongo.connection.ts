import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';

export type { Connection } from 'mongoose';

/**
 * Opens a dedicated mongoose connection (not the global one), so a service and its
 * tests can hold several. The driver reconnects by itself; readiness follows it.
 */
export async function connectMongo(options: { url: string; logger: Logger; dbName?: string; serverSelectionTimeoutMs?: number }): Promise<Connection> {
  const connection = mongoose.createConnection(options.url, {
    ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 20_000,
    // FerretDB v1 and MongoDB both accept these; retryable writes need a replica set.
    retryWrites: false,
    autoIndex: true,
  });
  connection.on('disconnected', () => options.logger.warn('MongoDB disconnected'));
  connection.on('reconnected', () => options.logger.info('MongoDB reconnected'));
  await connection.asPromise();
  options.logger.info({ db: connection.name }, 'MongoDB connected');
  return connection;
}

export function isMongoUp(connection: Connection): boolean {
  return connection.readyState === mongoose.ConnectionStates.connected;
}

export async function closeMongo(connection: Connection): Promise<void> {
  await connection.close();
}

/** Driver errors that mean the database cannot be reached now, not that the request was wrong. */
const UNREACHABLE = /^Mongo(Network|NetworkTimeout|ServerSelection|PoolCleared|TopologyClosed|NotConnected)Error$/;

/** True when `error` (or one of its causes) says the database is out of reach. */
export function isStoreUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (UNREACHABLE.test(current.name)) return true;
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
