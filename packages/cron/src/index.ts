import { cronParserAccepts, cronParserExpression, cronParserTimeAfter } from './cron-parser.engine.js';
import { CronSyntaxError } from './cron.error.js';
import { quartzTimeAfter } from './quartz.evaluator.js';
import { parseQuartz, type QuartzSpec } from './quartz.parser.js';
import { unixToQuartz } from './unix.dialect.js';
import { isValidTimeZone, zoneChangesOffset } from './zone.js';

export { CronSyntaxError, type CronField } from './cron.error.js';
export { formatInZone, isValidTimeZone } from './zone.js';
export { MAX_YEAR, MIN_YEAR } from './quartz.parser.js';

export interface CronSchedule {
  /** As written. */
  readonly expression: string;
  readonly timeZone: string;
  /** 6 or 7 fields: Quartz; 5 fields: Unix. */
  readonly dialect: 'quartz' | 'unix';
  readonly engine: 'cron-parser' | 'quartz';
  /** The first fire time strictly after `after` (second precision), or null when it never fires again. */
  next(after: Date): Date | null;
  /** Up to `count` consecutive fire times after `after`; fewer when the schedule ends. */
  nextTimes(after: Date, count: number): Date[];
  /** How many fire times fall after `after` and at or before `until`, counting up to `limit`. */
  countUntil(after: Date, until: Date, limit: number): number;
}

export interface ParseOptions {
  /** Force an engine (tests compare them); by default cron-parser serves what it can. */
  engine?: 'cron-parser' | 'quartz';
}

const dstZones = new Map<string, boolean>();

function changesOffset(zone: string): boolean {
  let known = dstZones.get(zone);
  if (known === undefined) {
    known = zoneChangesOffset(zone);
    dstZones.set(zone, known);
  }
  return known;
}

type Step = (after: number) => number | null;

function stepFor(spec: QuartzSpec, zone: string, options: ParseOptions): { step: Step; engine: 'cron-parser' | 'quartz' } {
  const expression = options.engine === 'quartz' ? undefined : cronParserExpression(spec);
  const translated = expression !== undefined && cronParserAccepts(expression, zone) ? expression : undefined;
  if (translated !== undefined && (options.engine === 'cron-parser' || !changesOffset(zone))) {
    return { step: (after) => cronParserTimeAfter(translated, zone, after), engine: 'cron-parser' };
  }
  if (options.engine === 'cron-parser') throw new CronSyntaxError('expression', 'cron-parser cannot express this schedule');
  return { step: (after) => quartzTimeAfter(spec, zone, after), engine: 'quartz' };
}

/**
 * Parses a Quartz (6 or 7 fields) or Unix (5 fields) cron expression for a time zone.
 * Fire times equal Quartz's CronExpression (a port of its search, with cron-parser
 * serving the schedules it expresses identically); Unix expressions follow Unix cron.
 */
export function parseCron(expression: string, timeZone: string, options: ParseOptions = {}): CronSchedule {
  const key = `${options.engine ?? ''} ${timeZone} ${expression}`;
  let schedule = schedules.get(key);
  if (schedule === undefined) {
    schedule = parseUncached(expression, timeZone, options);
    if (schedules.size >= SCHEDULES_LIMIT) schedules.delete(schedules.keys().next().value!);
    schedules.set(key, schedule);
  }
  return schedule;
}

/** Schedules are immutable: one parse serves every fire of a job. Invalid input is not kept. */
const schedules = new Map<string, CronSchedule>();
const SCHEDULES_LIMIT = 5000;

function parseUncached(expression: string, timeZone: string, options: ParseOptions): CronSchedule {
  if (!isValidTimeZone(timeZone)) throw new CronSyntaxError('timezone', `'${timeZone}' is not an IANA time zone`);
  if (typeof expression !== 'string' || expression.trim() === '') throw new CronSyntaxError('expression', 'is empty');
  const fields = expression.trim().split(/\s+/);
  let steps: { step: Step; engine: 'cron-parser' | 'quartz' }[];
  let dialect: 'quartz' | 'unix';
  if (fields.length === 6 || fields.length === 7) {
    dialect = 'quartz';
    steps = [stepFor(parseQuartz(fields), timeZone, options)];
  } else if (fields.length === 5) {
    dialect = 'unix';
    steps = unixToQuartz(fields).map((spec) => stepFor(spec, timeZone, options));
  } else {
    throw new CronSyntaxError('expression', `has ${fields.length} fields; expected 6 or 7 (Quartz: sec min hour day-of-month month day-of-week [year]) or 5 (Unix)`);
  }
  const next = (after: number): number | null => {
    let best: number | null = null;
    for (const { step } of steps) {
      const time = step(after);
      if (time !== null && (best === null || time < best)) best = time;
    }
    return best;
  };
  return {
    expression,
    timeZone,
    dialect,
    engine: steps.every((s) => s.engine === 'cron-parser') ? 'cron-parser' : 'quartz',
    next(after) {
      const time = next(after.getTime());
      return time === null ? null : new Date(time);
    },
    nextTimes(after, count) {
      const times: Date[] = [];
      let from = after.getTime();
      while (times.length < count) {
        const time = next(from);
        if (time === null) break;
        times.push(new Date(time));
        from = time;
      }
      return times;
    },
    countUntil(after, until, limit) {
      let count = 0;
      let from = after.getTime();
      const end = until.getTime();
      while (count < limit) {
        const time = next(from);
        if (time === null || time > end) break;
        count += 1;
        from = time;
      }
      return count;
    },
  };
}
