import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CronSyntaxError, parseCron, type CronField } from '../src/index.js';

/** Rows answered by real Quartz 2.5.2 (tools/quartz-oracle/generate.sh). */
interface Row {
  expression: string;
  timeZone: string;
  after: string;
  count: number;
  note: string;
  expected?: string[];
  invalid?: true;
  refusedHere?: true;
  quartzMessage?: string;
  field?: CronField | '-';
}

const rows = JSON.parse(readFileSync(new URL('./quartz-fixtures.json', import.meta.url), 'utf8')) as Row[];
const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');

function refusal(expression: string, timeZone: string): CronSyntaxError {
  try {
    parseCron(expression, timeZone);
  } catch (error) {
    if (error instanceof CronSyntaxError) return error;
    throw error;
  }
  throw new Error(`${expression} was accepted`);
}

describe('fire times equal Quartz CronExpression 2.5.2', () => {
  it('has at least 60 rows of fire times', () => {
    expect(rows.filter((row) => row.expected !== undefined && row.refusedHere !== true).length).toBeGreaterThanOrEqual(60);
  });

  for (const row of rows.filter((r) => r.expected !== undefined && r.refusedHere !== true)) {
    it(`${row.expression} in ${row.timeZone} after ${row.after}: ${row.note}`, () => {
      const schedule = parseCron(row.expression, row.timeZone);
      expect(schedule.nextTimes(new Date(row.after), row.count).map(iso)).toEqual(row.expected);
      // The own evaluator agrees on every row, whichever engine served it.
      expect(parseCron(row.expression, row.timeZone, { engine: 'quartz' }).nextTimes(new Date(row.after), row.count).map(iso)).toEqual(row.expected);
    });
  }
});

describe('expressions Quartz refuses are refused, naming the field', () => {
  for (const row of rows.filter((r) => r.invalid === true && r.field !== '-')) {
    it(`${row.expression}: ${row.note} (Quartz: ${row.quartzMessage ?? ''})`, () => {
      const error = refusal(row.expression, row.timeZone);
      expect(error.field).toBe(row.field);
      expect(error.reason.length).toBeGreaterThan(5);
    });
  }
});

describe('forms Quartz reads leniently are refused here', () => {
  for (const row of rows.filter((r) => r.refusedHere === true)) {
    it(`${row.expression}: ${row.note}`, () => {
      expect(refusal(row.expression, row.timeZone).field).toBe(row.field);
    });
  }
});
