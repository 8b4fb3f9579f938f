import { ExecBeatSchema, execBeatSubject } from '@jobwire/contracts';
import { isNatsUp, nextReconnect, type Logger, type NatsConnection } from '@jobwire/service-kit';

/** A run's executor is taken for gone after this many beats in a row did not come. */
const MISSED_BEATS = 5;

export interface LostExecutor {
  executor: string;
  cause: string;
}

export interface BeatWatch {
  /** Where executors beat for the runs this replica dispatches, and how often. */
  readonly beat: { subject: string; everyMs: number };
  /**
   * Watches one attempt: `lost` resolves if its executor, having beaten at least once,
   * stops beating. Runs on executors that never beat end at their deadline instead.
   */
  watch(runId: string, attempt: number): { lost: Promise<LostExecutor>; done(): void };
  close(): void;
}

/**
 * Tells a run whose executor died (killed, its machine gone) from one still running,
 * long before the run's deadline. Nothing is judged while NATS is down or just back, or
 * after this process itself stalled: beats may only be late then.
 */
export function createBeatWatch(nc: NatsConnection, instanceId: string, everyMs: number, logger: Logger): BeatWatch {
  const limitMs = everyMs * MISSED_BEATS;
  const watched = new Map<string, { last: number; executor?: string; lose(lost: LostExecutor): void }>();
  const subject = execBeatSubject(instanceId);
  const subscription = nc.subscribe(subject, {
    callback: (error, msg) => {
      if (error !== null) return;
      let body: unknown;
      try {
        body = msg.json();
      } catch {
        return;
      }
      const beat = ExecBeatSchema.safeParse(body);
      if (!beat.success) return;
      const entry = watched.get(`${beat.data.runId}#${beat.data.attempt}`);
      if (entry === undefined) return;
      entry.last = Date.now();
      entry.executor = beat.data.executor;
    },
  });
  let judgeAfter = 0;
  const holdOff = () => {
    judgeAfter = Date.now() + limitMs;
    for (const entry of watched.values()) entry.last = Math.max(entry.last, Date.now());
  };
  let closed = false;
  let reconnect = nextReconnect(nc);
  void (async () => {
    for (;;) {
      await reconnect.reconnected;
      if (closed) return;
      holdOff();
      reconnect = nextReconnect(nc);
    }
  })();
  let lastTick = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const stalled = now - lastTick > 2 * everyMs;
    lastTick = now;
    if (stalled || !isNatsUp(nc)) holdOff();
    if (now < judgeAfter) return;
    for (const [key, entry] of watched) {
      if (entry.executor === undefined || now - entry.last <= limitMs) continue;
      watched.delete(key);
      logger.warn({ run: key, executor: entry.executor }, 'executor stopped beating during a run');
      entry.lose({ executor: entry.executor, cause: `executor ${entry.executor} stopped during the run (no sign of it for ${Math.round((now - entry.last) / 100) / 10} s)` });
    }
  }, everyMs);
  timer.unref();
  return {
    beat: { subject, everyMs },
    watch(runId, attempt) {
      const key = `${runId}#${attempt}`;
      let lose: (lost: LostExecutor) => void = () => undefined;
      const lost = new Promise<LostExecutor>((resolve) => {
        lose = resolve;
      });
      watched.set(key, { last: Date.now(), lose });
      return { lost, done: () => watched.delete(key) };
    },
    close() {
      closed = true;
      reconnect.cancel();
      clearInterval(timer);
      subscription.unsubscribe();
    },
  };
}
