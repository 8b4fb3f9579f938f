import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export type HealthCheck = () => boolean | Promise<boolean>;
export type ProbeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface HealthHandlers {
  /** Alive: the process answers. */
  healthz: ProbeHandler;
  /** Ready: every dependency check passes (NATS connected, Mongo connected, …). */
  readyz: ProbeHandler;
  metrics: ProbeHandler;
}

/** Probe handlers usable by a plain node:http server and by Express alike. */
export function createHealthHandlers(options: { checks: Record<string, HealthCheck>; registry: Registry; isStopping?: () => boolean }): HealthHandlers {
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.setHeader('cache-control', 'no-store');
    res.end(JSON.stringify(body));
  };
  return {
    async healthz(_req, res) {
      send(res, 200, { status: 'ok' });
    },
    async readyz(_req, res) {
      const results: Record<string, boolean> = {};
      for (const [name, check] of Object.entries(options.checks)) {
        try {
          results[name] = await check();
        } catch {
          results[name] = false;
        }
      }
      const stopping = options.isStopping?.() ?? false;
      const ready = !stopping && Object.values(results).every(Boolean);
      send(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', ...(stopping ? { stopping } : {}), checks: results });
    },
    async metrics(_req, res) {
      const text = await options.registry.metrics();
      res.statusCode = 200;
      res.setHeader('content-type', options.registry.contentType);
      res.end(text);
    },
  };
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** A small listener for services that have no HTTP server of their own. */
export async function startHealthServer(options: { port: number; host: string; handlers: HealthHandlers; logger: Logger }): Promise<HealthServer> {
  const routes: Record<string, ProbeHandler> = {
    '/healthz': options.handlers.healthz,
    '/readyz': options.handlers.readyz,
    '/metrics': options.handlers.metrics,
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const handler = req.method === 'GET' ? routes[path] : undefined;
    if (handler === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    handler(req, res).catch((error: unknown) => {
      options.logger.error({ err: error, path }, 'probe failed');
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ port }, 'probe listener up');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
