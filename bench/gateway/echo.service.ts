// The trivial echo endpoint behind the gateway for scenarios (b) and (c).
import { diagEndpoints, serviceNames } from '@jobwire/contracts';
import { connectNats, createLogger, createServiceHost } from '@jobwire/service-kit';

const logger = createLogger({ name: 'bench-echo', level: 'warn' });
const nc = await connectNats({ url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'bench-echo', logger });
const host = createServiceHost(nc, { name: serviceNames.diag, version: '0.1.0', logger });
await host.endpoint(diagEndpoints.echo, async (request) => ({ message: request.message ?? '', at: new Date().toISOString() }));
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
process.on('SIGTERM', () => {
  void host.stop().then(() => nc.drain()).then(() => process.exit(0));
});
