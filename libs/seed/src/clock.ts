/**
 * Calendar helpers for the simulated clock. Days are epoch days (days since
 * 1970-01-01) of a patient's local calendar; instants are epoch milliseconds.
 * Dates and weekdays of those days come from the domain's calendar (@caretrail/domain).
 */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

const zones = new Map<string, Zone>();

/** Converts local wall-clock times of a zone to instants; offsets are cached per local day. */
export class Zone {
  /** One per zone name: a formatter is costly, and every patient of a zone shares the offsets. */
  static of(name: string): Zone {
    let zone = zones.get(name);
    if (!zone) {
      zone = new Zone(name);
      zones.set(name, zone);
    }
    return zone;
  }

  private readonly formatter: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  private constructor(readonly name: string) {
    this.formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /**
   * The instant of `minutes` after local midnight of `day`. The offset is the
   * one at local noon: every time the seed uses lies between 06:00 and 23:59,
   * after any daylight-saving change of that day (they happen at night).
   */
  at(day: number, minutes: number): number {
    return day * DAY + minutes * MINUTE - this.offset(day);
  }

  /** Local midnight at the start of `day`, as an instant (close enough across a DST change for stop dates). */
  midnight(day: number): number {
    return day * DAY - this.offset(day);
  }

  /** The local day of an instant. */
  dayOf(instant: number): number {
    return Math.floor((instant + this.offset(Math.floor(instant / DAY))) / DAY);
  }

  private offset(day: number): number {
    let offset = this.offsets.get(day);
    if (offset === undefined) {
      const noonUtc = day * DAY + 12 * HOUR;
      const parts: Record<string, number> = {};
      for (const p of this.formatter.formatToParts(new Date(noonUtc)))
        if (p.type !== 'literal') parts[p.type] = Number(p.value);
      const wall = Date.UTC(
        parts['year']!,
        parts['month']! - 1,
        parts['day']!,
        parts['hour']!,
        parts['minute']!,
        parts['second']!,
      );
      offset = wall - noonUtc;
      this.offsets.set(day, offset);
    }
    return offset;
  }
}
