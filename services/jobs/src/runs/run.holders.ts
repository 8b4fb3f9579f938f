import { RunsHeldReplySchema, RunsHeldRequestSchema, runsHeldSubject } from '@jobwire/contracts';
import type { Logger } from '@jobwire/service-kit';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';

/** How long the sweeper waits for a replica to say which runs it still holds. */
const ASK_TIMEOUT_MS = 2000;

/**
 * Answers on this replica's `jobs.runs.held.<instanceId>` with the asked runs it is
 * still running.
 */
export function serveHeldRuns(nc: NatsConnection, instanceId: string, holds: (runIds: readonly string[]) => string[], logger: Logger): Subscription {
  return nc.subscribe(runsHeldSubject(instanceId), {
    callback: (error, msg) => {
      if (error !== null) {
        logger.warn({ err: error }, 'held-runs subscription failed');
        return;
      }
      let body: unknown;
      try {
        body = msg.json();
      } catch {
        body = undefined;
      }
      const request = RunsHeldRequestSchema.safeParse(body);
      msg.respond(JSON.stringify({ held: request.success ? holds(request.data.runIds) : [] }));
    },
  });
}

/**
 * Which of `runIds` the replica `instanceId` still runs. A replica that does not answer
 * (gone, or too busy to answer in time) holds none.
 */
export async function askHeldRuns(nc: NatsConnection, instanceId: string, runIds: readonly string[]): Promise<Set<string>> {
  try {
    const reply = await nc.request(runsHeldSubject(instanceId), JSON.stringify({ runIds }), { timeout: ASK_TIMEOUT_MS });
    const parsed = RunsHeldReplySchema.safeParse(reply.json());
    return new Set(parsed.success ? parsed.data.held.filter((id) => runIds.includes(id)) : []);
  } catch {
    return new Set();
  }
}
