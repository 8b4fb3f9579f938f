import { createExecutor, type Executor } from '@jobwire/executor';
import { connectNats, createHealthHandlers, createMetricsRegistry, isNatsUp, startHealthServer, type HealthServer, type Logger } from '@jobwire/service-kit';
import type { ExecutorConfig } from './config.js';
import { echoHandler } from './handlers/echo.handler.js';
import { failHandler } from './handlers/fail.handler.js';
import { httpHandler } from './handlers/http.handler.js';
import { sleepHandler } from './handlers/sleep.handler.js';

export const EXECUTOR_VERSION = '0.1.0';

export interface SampleExecutorApp {
  start(): Promise<{ healthPort: number; instanceId: string }>;
  stop(): Promise<void>;
}

/** The sample executor: handlers `echo`, `sleep`, `http` and `fail`, probes on HEALTH_PORT. */
export async function buildExecutorApp(config: ExecutorConfig, logger: Logger): Promise<SampleExecutorApp> {
  const nc = await connectNats({ url: config.NATS_URL, name: `executor-${config.INSTANCE_ID}`, logger });
  const executor: Executor = createExecutor({ nats: nc, logger, version: EXECUTOR_VERSION, instanceName: config.INSTANCE_ID, stopGraceMs: config.STOP_GRACE_MS })
    .handle('echo', echoHandler)
    .handle('sleep', sleepHandler)
    .handle('http', httpHandler(config.HTTP_HANDLER_MAX_TIMEOUT_MS))
    .handle('fail', failHandler);
  const registry = createMetricsRegistry({ service: 'executor' });
  let probes: HealthServer | undefined;
  let stopping = false;
  return {
    async start() {
      const { instanceId } = await executor.start();
      probes = await startHealthServer({
        port: config.HEALTH_PORT,
        host: config.HEALTH_HOST,
        logger,
        handlers: createHealthHandlers({ registry, checks: { nats: () => isNatsUp(nc) }, isStopping: () => stopping }),
      });
      return { healthPort: probes.port, instanceId };
    },
    async stop() {
      stopping = true;
      await executor.stop();
      await nc.drain();
      await probes?.close();
    },
  };
}
