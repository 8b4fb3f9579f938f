import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface DrainOptions {
  /** Keep accepting this long after the stop starts, so connections already queued by the kernel are served, not reset. */
  acceptMs: number;
  /** A socket with nothing to answer is closed once it has been quiet this long (a request may still be arriving on a new one). */
  idleMs: number;
  /** After this, every socket left is cut. */
  cutMs: number;
}

export interface ConnectionDrain {
  /** Stops taking connections, answers every request on the ones taken, closes them, and resolves when none is left. */
  drain(options: DrainOptions): Promise<void>;
}

interface Tracked {
  active: number;
  quietSince: number;
}

const SWEEP_MS = 50;

/**
 * Tracks the server's sockets and their requests. Node's closeIdleConnections() treats a
 * socket whose request has not been parsed yet as idle, so under load it cuts requests
 * that were already sent; this drain closes only sockets that have been quiet for a while.
 * While draining, every answer carries `Connection: close`.
 */
export function trackConnections(server: Server): ConnectionDrain {
  const sockets = new Map<Socket, Tracked>();
  let draining = false;
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, { active: 0, quietSince: Date.now() });
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const tracked = sockets.get(req.socket);
    if (tracked === undefined) return;
    tracked.active += 1;
    if (draining && !res.headersSent) res.setHeader('connection', 'close');
    res.once('close', () => {
      tracked.active -= 1;
      tracked.quietSince = Date.now();
    });
  });

  return {
    async drain({ acceptMs, idleMs, cutMs }) {
      draining = true;
      const startedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, acceptMs));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const sweep = setInterval(() => {
        const now = Date.now();
        const cutAll = now - startedAt >= cutMs;
        for (const [socket, tracked] of sockets) {
          if (cutAll || (tracked.active === 0 && now - tracked.quietSince >= idleMs)) socket.destroy();
        }
      }, SWEEP_MS);
      try {
        await closed;
      } finally {
        clearInterval(sweep);
      }
    },
  };
}
