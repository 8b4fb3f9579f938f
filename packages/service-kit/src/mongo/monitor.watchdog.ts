import type { Connection } from 'mongoose';
import type { Logger } from 'pino';

type MongoClient = ReturnType<Connection['getClient']>;

interface HeartbeatEvent {
  connectionId: string;
  awaited: boolean;
}

/**
 * Seen with FerretDB v1 and driver 7.8: a database stopped while the driver's monitor
 * checks it can leave that check pending forever (no heartbeat succeeded or failed
 * event, no socket open, past every timeout), and with it server selection, so the
 * service never uses the restarted database. Cancelling the check through the monitor's
 * internals did not end it; closing the client and connecting it again does (models and
 * Db handles keep working, as they look the client's topology up per operation). A
 * polling check (not an awaited one) still pending after `stuckAfterMs` triggers that,
 * and the client is reopened every 2 s until it connects.
 */
export function watchServerMonitors(client: MongoClient, options: { stuckAfterMs: number; logger: Logger }): () => void {
  const started = new Map<string, number>();
  const onStarted = (event: HeartbeatEvent) => {
    if (!event.awaited) started.set(event.connectionId, Date.now());
  };
  const onEnded = (event: HeartbeatEvent) => {
    started.delete(event.connectionId);
  };
  client.on('serverHeartbeatStarted', onStarted);
  client.on('serverHeartbeatSucceeded', onEnded);
  client.on('serverHeartbeatFailed', onEnded);
  let reopening = false;
  let closed = false;
  const reopen = async (): Promise<void> => {
    reopening = true;
    try {
      while (!closed) {
        try {
          await client.close();
          // Checks of the closed client end with it, with or without an event.
          started.clear();
          await client.connect();
          options.logger.info('database client reopened');
          return;
        } catch (error) {
          options.logger.warn({ err: error }, 'database client could not reopen yet');
          await new Promise((resolve) => setTimeout(resolve, 2000));
        }
      }
    } finally {
      reopening = false;
    }
  };
  const timer = setInterval(() => {
    const now = Date.now();
    for (const [address, at] of started) {
      if (now - at < options.stuckAfterMs || reopening) continue;
      started.delete(address);
      options.logger.warn({ address, waitedMs: now - at }, 'database monitor check hung: reopening the client');
      void reopen();
    }
  }, 1000);
  timer.unref();
  return () => {
    closed = true;
    clearInterval(timer);
    client.off('serverHeartbeatStarted', onStarted);
    client.off('serverHeartbeatSucceeded', onEnded);
    client.off('serverHeartbeatFailed', onEnded);
  };
}
