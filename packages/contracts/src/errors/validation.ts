import type { z } from 'zod';
import { AppError, type ErrorDetail } from './app-error.js';

/** Turns zod issues into details that name the field, e.g. `body.username: Required`. */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[], prefix?: string): ErrorDetail[] {
  return issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.');
    return { path: path === '' ? '(root)' : path, message: issue.message };
  });
}

/** A one-line message that names every failing field. */
export function detailsToMessage(details: readonly ErrorDetail[]): string {
  const parts = details.slice(0, 5).map((d) => `${d.path}: ${d.message}`);
  const more = details.length > 5 ? ` (and ${details.length - 5} more)` : '';
  return `Invalid request: ${parts.join('; ')}${more}`;
}

/** Parses with a contract schema or throws VALIDATION_FAILED naming the fields. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = issuesToDetails(result.error.issues, prefix);
  throw new AppError('VALIDATION_FAILED', detailsToMessage(details), { details });
}
