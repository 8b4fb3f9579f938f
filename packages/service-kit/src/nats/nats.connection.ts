import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { batchSocketWrites } from './write-batching.js';

export type { NatsConnection } from '@nats-io/nats-core';

/** Connections between a disconnect and the next reconnect. */
const disconnected = new WeakSet<NatsConnection>();
/** Callbacks waiting for a connection's next reconnect. */
const reconnectWaiters = new WeakMap<NatsConnection, Set<() => void>>();
/** When each connection last reconnected (epoch ms). */
const reconnectedAt = new WeakMap<NatsConnection, number>();

/** When the connection last reconnected (epoch ms), or -Infinity if it never has. */
export function lastReconnectAt(nc: NatsConnection): number {
  return reconnectedAt.get(nc) ?? Number.NEGATIVE_INFINITY;
}

/**
 * Resolves at the connection's next reconnect (never, for a connection not made by
 * connectNats). A request written to a server that went down may be lost without an
 * answer: whoever waits on one can send it again once this resolves.
 */
export function nextReconnect(nc: NatsConnection): { reconnected: Promise<void>; cancel(): void } {
  let waiters = reconnectWaiters.get(nc);
  if (waiters === undefined) {
    waiters = new Set();
    reconnectWaiters.set(nc, waiters);
  }
  const set = waiters;
  let done: () => void = () => undefined;
  const reconnected = new Promise<void>((resolve) => {
    done = () => {
      set.delete(done);
      resolve();
    };
  });
  set.add(done);
  return { reconnected, cancel: () => set.delete(done) };
}

/**
 * Connects with endless reconnects: a broker restart must not take the process down.
 * The first connect retries until `connectTimeoutMs` so services may start before NATS.
 */
export async function connectNats(options: { url: string; name: string; logger: Logger; connectTimeoutMs?: number }): Promise<NatsConnection> {
  const { logger } = options;
  const nc = await connect({
    servers: options.url.split(',').map((s) => s.trim()),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    timeout: options.connectTimeoutMs ?? 20_000,
    pingInterval: 20_000,
    // Capturing a stack per request for async traces cost ~9% of the gateway's CPU under load.
    noAsyncTraces: true,
  });
  void (async () => {
    for await (const status of nc.status()) {
      switch (status.type) {
        case 'disconnect':
          disconnected.add(nc);
          logger.warn({ server: status.server }, 'NATS disconnected');
          break;
        case 'reconnect':
          disconnected.delete(nc);
          reconnectedAt.set(nc, Date.now());
          batchSocketWrites(nc);
          for (const wake of [...(reconnectWaiters.get(nc) ?? [])]) wake();
          logger.info({ server: status.server }, 'NATS reconnected');
          break;
        case 'error':
          logger.error({ err: status.error }, 'NATS error');
          break;
        default:
          break;
      }
    }
  })();
  if (!batchSocketWrites(nc)) logger.warn('NATS writes are not batched: the client library changed shape');
  logger.info({ server: nc.getServer() }, 'NATS connected');
  return nc;
}

/** Connected, not reconnecting and not draining: a readiness check. */
export function isNatsUp(nc: NatsConnection): boolean {
  return !nc.isClosed() && !nc.isDraining() && !disconnected.has(nc);
}
