import { InvalidTimestamp, InvalidValue, OccurredInFuture } from './errors';

/** An instant, ISO-8601 with an explicit zone: `2026-03-02T08:00:00Z` or `...+01:00`. */
export type IsoDateTime = string;
/** A calendar date, `2026-03-02`. */
export type IsoDate = string;

/**
 * The extended form with its offset. Offsets stop at ±14:00, the widest any IANA zone uses;
 * PostgreSQL refuses a displacement beyond ±15:59, so a wider one would fail in the store instead.
 */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Devices and servers disagree by a few minutes; beyond this, "later than now" is a data error. */
export const CLOCK_SKEW_TOLERANCE_MS = 5 * 60_000;

export function toMillis(value: string, field: string): number {
  const ms = ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new InvalidTimestamp(field, value);
  return ms;
}

export function assertIsoDate(value: string, field: string): void {
  if (!ISO_DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidValue(field, `must be a calendar date (YYYY-MM-DD), got "${value}"`);
  }
}

export function assertNotInFuture(value: string, now: string, field: string): void {
  if (toMillis(value, field) > toMillis(now, 'now') + CLOCK_SKEW_TOLERANCE_MS) {
    throw new OccurredInFuture(field, value, now);
  }
}

export function isBefore(a: IsoDateTime, b: IsoDateTime): boolean {
  return toMillis(a, 'a') < toMillis(b, 'b');
}

/** `YYYY-MM` of the instant in UTC; stream partitions are zone-independent. */
export function utcMonth(value: IsoDateTime): string {
  const { year, month } = civilFromEpochDays(Math.floor(toMillis(value, 'timestamp') / DAY_MS));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

export function utcYear(value: IsoDateTime): string {
  return utcMonth(value).slice(0, 4);
}

// Howard Hinnant's days-to-civil algorithm: exact for the proleptic Gregorian calendar, no Date object needed.
function civilFromEpochDays(days: number): { year: number; month: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month };
}

/** A command's `occurredAt` defaults to the decision time and may not lie in the future. */
export function resolveOccurredAt(value: IsoDateTime | undefined, now: IsoDateTime, field = 'occurredAt'): IsoDateTime {
  if (value === undefined) return now;
  assertNotInFuture(value, now, field);
  return value;
}
