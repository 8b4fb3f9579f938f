import { DateTime, IANAZone } from 'luxon';

const zones = new Map<string, IANAZone>();

function zoneOf(name: string): IANAZone {
  let zone = zones.get(name);
  if (zone === undefined) {
    zone = IANAZone.create(name);
    zones.set(name, zone);
  }
  return zone;
}

export function isValidTimeZone(name: string): boolean {
  return typeof name === 'string' && name.length > 0 && IANAZone.isValidZone(name);
}

/** The zone's offset from UTC at an instant, in milliseconds. */
export function offsetAt(zone: string, instant: number): number {
  return zoneOf(zone).offset(instant) * 60_000;
}

const DAY_MS = 86_400_000;

/**
 * The instant of a wall-clock time (given as if it were UTC) in a zone, resolved as
 * java.util.GregorianCalendar does, which is what Quartz sees: a time that occurs twice
 * (clocks going back) is the later, standard-time instant; a time that does not exist
 * (clocks going forward) is moved forward by the gap.
 */
export function wallToInstant(zone: string, wall: number): number {
  const before = offsetAt(zone, wall - DAY_MS);
  const after = offsetAt(zone, wall + DAY_MS);
  const candidates = before === after ? [wall - before] : [wall - before, wall - after];
  let best: number | undefined;
  for (const instant of candidates) {
    if (offsetAt(zone, instant) === wall - instant && (best === undefined || instant > best)) best = instant;
  }
  return best ?? wall - before;
}

/** The wall-clock time of an instant in a zone, as a UTC-based number. */
export function instantToWall(zone: string, instant: number): number {
  return instant + offsetAt(zone, instant);
}

/** True when the zone changes its offset within the coming years (daylight saving). */
export function zoneChangesOffset(zone: string, from = Date.now(), years = 3): boolean {
  const first = offsetAt(zone, from);
  for (let step = 1; step <= years * 12; step += 1) {
    if (offsetAt(zone, from + step * 30 * DAY_MS) !== first) return true;
  }
  return false;
}

/** `yyyy-MM-dd HH:mm:ss` wall-clock time of `date` in `timeZone`. */
export function formatInZone(date: Date, timeZone: string): string {
  return DateTime.fromMillis(date.getTime(), { zone: zoneOf(timeZone) }).toFormat('yyyy-MM-dd HH:mm:ss');
}
