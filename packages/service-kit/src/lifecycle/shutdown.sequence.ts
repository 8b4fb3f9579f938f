import type { Logger } from 'pino';

export interface ShutdownResult {
  /** Every step finished in time without error. */
  clean: boolean;
  failed: string[];
}

export interface ShutdownSequence {
  /** Adds a step; steps run in the order they were added. */
  add(name: string, step: () => unknown): void;
  /** Runs every step within one overall deadline. A late or failing step is logged and the next one still runs. */
  run(deadlineMs: number): Promise<ShutdownResult>;
}

/** The least time a step gets even when the deadline is spent, so connections still close. */
const MIN_STEP_MS = 250;

/**
 * Ordered shutdown: stop taking work, finish in-flight work, drain NATS, close Mongo.
 * Steps are sequential because each depends on the previous one being done.
 */
export function createShutdownSequence(logger: Logger): ShutdownSequence {
  const steps: Array<{ name: string; step: () => unknown }> = [];
  return {
    add(name, step) {
      steps.push({ name, step });
    },
    async run(deadlineMs) {
      const until = Date.now() + deadlineMs;
      const failed: string[] = [];
      for (const { name, step } of steps) {
        const budget = Math.max(MIN_STEP_MS, until - Date.now());
        let timer: NodeJS.Timeout | undefined;
        try {
          const outcome = await Promise.race([
            Promise.resolve()
              .then(step)
              .then(() => 'done' as const),
            new Promise<'late'>((resolve) => {
              timer = setTimeout(() => resolve('late'), budget);
            }),
          ]);
          if (outcome === 'late') {
            failed.push(name);
            logger.warn({ step: name, budgetMs: budget }, 'shutdown step did not finish before the deadline');
          } else {
            logger.debug({ step: name }, 'shutdown step done');
          }
        } catch (error) {
          failed.push(name);
          logger.error({ err: error, step: name }, 'shutdown step failed');
        } finally {
          clearTimeout(timer);
        }
      }
      return { clean: failed.length === 0, failed };
    },
  };
}
