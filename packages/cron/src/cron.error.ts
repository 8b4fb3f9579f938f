export type CronField = 'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek' | 'year' | 'expression' | 'timezone';

/** A cron expression that cannot be used, naming the field at fault and why. */
export class CronSyntaxError extends Error {
  override readonly name = 'CronSyntaxError';

  constructor(
    readonly field: CronField,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
