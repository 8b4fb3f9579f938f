import { MAX_YEAR, type QuartzSpec } from './quartz.parser.js';
import { ZonedCalendar } from './zoned.calendar.js';

/** Last day of a month (1-12). */
export function lastDayOfMonth(month: number, year: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function ceiling(values: readonly number[], from: number): number | undefined {
  for (const value of values) if (value >= from) return value;
  return undefined;
}

/** The smallest day ≥ `day` in the month allowed by plain days and `L-n` offsets. */
function smallestDay(day: number, lastDay: number, days: readonly number[], lastOffsets: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const offset of lastOffsets) {
    const candidate = lastDay - offset;
    if (candidate >= day && (best === undefined || candidate < best)) best = candidate;
  }
  const plain = ceiling(days, day);
  if (plain !== undefined && plain <= lastDay && (best === undefined || plain < best)) return plain;
  return best;
}

function setHour(cl: ZonedCalendar, hour: number): void {
  cl.set('hour', hour);
  if (cl.get('hour') !== hour && hour !== 24) cl.set('hour', hour + 1);
}

function resetTo(cl: ZonedCalendar, day: number, month: number, year?: number): void {
  cl.set('second', 0);
  cl.set('minute', 0);
  cl.set('hour', 0);
  cl.set('day', day);
  cl.set('month', month);
  if (year !== undefined) cl.set('year', year);
}

/**
 * The first fire time after `after` (epoch ms), or null: a port of Quartz's
 * CronExpression.getTimeAfter, step for step, so that fire times (and their quirks
 * around daylight saving and `W`) are Quartz's own.
 */
export function quartzTimeAfter(spec: QuartzSpec, zone: string, after: number): number | null {
  // Quartz moves one second on and drops the milliseconds; its W check compares with
  // the moved time as it is.
  const afterTime = after + 1000;
  const cl = new ZonedCalendar(zone, Math.floor(afterTime / 1000) * 1000);
  const first = (values: readonly number[]) => values[0]!;
  for (let guard = 0; guard < 100_000; guard += 1) {
    if (cl.get('year') > MAX_YEAR) return null;

    // second
    let sec = cl.get('second');
    let min = cl.get('minute');
    const nextSecond = ceiling(spec.seconds, sec);
    if (nextSecond !== undefined) sec = nextSecond;
    else {
      sec = first(spec.seconds);
      min += 1;
      cl.set('minute', min);
    }
    cl.set('second', sec);

    // minute
    min = cl.get('minute');
    let hr = cl.get('hour');
    const nextMinute = ceiling(spec.minutes, min);
    if (nextMinute === undefined || nextMinute !== min) {
      if (nextMinute !== undefined) min = nextMinute;
      else {
        min = first(spec.minutes);
        hr += 1;
      }
      cl.set('second', 0);
      cl.set('minute', min);
      setHour(cl, hr);
      continue;
    }
    cl.set('minute', min);

    // hour
    hr = cl.get('hour');
    let day = cl.get('day');
    const nextHour = ceiling(spec.hours, hr);
    if (nextHour === undefined || nextHour !== hr) {
      if (nextHour !== undefined) hr = nextHour;
      else {
        hr = first(spec.hours);
        day += 1;
      }
      cl.set('second', 0);
      cl.set('minute', 0);
      cl.set('day', day);
      setHour(cl, hr);
      continue;
    }
    cl.set('hour', hr);

    // day
    day = cl.get('day');
    let mon = cl.get('month');
    const year = cl.get('year');
    const lastDay = lastDayOfMonth(mon, year);
    if (!spec.dayOfMonthUnspecified) {
      const t = day;
      let chosen = -1;
      const plain = smallestDay(day, lastDay, spec.daysOfMonth, spec.lastDayOffsets);
      const base = smallestDay(day, lastDay, spec.weekdayBaseDays, spec.weekdayBaseLast ? [0] : []);
      if (base !== undefined) {
        chosen = base;
        const weekday = new Date(Date.UTC(year, mon - 1, base)).getUTCDay() + 1;
        if (weekday === 7 && base === 1) chosen += 2;
        else if (weekday === 7) chosen -= 1;
        else if (weekday === 1 && base === lastDay) chosen -= 2;
        else if (weekday === 1) chosen += 1;
        const probe = new ZonedCalendar(zone, afterTime);
        probe.set('year', year);
        probe.set('month', mon);
        probe.set('day', chosen);
        probe.set('hour', hr);
        probe.set('minute', min);
        probe.set('second', sec);
        if (probe.time() < afterTime) chosen = -1;
      }
      let advance = false;
      if (plain !== undefined) {
        if (chosen === -1 || plain < chosen) {
          chosen = plain;
          advance = true;
        }
      } else if (chosen === -1) {
        chosen = 1;
        mon += 1;
        advance = true;
      }
      if (advance && (chosen !== t || mon !== cl.get('month'))) {
        resetTo(cl, chosen, mon);
        continue;
      }
      day = chosen;
    } else if (spec.lastDayOfWeek) {
      const dow = first(spec.daysOfWeek);
      const cDow = cl.dayOfWeek();
      let daysToAdd = cDow < dow ? dow - cDow : cDow > dow ? dow + (7 - cDow) : 0;
      if (day + daysToAdd > lastDay) {
        resetTo(cl, 1, mon + 1);
        continue;
      }
      while (day + daysToAdd + 7 <= lastDay) daysToAdd += 7;
      day += daysToAdd;
      if (daysToAdd > 0) {
        resetTo(cl, day, mon);
        continue;
      }
    } else if (spec.nthDayOfWeek !== 0) {
      const dow = first(spec.daysOfWeek);
      const cDow = cl.dayOfWeek();
      let daysToAdd = cDow < dow ? dow - cDow : cDow > dow ? dow + (7 - cDow) : 0;
      const shifted = daysToAdd > 0;
      day += daysToAdd;
      let weekOfMonth = Math.floor(day / 7);
      if (day % 7 > 0) weekOfMonth += 1;
      daysToAdd = (spec.nthDayOfWeek - weekOfMonth) * 7;
      day += daysToAdd;
      if (daysToAdd < 0 || day > lastDay) {
        resetTo(cl, 1, mon + 1);
        continue;
      }
      if (daysToAdd > 0 || shifted) {
        resetTo(cl, day, mon);
        continue;
      }
    } else {
      const cDow = cl.dayOfWeek();
      const dow = ceiling(spec.daysOfWeek, cDow) ?? first(spec.daysOfWeek);
      const daysToAdd = cDow < dow ? dow - cDow : cDow > dow ? dow + (7 - cDow) : 0;
      if (day + daysToAdd > lastDay) {
        resetTo(cl, 1, mon + 1);
        continue;
      }
      if (daysToAdd > 0) {
        resetTo(cl, day + daysToAdd, mon);
        continue;
      }
    }
    cl.set('day', day);

    // month
    mon = cl.get('month');
    let y = cl.get('year');
    if (y > MAX_YEAR) return null;
    const nextMonth = ceiling(spec.months, mon);
    if (nextMonth === undefined || nextMonth !== mon) {
      if (nextMonth !== undefined) mon = nextMonth;
      else {
        mon = first(spec.months);
        y += 1;
      }
      resetTo(cl, 1, mon, y);
      continue;
    }
    cl.set('month', mon);

    // year
    y = cl.get('year');
    if (spec.years !== null) {
      const nextYear = ceiling(spec.years, y);
      if (nextYear === undefined) return null;
      if (nextYear !== y) {
        resetTo(cl, 1, 1, nextYear);
        continue;
      }
    }
    cl.set('year', y);
    return cl.time();
  }
  return null;
}
