import type { Handler } from '@jobwire/executor';

/** Always fails with `params.message`: shows how an executor error is recorded. */
export const failHandler: Handler = async (ctx) => {
  await Promise.resolve();
  const params = ctx.paramsJson;
  const message = typeof params === 'object' && params !== null && 'message' in params && typeof params.message === 'string' ? params.message : 'failed on purpose';
  throw new Error(message);
};
