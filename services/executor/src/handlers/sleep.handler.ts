import type { Handler } from '@jobwire/executor';

/** Waits `params.ms` (or `params` as a number) milliseconds; stops at the deadline. */
export const sleepHandler: Handler = async (ctx) => {
  const ms = sleepMs(ctx.paramsJson);
  const startedAt = Date.now();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    ctx.signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new Error(`sleep interrupted after ${Date.now() - startedAt} ms: ${ctx.signal.reason instanceof Error ? ctx.signal.reason.message : 'aborted'}`));
      },
      { once: true },
    );
  });
  return { sleptMs: Date.now() - startedAt };
};

function sleepMs(params: unknown): number {
  const value = typeof params === 'object' && params !== null && 'ms' in params ? params.ms : params;
  const ms = typeof value === 'string' ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 86_400_000) {
    throw new Error('params must be {"ms": <0..86400000>} or a number of milliseconds');
  }
  return ms;
}
