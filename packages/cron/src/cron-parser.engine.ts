import { CronExpressionParser } from 'cron-parser';
import { MAX_YEAR, type QuartzSpec } from './quartz.parser.js';
import { instantToWall } from './zone.js';

function list(values: readonly number[], min: number, max: number, shift = 0): string {
  if (values.length === max - min + 1) return '*';
  return values.map((value) => value + shift).join(',');
}

/**
 * cron-parser's six-field form of a Quartz spec, when cron-parser gives the same fire
 * times: no L, W, # or year, and a zone without daylight saving (Quartz's handling of
 * skipped and repeated wall-clock times is its own).
 */
export function cronParserExpression(spec: QuartzSpec): string | undefined {
  const special =
    spec.lastDayOffsets.length > 0 || spec.weekdayBaseDays.length > 0 || spec.weekdayBaseLast || spec.lastDayOfWeek || spec.nthDayOfWeek !== 0 || spec.years !== null;
  if (special) return undefined;
  return [
    list(spec.seconds, 0, 59),
    list(spec.minutes, 0, 59),
    list(spec.hours, 0, 23),
    spec.dayOfMonthUnspecified ? '*' : list(spec.daysOfMonth, 1, 31),
    list(spec.months, 1, 12),
    // Quartz counts SUN-SAT as 1-7, cron-parser as 0-6.
    spec.dayOfWeekUnspecified ? '*' : list(spec.daysOfWeek, 1, 7, -1),
  ].join(' ');
}

/** True when cron-parser takes the expression (it refuses some Quartz accepts, e.g. 30 February). */
export function cronParserAccepts(expression: string, zone: string): boolean {
  try {
    CronExpressionParser.parse(expression, { tz: zone, strict: false });
    return true;
  } catch {
    return false;
  }
}

type ParsedExpression = ReturnType<typeof CronExpressionParser.parse>;

/** Parsed expressions per zone, reused with `reset` (parsing cost as much as stepping). */
const parsed = new Map<string, ParsedExpression>();
const PARSED_LIMIT = 2000;

function parsedFor(expression: string, zone: string): ParsedExpression {
  const key = `${zone} ${expression}`;
  let found = parsed.get(key);
  if (found === undefined) {
    found = CronExpressionParser.parse(expression, { tz: zone });
    if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, found);
  }
  return found;
}

/** The next fire time strictly after `after` by cron-parser, or null. */
export function cronParserTimeAfter(expression: string, zone: string, after: number): number | null {
  const iterator = parsedFor(expression, zone);
  iterator.reset(new Date(Math.floor(after / 1000) * 1000));
  let next: number;
  try {
    next = iterator.next().toDate().getTime();
  } catch {
    // cron-parser throws when no time is left within its search range.
    return null;
  }
  // Both engines end at the same year.
  return new Date(instantToWall(zone, next)).getUTCFullYear() > MAX_YEAR ? null : next;
}
