import { createLogger, exitOnConfigError, runUntilSignalled } from '@jobwire/service-kit';
import { buildJobsApp } from './app.js';
import { loadJobsConfig, shutdownDeadlineMs } from './config.js';

const config = exitOnConfigError(() => loadJobsConfig());
const logger = createLogger({ name: 'jobs', level: config.LOG_LEVEL });
const app = await buildJobsApp(config, { logger });
await runUntilSignalled({ start: () => app.start(), stop: () => app.stop(), logger, shutdownTimeoutMs: shutdownDeadlineMs(config) });
