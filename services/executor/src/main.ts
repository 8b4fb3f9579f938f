import { createLogger, exitOnConfigError, runUntilSignalled } from '@jobwire/service-kit';
import { buildExecutorApp } from './app.js';
import { loadExecutorConfig, shutdownDeadlineMs } from './config.js';

const config = exitOnConfigError(() => loadExecutorConfig());
const logger = createLogger({ name: 'executor', level: config.LOG_LEVEL });
const app = await buildExecutorApp(config, logger);
await runUntilSignalled({ start: () => app.start(), stop: () => app.stop(), logger, shutdownTimeoutMs: shutdownDeadlineMs(config) });
