import { describe, expect, it } from 'vitest';
import { CronSyntaxError, formatInZone, parseCron } from '../src/index.js';

const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');

describe('cron-parser and the Quartz evaluator agree where both apply', () => {
  const expressions = ['* * * * * ?', '0/7 * * * * ?', '0 0/13 * * * ?', '0 15,45 8-10 * * ?', '0 0 22-2 * * ?', '0 0 12 ? * MON-FRI', '0 0 12 ? * 1,7', '0 0 0 31 * ?', '0 0 0 29 2 ?', '0 30 9 1,15 JAN,JUN ?', '0 0 12 ? * FRI-MON'];
  const starts = ['2026-01-01T00:00:00Z', '2027-02-28T23:59:59.999Z', '2028-12-31T15:30:30Z'];
  for (const zone of ['UTC', 'Asia/Shanghai']) {
    for (const expression of expressions) {
      it(`${expression} in ${zone}`, () => {
        const byParser = parseCron(expression, zone, { engine: 'cron-parser' });
        const byQuartz = parseCron(expression, zone, { engine: 'quartz' });
        expect(byParser.engine).toBe('cron-parser');
        expect(byQuartz.engine).toBe('quartz');
        for (const start of starts) {
          expect(byParser.nextTimes(new Date(start), 50).map(iso)).toEqual(byQuartz.nextTimes(new Date(start), 50).map(iso));
        }
      });
    }
  }

  it('serves plain schedules in zones without daylight saving by cron-parser, the rest by the Quartz evaluator', () => {
    expect(parseCron('0 0 12 * * ?', 'Asia/Shanghai').engine).toBe('cron-parser');
    expect(parseCron('0 0 12 * * ?', 'America/New_York').engine).toBe('quartz');
    expect(parseCron('0 0 12 LW * ?', 'UTC').engine).toBe('quartz');
    expect(parseCron('0 0 12 * * ? 2030', 'UTC').engine).toBe('quartz');
  });
});

