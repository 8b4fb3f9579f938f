import { createLogger, exitOnConfigError, runUntilSignalled } from '@jobwire/service-kit';
import { buildUsersApp } from './app.js';
import { loadUsersConfig, shutdownDeadlineMs } from './config.js';

const config = exitOnConfigError(() => loadUsersConfig());
const logger = createLogger({ name: 'users', level: config.LOG_LEVEL });
const app = await buildUsersApp(config, { logger });
await runUntilSignalled({ start: () => app.start(), stop: () => app.stop(), logger, shutdownTimeoutMs: shutdownDeadlineMs(config) });
