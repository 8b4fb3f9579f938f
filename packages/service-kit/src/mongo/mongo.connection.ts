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
