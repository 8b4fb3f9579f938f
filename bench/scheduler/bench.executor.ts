/**
 * bench/scheduler (b): a real executor process (packages/executor) whose `bench` handler
 * reports its start on NATS `bench.fire` with the run's scheduled time.
 */
import { createExecutor } from '@jobwire/executor';
import { createLogger } from '@jobwire/service-kit';
import { connect } from '@nats-io/transport-node';

const nc = await connect({ servers: process.env.NATS_URL ?? '' });
const logger = createLogger({ name: 'bench-executor', level: 'warn' });
const executor = createExecutor({ nats: nc, logger, instanceName: 'bench-executor' }).handle('bench', (ctx) => {
  const start = Date.now();
  const params = ctx.paramsJson as { key: string };
  nc.publish('bench.fire', JSON.stringify({ key: params.key, kind: ctx.params?.includes('"once"') === true ? 'once' : 'tick', due: ctx.scheduledTime.getTime(), start, replica: 'executor' }));
  return Promise.resolve(true);
});
await executor.start();
nc.publish('bench.ready', 'executor');
process.on('SIGTERM', () => {
  void (async () => {
    await executor.stop();
    await nc.drain();
    process.exit(0);
  })();
});
