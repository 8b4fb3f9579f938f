import type { Logger } from '@jobwire/service-kit';

/** How soon a full read that failed is tried again. */
const RETRY_MS = 5000;

export interface FullReload {
  /** Starts a full read unless one is under way (a failed one is tried again after RETRY_MS). */
  run(): void;
  /** The full read under way, if any. */
  current(): Promise<void> | undefined;
  /** Starts a full read after the one under way (which may have begun before a change). */
  after(): Promise<void>;
  close(): void;
}

/**
 * The full read of a listing index: one at a time, again every `everyMs`, retried while
 * it fails (the index answers from what it has, or not at all, meanwhile).
 */
export function createFullReload(options: { read: () => Promise<void>; everyMs: number; logger: Logger; what: string }): FullReload {
  let loading: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  function load(): Promise<void> {
    loading ??= options.read().finally(() => {
      loading = undefined;
    });
    return loading;
  }
  function failed(error: unknown): void {
    options.logger.warn({ err: error }, `${options.what} could not load; listings ask the database`);
    if (closed || retry !== undefined) return;
    retry = setTimeout(() => {
      retry = undefined;
      run();
    }, RETRY_MS);
    retry.unref();
  }
  function run(): void {
    if (!closed) load().catch(failed);
  }
  const timer = setInterval(run, options.everyMs);
  timer.unref();

  return {
    run,
    current: () => loading,
    after() {
      const next = (loading ?? Promise.resolve()).catch(() => undefined).then(load);
      next.catch(failed);
      return next;
    },
    close() {
      closed = true;
      clearInterval(timer);
      clearTimeout(retry);
    },
  };
}
