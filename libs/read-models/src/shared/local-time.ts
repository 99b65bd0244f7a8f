/**
 * Calendar arithmetic on local dates (`YYYY-MM-DD`) without the clock: DOMAIN.md counts adherence
 * in calendar days of the patient's time zone. `Intl` converts instants to local dates; the rest
 * is arithmetic on UTC-midnight epoch days, which has no daylight-saving gaps.
 */
import type { DayOfWeek } from '@caretrail/domain';

export type LocalDate = string;

const DAY_MS = 86_400_000;
const WEEKDAYS: readonly DayOfWeek[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const formatters = new Map<string, Intl.DateTimeFormat>();

/** DOMAIN.md: the zone recorded at enrolment, default UTC. An unknown zone falls back to UTC. */
export const DEFAULT_TIME_ZONE = 'UTC';

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch {
    formatter = formatterFor(DEFAULT_TIME_ZONE);
  }
  formatters.set(timeZone, formatter);
  return formatter;
}

export function isValidTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));
}

export function toMillis(instant: string): number {
  return Date.parse(instant);
}

/** The calendar date of an instant in a zone. */
export function localDate(instant: string, timeZone: string): LocalDate {
  const parts = formatterFor(timeZone).formatToParts(Date.parse(instant));
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

export function epochDay(date: LocalDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

export function fromEpochDay(day: number): LocalDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromEpochDay(epochDay(date) + days);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return epochDay(to) - epochDay(from);
}

export function weekday(date: LocalDate): DayOfWeek {
  return WEEKDAYS[(((epochDay(date) + 4) % 7) + 7) % 7] as DayOfWeek;
}
