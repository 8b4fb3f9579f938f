import { instantToWall, wallToInstant } from './zone.js';

export type CalendarField = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';

/**
 * Just enough of a lenient java.util.GregorianCalendar in one time zone for Quartz's
 * search: fields may be set out of range (they carry over), and reading a field first
 * resolves the wall-clock time to an instant the way Java does.
 */
export class ZonedCalendar {
  private fields: Record<CalendarField, number>;
  private instant: number;
  private dirty = false;

  constructor(
    private readonly zone: string,
    instant: number,
  ) {
    this.instant = instant;
    this.fields = ZonedCalendar.fieldsOf(zone, instant);
  }

  private static fieldsOf(zone: string, instant: number): Record<CalendarField, number> {
    const wall = new Date(instantToWall(zone, instant));
    return {
      year: wall.getUTCFullYear(),
      month: wall.getUTCMonth() + 1,
      day: wall.getUTCDate(),
      hour: wall.getUTCHours(),
      minute: wall.getUTCMinutes(),
      second: wall.getUTCSeconds(),
    };
  }

  private resolve(): void {
    if (!this.dirty) return;
    const { year, month, day, hour, minute, second } = this.fields;
    const wall = Date.UTC(year, month - 1, 1, hour, minute, second) + (day - 1) * 86_400_000;
    this.instant = wallToInstant(this.zone, wall);
    this.fields = ZonedCalendar.fieldsOf(this.zone, this.instant);
    this.dirty = false;
  }

  /** Months are 1-12 here (Quartz's numbering, not Java's 0-11). */
  set(field: CalendarField, value: number): void {
    this.fields[field] = value;
    this.dirty = true;
  }

  get(field: CalendarField): number {
    this.resolve();
    return this.fields[field];
  }

  /** 1-7 = SUN-SAT, as Calendar.DAY_OF_WEEK. */
  dayOfWeek(): number {
    this.resolve();
    const { year, month, day } = this.fields;
    return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
  }

  time(): number {
    this.resolve();
    return this.instant;
  }
}
