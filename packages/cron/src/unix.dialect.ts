import { CronSyntaxError } from './cron.error.js';
import { parseQuartz, type QuartzSpec } from './quartz.parser.js';

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Unix day-of-week 0-7 (0 and 7 Sunday) or a name → Quartz 1-7 (SUN-SAT). */
function quartzDay(text: string): string {
  if (DAY_NAMES.includes(text.toUpperCase())) return text;
  if (!/^\d$/.test(text) || Number(text) > 7) throw new CronSyntaxError('dayOfWeek', `'${text}' is out of range 0-7 (0 and 7 are Sunday) or SUN-SAT`);
  return String((Number(text) % 7) + 1);
}

function translateDayOfWeek(field: string): string {
  return field
    .split(',')
    .map((item) => {
      const [range, step] = item.split('/');
      if (range === undefined) return item;
      const mapped = range === '*' ? '*' : range.split('-').map(quartzDay).join('-');
      return step === undefined ? mapped : `${mapped}/${step}`;
    })
    .join(',');
}

const restricted = (field: string) => field !== '*' && field !== '?';

/**
 * Unix `min hour day-of-month month day-of-week`, as one or two Quartz specs: Unix
 * fires on a day matching either day field when both are restricted, so that case is
 * the union of a day-of-month schedule and a day-of-week schedule.
 */
export function unixToQuartz(fields: readonly string[]): QuartzSpec[] {
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  for (const [name, field] of [['dayOfMonth', dom], ['dayOfWeek', dow]] as const) {
    if (/[LW#]/i.test(field.replace(/[A-Z]{3}/gi, ''))) throw new CronSyntaxError(name, `'${field}': L, W and # need the Quartz form (6 or 7 fields)`);
  }
  const quartzDow = restricted(dow) ? translateDayOfWeek(dow) : '*';
  if (restricted(dom) && restricted(dow)) {
    return [parseQuartz(['0', minute, hour, dom, month, '?']), parseQuartz(['0', minute, hour, '?', month, quartzDow])];
  }
  if (restricted(dow)) return [parseQuartz(['0', minute, hour, '?', month, quartzDow])];
  return [parseQuartz(['0', minute, hour, restricted(dom) ? dom : '*', month, '?'])];
}
