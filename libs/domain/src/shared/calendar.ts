/**
 * The one calendar module of CareTrail: local dates (`YYYY-MM-DD`) in a patient's IANA time zone,
 * resolved by the runtime's own zone database (`Intl`), and day arithmetic on UTC-midnight epoch days
 * (no daylight-saving gaps). The domain validates zones with it; the read models, analytics and the
 * seed count days with it (docs/clinical-rules.md, "Days and time zones"). A zone that does not resolve
 * is an error, never UTC in disguise.
 */
import { domainError } from './errors';
import type { DayOfWeek } from '../medication/events';

/** A calendar date in some zone, `2026-03-02`. */
export type LocalDate = string;

/** The zone a patient has when enrolment names none. */
export const DEFAULT_TIME_ZONE = 'UTC';

const DAY_MS = 86_400_000;
/** 1970-01-01 (epoch day 0) was a Thursday. */
const WEEKDAYS: readonly DayOfWeek[] = ['thu', 'fri', 'sat', 'sun', 'mon', 'tue', 'wed'];
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A stored or given zone the runtime's time-zone database does not know. */
export class UnknownTimeZone extends domainError('UNKNOWN_TIME_ZONE', 'rule') {
  constructor(timeZone: string) {
    super(`"${timeZone}" is not an IANA time zone this server knows; days cannot be counted in it.`);
  }
}

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  try {
    const formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
    return formatter;
  } catch {
    return null;
  }
}

/** An IANA zone name the runtime resolves (`Europe/London`, `UTC`); `Europe/Londn` and `Mars/Olympus` are not. */
export function isValidTimeZone(timeZone: unknown): timeZone is string {
  return typeof timeZone === 'string' && timeZone !== '' && formatterFor(timeZone) !== null;
}

/**
 * The calendar date of an instant (ISO string or epoch ms) in a zone; throws UnknownTimeZone for a zone that does not resolve.
 *
 * Formatting an instant in a zone is the costly part of counting doses (a rebuild does it for every
 * dose), so dates are remembered per zone and quarter hour of UTC time: every zone's offset is a
 * whole number of quarter hours, so a local midnight, and with it a change of date, falls on a
 * quarter-hour boundary. A quarter hour is remembered only when its first and last millisecond
 * have the same date; one that holds a change of date (an offset off the quarter-hour grid, as
 * some zones had before 1980) is formatted instant by instant. The answer is always what
 * formatting the instant itself gives.
 */
export function localDate(instant: string | number, timeZone: string): LocalDate {
  const formatter = formatterFor(timeZone);
  if (!formatter) throw new UnknownTimeZone(timeZone);
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) return format(formatter, ms);
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  let dates = datesByQuarter.get(timeZone);
  if (!dates) datesByQuarter.set(timeZone, (dates = new Map()));
  const known = dates.get(quarter);
  if (known !== undefined) return known;
  const first = format(formatter, quarter * QUARTER_HOUR_MS);
  if (first !== format(formatter, (quarter + 1) * QUARTER_HOUR_MS - 1)) return format(formatter, ms);
  // A year of quarter hours is 35,040: a rebuild's years fit, and memory stays bounded.
  if (dates.size >= QUARTERS_REMEMBERED) dates.clear();
  dates.set(quarter, first);
  return first;
}

const QUARTER_HOUR_MS = 15 * 60_000;
const QUARTERS_REMEMBERED = 100_000;
const datesByQuarter = new Map<string, Map<number, LocalDate>>();

function format(formatter: Intl.DateTimeFormat, ms: number): LocalDate {
  const parts = formatter.formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/** Days since 1970-01-01 of a calendar date. */
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

export function weekdayOfEpochDay(day: number): DayOfWeek {
  return WEEKDAYS[((day % 7) + 7) % 7] as DayOfWeek;
}

export function weekday(date: LocalDate): DayOfWeek {
  return weekdayOfEpochDay(epochDay(date));
}

/** `YYYY-MM-DD` naming a real date (no 30 February). */
export function isCalendarDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && fromEpochDay(epochDay(value)) === value;
}
