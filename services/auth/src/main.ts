import { createLogger, exitOnConfigError, runUntilSignalled } from '@jobwire/service-kit';
import { buildAuthApp } from './app.js';
import { loadAuthConfig, shutdownDeadlineMs } from './config.js';

const config = exitOnConfigError(() => loadAuthConfig());
const logger = createLogger({ name: 'auth', level: config.LOG_LEVEL });
const app = await buildAuthApp(config, { logger });
await runUntilSignalled({ start: () => app.start(), stop: () => app.stop(), logger, shutdownTimeoutMs: shutdownDeadlineMs(config) });
