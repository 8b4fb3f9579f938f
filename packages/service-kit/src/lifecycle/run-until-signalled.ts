import type { Logger } from 'pino';

export interface Lifecycle {
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
  logger: Logger;
  shutdownTimeoutMs: number;
}

/** How long past its shutdown deadline a stopping process is given before it is ended. */
export const HARD_STOP_MARGIN_MS = 2000;

/** The longest a SIGTERM-to-exit can take: the deadline plus the hard-stop margin. */
export function exitWithinMs(shutdownTimeoutMs: number): number {
  return shutdownTimeoutMs + HARD_STOP_MARGIN_MS;
}

/**
 * Starts the app and stops it in order on SIGTERM or SIGINT. A second signal, or a stop
 * that overruns the deadline by a margin, ends the process at once with exit code 1.
 */
export async function runUntilSignalled(lifecycle: Lifecycle): Promise<void> {
  const { logger } = lifecycle;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    const hardStop = setTimeout(() => {
      logger.error({ deadlineMs: lifecycle.shutdownTimeoutMs }, 'shutdown overran its deadline: exiting now');
      process.exit(1);
    }, exitWithinMs(lifecycle.shutdownTimeoutMs));
    hardStop.unref();
    lifecycle
      .stop()
      .then(() => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await lifecycle.start();
  } catch (error) {
    logger.fatal({ err: error }, 'start failed');
    await lifecycle.stop().catch(() => undefined);
    process.exit(1);
  }
}