describe('Unix 5-field cron (expected times worked out by hand)', () => {
  const rows: [string, string, string, string[]][] = [
    ['*/15 * * * *', 'UTC', '2026-01-01T00:07:00Z', ['2026-01-01T00:15:00Z', '2026-01-01T00:30:00Z', '2026-01-01T00:45:00Z']],
    ['0 12 * * 1-5', 'UTC', '2026-01-02T13:00:00Z', ['2026-01-05T12:00:00Z', '2026-01-06T12:00:00Z']],
    // Both day fields set: either matches (1st, 15th or a Sunday).
    ['0 0 1,15 * 0', 'UTC', '2025-12-31T12:00:00Z', ['2026-01-01T00:00:00Z', '2026-01-04T00:00:00Z', '2026-01-11T00:00:00Z', '2026-01-15T00:00:00Z', '2026-01-18T00:00:00Z']],
    ['0 9 * * 7', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-04T09:00:00Z']],
    ['0 9 * * sun', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-04T09:00:00Z']],
    ['30 8 1 * *', 'Asia/Shanghai', '2026-01-01T00:00:00Z', ['2026-01-01T00:30:00Z', '2026-02-01T00:30:00Z']],
    ['0 0 * * 5-7', 'UTC', '2026-01-01T00:00:00Z', ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z', '2026-01-09T00:00:00Z']],
  ];
  for (const [expression, zone, after, expected] of rows) {
    it(`${expression} in ${zone} after ${after}`, () => {
      const schedule = parseCron(expression, zone);
      expect(schedule.dialect).toBe('unix');
      expect(schedule.nextTimes(new Date(after), expected.length).map(iso)).toEqual(expected);
    });
  }

  it('refuses Quartz-only forms and bad weekdays in Unix cron, naming the field', () => {
    const fieldOf = (expression: string) => {
      try {
        parseCron(expression, 'UTC');
      } catch (error) {
        if (error instanceof CronSyntaxError) return error.field;
      }
      return 'accepted';
    };
    expect(fieldOf('0 0 L * *')).toBe('dayOfMonth');
    expect(fieldOf('0 0 * * 5#2')).toBe('dayOfWeek');
    expect(fieldOf('0 0 * * 8')).toBe('dayOfWeek');
    expect(fieldOf('61 0 * * *')).toBe('minute');
  });
});

describe('parsing and formatting', () => {
  it('names the time zone, empty input and the field count', () => {
    expect(() => parseCron('0 * * * * ?', 'Mars/Olympus')).toThrow(expect.objectContaining({ field: 'timezone' }));
    expect(() => parseCron('   ', 'UTC')).toThrow(expect.objectContaining({ field: 'expression' }));
    expect(() => parseCron('0 0 12 * * ? 2026 5', 'UTC')).toThrow(/expected 6 or 7/);
  });

  it('formats wall-clock times in a zone', () => {
    expect(formatInZone(new Date('2026-01-01T04:00:00Z'), 'Asia/Shanghai')).toBe('2026-01-01 12:00:00');
    expect(formatInZone(new Date('2026-11-01T05:30:00Z'), 'America/New_York')).toBe('2026-11-01 01:30:00');
    expect(formatInZone(new Date('2026-11-01T06:30:00Z'), 'America/New_York')).toBe('2026-11-01 01:30:00');
  });

  it('stops at an expression that never fires again, quickly', () => {
    const started = Date.now();
    expect(parseCron('0 0 12 30 2 ?', 'America/New_York').nextTimes(new Date('2026-01-01T00:00:00Z'), 5)).toEqual([]);
    expect(parseCron('0 0 12 1 1 ? 2020', 'UTC').next(new Date())).toBeNull();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('counts the fire times up to an instant, and no further than the limit', () => {
    const from = new Date('2026-03-01T00:00:00Z');
    for (const engine of ['cron-parser', 'quartz'] as const) {
      const everySecond = parseCron('* * * * * ?', 'UTC', { engine });
      expect(everySecond.countUntil(from, new Date('2026-03-01T00:00:10Z'), 10_000)).toBe(10);
      expect(everySecond.countUntil(from, new Date('2026-03-01T00:00:10.500Z'), 10_000)).toBe(10);
      expect(everySecond.countUntil(from, new Date('2026-03-02T00:00:00Z'), 25)).toBe(25);
      expect(everySecond.countUntil(from, from, 10)).toBe(0);
      expect(parseCron('0 0 12 1 1 ? 2020', 'UTC', { engine: 'quartz' }).countUntil(from, new Date('2030-01-01T00:00:00Z'), 10)).toBe(0);
    }
    const quarterHours = parseCron('0 0/15 * * * ?', 'Asia/Shanghai');
    expect(quarterHours.countUntil(from, new Date('2026-03-01T02:00:00Z'), 100)).toBe(quarterHours.nextTimes(from, 100).filter((t) => t.getTime() <= Date.parse('2026-03-01T02:00:00Z')).length);
  });

  it('hands out one schedule per expression and zone, and parses again for another zone', () => {
    const first = parseCron('0 0/5 * * * ?', 'UTC');
    expect(parseCron('0 0/5 * * * ?', 'UTC')).toBe(first);
    const shanghai = parseCron('0 0 9 * * ?', 'Asia/Shanghai');
    const utc = parseCron('0 0 9 * * ?', 'UTC');
    expect(iso(shanghai.next(new Date('2026-03-01T00:00:00Z'))!)).toBe('2026-03-01T01:00:00Z');
    expect(iso(utc.next(new Date('2026-03-01T00:00:00Z'))!)).toBe('2026-03-01T09:00:00Z');
    // The shared cron-parser iterator is reset for every call: order does not matter.
    expect(iso(shanghai.next(new Date('2026-03-05T00:00:00Z'))!)).toBe('2026-03-05T01:00:00Z');
    expect(iso(shanghai.next(new Date('2026-03-01T00:00:00Z'))!)).toBe('2026-03-01T01:00:00Z');
  });
});
