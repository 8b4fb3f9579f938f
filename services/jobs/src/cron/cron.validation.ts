import { AppError } from '@jobwire/contracts';
import { CronSyntaxError, isValidTimeZone, parseCron, type CronSchedule } from '@jobwire/cron';

/** Parses a job's cron in its zone, or refuses it with the field and the reason (HTTP 400). */
export function scheduleOf(cronExpression: string, timeZone: string, path = 'cronExpression'): CronSchedule {
  if (!isValidTimeZone(timeZone)) {
    throw new AppError('JOBS_TIMEZONE_INVALID', `Unknown time zone ${JSON.stringify(timeZone)}.`, { details: [{ path: 'timezone', message: 'must be an IANA time zone such as Asia/Shanghai' }] });
  }
  try {
    return parseCron(cronExpression, timeZone);
  } catch (error) {
    if (error instanceof CronSyntaxError) {
      throw new AppError('JOBS_CRON_INVALID', `The cron expression is invalid: ${error.message}.`, {
        details: [{ path, message: `${error.field}: ${error.reason}` }],
      });
    }
    throw error;
  }
}
