import { AppError } from '@jobwire/contracts';
import { MongoServerError } from 'mongodb';
import { DateTime } from 'luxon';

/** The Open-Job page object; counts as strings, as the original serialises longs. */
export function pageOf<T>(records: T[], total: number, current: number, pageSize: number) {
  const pages = Math.ceil(total / pageSize);
  return {
    records,
    total: String(total),
    current: String(current),
    pages: String(pages),
    hasPrevious: current > 1,
    hasNext: current < pages,
  };
}

/** A `yyyy-MM-dd HH:mm:ss` filter bound read in the given zone. */
export function parseWallTime(text: string, timeZone: string, path: string): Date {
  const parsed = DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm:ss', { zone: timeZone });
  if (!parsed.isValid) throw new AppError('VALIDATION_FAILED', `${path} is not a valid date and time.`, { details: [{ path, message: 'must be a real date and time, yyyy-MM-dd HH:mm:ss' }] });
  return parsed.toJSDate();
}

/** `{ $gte, $lte }` for a createTime range, or undefined when neither bound is given. */
export function timeRange(begin: string | undefined, end: string | undefined, timeZone: string): { $gte?: Date; $lte?: Date } | undefined {
  if (begin === undefined && end === undefined) return undefined;
  const range: { $gte?: Date; $lte?: Date } = {};
  if (begin !== undefined) range.$gte = parseWallTime(begin, timeZone, 'beginTime');
  if (end !== undefined) range.$lte = parseWallTime(end, timeZone, 'endTime');
  if (range.$gte !== undefined && range.$lte !== undefined && range.$gte > range.$lte) {
    throw new AppError('VALIDATION_FAILED', 'beginTime is after endTime.', { details: [{ path: 'beginTime', message: 'must not be after endTime' }] });
  }
  return range;
}

/** Escapes text for a literal substring match. */
export function literalPattern(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/** MongoDB's and FerretDB's code for a query stopped by its maxTimeMS. */
const MAX_TIME_EXPIRED = 50;

/**
 * Runs a listing query that was given `maxTimeMS`: when the database stops it, the caller
 * gets a 504 that says so, and the database stops working on an answer no one waits for
 * (the gateway gives up at the NATS request timeout).
 */
export async function withinTimeLimit<T>(query: PromiseLike<T>, limitMs: number): Promise<T> {
  try {
    return await query;
  } catch (error) {
    if (error instanceof MongoServerError && error.code === MAX_TIME_EXPIRED) {
      throw new AppError('UPSTREAM_TIMEOUT', `The listing took longer than ${limitMs} ms and was stopped; narrow the filters and retry.`);
    }
    throw error;
  }
}
