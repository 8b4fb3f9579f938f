import { CronSyntaxError, type CronField } from './cron.error.js';

/** Years a schedule may name; fire times are searched up to MAX_YEAR. */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2099;

/**
 * A parsed Quartz expression, in the shape Quartz's CronExpression keeps it: sorted sets
 * per field, with the day-of-month and day-of-week rules beside them.
 */
export interface QuartzSpec {
  seconds: readonly number[];
  minutes: readonly number[];
  hours: readonly number[];
  /** Plain days of the month 1-31; empty when the field is `?` or only L/W forms. */
  daysOfMonth: readonly number[];
  /** `L` (0) and `L-n` (n): days counted back from the last day of the month. */
  lastDayOffsets: readonly number[];
  /** `nW` base days; `LW` is the base `L` (kept as lastDayOffset 0 here). */
  weekdayBaseDays: readonly number[];
  weekdayBaseLast: boolean;
  months: readonly number[];
  /** Quartz weekdays 1-7 = SUN-SAT. */
  daysOfWeek: readonly number[];
  /** `nL`: the last such weekday of the month. */
  lastDayOfWeek: boolean;
  /** `n#k`: k, else 0. */
  nthDayOfWeek: number;
  years: readonly number[] | null;
  dayOfMonthUnspecified: boolean;
  dayOfWeekUnspecified: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldRule {
  field: CronField;
  min: number;
  max: number;
  names?: readonly string[];
  /** What a person reads in the error for an out-of-range value. */
  range: string;
}

export const fieldRules = {
  second: { field: 'second', min: 0, max: 59, range: '0-59' },
  minute: { field: 'minute', min: 0, max: 59, range: '0-59' },
  hour: { field: 'hour', min: 0, max: 23, range: '0-23' },
  dayOfMonth: { field: 'dayOfMonth', min: 1, max: 31, range: '1-31' },
  month: { field: 'month', min: 1, max: 12, names: MONTHS, range: '1-12 or JAN-DEC' },
  dayOfWeek: { field: 'dayOfWeek', min: 1, max: 7, names: DAYS, range: '1-7 (SUN-SAT) or SUN-SAT' },
  year: { field: 'year', min: MIN_YEAR, max: MAX_YEAR, range: `${MIN_YEAR}-${MAX_YEAR}` },
} as const satisfies Record<string, FieldRule>;

function fail(rule: FieldRule, reason: string): never {
  throw new CronSyntaxError(rule.field, reason);
}

function value(rule: FieldRule, text: string): number {
  const upper = text.toUpperCase();
  const named = rule.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d{1,4}$/.test(text)) {
    fail(rule, rule.names === undefined ? `'${text}' is not a number` : `'${text}' is neither a number nor one of ${rule.names.join(', ')}`);
  }
  const number = Number(text);
  if (number < rule.min || number > rule.max) fail(rule, `'${text}' is out of range ${rule.range}`);
  return number;
}

/** `*`, `a`, `a-b` (wrapping past the end, as Quartz does), each with an optional `/step`. */
function rangeValues(rule: FieldRule, item: string): number[] {
  const [base, stepText, extra] = item.split('/');
  if (extra !== undefined || base === undefined) fail(rule, `'${item}' has more than one '/'`);
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d{1,4}$/.test(stepText)) fail(rule, `'${item}': the step after '/' must be a number`);
    step = Number(stepText);
    if (step < 1) fail(rule, `'${item}': the step must be at least 1`);
    if (step > rule.max - rule.min + (rule.min === 0 ? 0 : 1) && rule.field !== 'year') fail(rule, `'${item}': the step ${step} is larger than the field's range ${rule.range}`);
  }
  let start: number;
  let end: number;
  if (base === '*') {
    start = rule.min;
    end = rule.max;
  } else if (base.includes('-')) {
    const [from, to, more] = base.split('-');
    if (more !== undefined || from === undefined || to === undefined || from === '' || to === '') fail(rule, `'${item}' is not a valid range`);
    start = value(rule, from);
    end = value(rule, to);
  } else {
    start = value(rule, base);
    // `a/n` runs from a to the end of the field, like `a-max/n`.
    end = stepText === undefined ? start : rule.max;
  }
  const span = rule.max - rule.min + 1;
  const out: number[] = [];
  const length = end >= start ? end - start : end + span - start;
  for (let offset = 0; offset <= length; offset += step) {
    let current = start + offset;
    if (current > rule.max) current -= span;
    out.push(current);
  }
  return out;
}

