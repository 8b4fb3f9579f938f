import type { Handler } from '@jobwire/executor';

/** Answers with what it was given: the parsed params, the run id and the attempt. */
export const echoHandler: Handler = async (ctx) => {
  await Promise.resolve();
  return { params: ctx.paramsJson, runId: ctx.runId, attempt: ctx.attempt };
};
