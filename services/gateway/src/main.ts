import { createLogger, exitOnConfigError, runUntilSignalled } from '@jobwire/service-kit';
import { buildGateway } from './app.js';
import { loadGatewayConfig, shutdownDeadlineMs } from './config.js';

const config = exitOnConfigError(() => loadGatewayConfig());
const logger = createLogger({ name: 'gateway', level: config.LOG_LEVEL });
const gateway = await buildGateway(config, { logger });
await runUntilSignalled({
  start: () => gateway.start(),
  stop: () => gateway.stop(),
  logger,
  shutdownTimeoutMs: shutdownDeadlineMs(config),
});