function sorted(values: Iterable<number>): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function simpleField(rule: FieldRule, text: string): number[] {
  if (text === '?') fail(rule, "'?' can only be used in the day-of-month or day-of-week field");
  if (/[LW#]/i.test(text.replace(/[A-Z]{3}/gi, (name) => (rule.names?.includes(name.toUpperCase()) === true ? '' : name)))) {
    fail(rule, `'${text}': L, W and # are only allowed in the day fields`);
  }
  return sorted(text.split(',').flatMap((item) => (item === '' ? fail(rule, `'${text}' has an empty list item`) : rangeValues(rule, item))));
}

interface DayOfMonth {
  days: number[];
  lastOffsets: number[];
  weekdayBases: number[];
  weekdayLast: boolean;
  unspecified: boolean;
}

function dayOfMonthField(text: string): DayOfMonth {
  const rule = fieldRules.dayOfMonth;
  const result: DayOfMonth = { days: [], lastOffsets: [], weekdayBases: [], weekdayLast: false, unspecified: false };
  if (text === '?') return { ...result, unspecified: true };
  for (const item of text.toUpperCase().split(',')) {
    if (item === '') fail(rule, `'${text}' has an empty list item`);
    if (item === 'L') result.lastOffsets.push(0);
    else if (item === 'LW') result.weekdayLast = true;
    else if (/^L-\d+$/.test(item)) {
      const offset = Number(item.slice(2));
      if (offset > 30) fail(rule, `'${item}': the offset from the last day must be at most 30`);
      result.lastOffsets.push(offset);
    } else if (item.endsWith('W')) {
      const base = item.slice(0, -1);
      if (!/^\d{1,2}$/.test(base)) fail(rule, `'${item}': W must follow a single day, as in 15W, or L (LW)`);
      result.weekdayBases.push(value(rule, base));
    } else if (item.includes('L') || item.includes('W') || item.includes('#')) {
      fail(rule, `'${item}' is not a valid day of the month (use L, L-n, LW, nW, numbers, ranges or steps)`);
    } else {
      result.days.push(...rangeValues(rule, item));
    }
  }
  return { ...result, days: sorted(result.days), lastOffsets: sorted(result.lastOffsets), weekdayBases: sorted(result.weekdayBases) };
}

interface DayOfWeek {
  days: number[];
  last: boolean;
  nth: number;
  unspecified: boolean;
}

function dayOfWeekField(text: string): DayOfWeek {
  const rule = fieldRules.dayOfWeek;
  if (text === '?') return { days: [], last: false, nth: 0, unspecified: true };
  const upper = text.toUpperCase();
  if (upper === 'L') return { days: [7], last: false, nth: 0, unspecified: false };
  const items = upper.split(',');
  const special = items.filter((item) => /L$|#/.test(item));
  if (special.length > 0) {
    if (items.length > 1) fail(rule, `'${text}': 'L' and '#' cannot be combined with other days of the week`);
    const item = items[0]!;
    if (item.endsWith('L')) {
      return { days: [value(rule, item.slice(0, -1))], last: true, nth: 0, unspecified: false };
    }
    const [day, nth, more] = item.split('#');
    if (more !== undefined || day === undefined || nth === undefined) fail(rule, `'${item}' is not a valid n#k form`);
    if (!/^[1-5]$/.test(nth)) fail(rule, `'${item}': a number between 1 and 5 must follow '#'`);
    return { days: [value(rule, day)], last: false, nth: Number(nth), unspecified: false };
  }
  return { days: sorted(items.flatMap((item) => (item === '' ? fail(rule, `'${text}' has an empty list item`) : rangeValues(rule, item)))), last: false, nth: 0, unspecified: false };
}

/** Parses 6 or 7 Quartz fields (`sec min hour dayOfMonth month dayOfWeek [year]`). */
export function parseQuartz(fields: readonly string[]): QuartzSpec {
  const [second, minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string, string | undefined];
  const dayOfMonth = dayOfMonthField(dom);
  const dayOfWeek = dayOfWeekField(dow);
  if (dayOfMonth.unspecified === dayOfWeek.unspecified) {
    throw new CronSyntaxError(
      dayOfMonth.unspecified ? 'dayOfMonth' : 'dayOfWeek',
      dayOfMonth.unspecified
        ? "day-of-month and day-of-week are both '?'; set one of them"
        : "specifying both a day-of-month and a day-of-week is not supported; put '?' in one of them (e.g. '0 0 12 * * ?')",
    );
  }
  return {
    seconds: simpleField(fieldRules.second, second),
    minutes: simpleField(fieldRules.minute, minute),
    hours: simpleField(fieldRules.hour, hour),
    daysOfMonth: dayOfMonth.days,
    lastDayOffsets: dayOfMonth.lastOffsets,
    weekdayBaseDays: dayOfMonth.weekdayBases,
    weekdayBaseLast: dayOfMonth.weekdayLast,
    months: simpleField(fieldRules.month, month),
    daysOfWeek: dayOfWeek.days,
    lastDayOfWeek: dayOfWeek.last,
    nthDayOfWeek: dayOfWeek.nth,
    years: year === undefined || year === '*' ? null : simpleField(fieldRules.year, year),
    dayOfMonthUnspecified: dayOfMonth.unspecified,
    dayOfWeekUnspecified: dayOfWeek.unspecified,
  };
}
