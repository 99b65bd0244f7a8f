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

/** The calendar date of an instant (ISO string or epoch ms) in a zone; throws UnknownTimeZone for a zone that does not resolve. */
export function localDate(instant: string | number, timeZone: string): LocalDate {
  const formatter = formatterFor(timeZone);
  if (!formatter) throw new UnknownTimeZone(timeZone);
  const parts = formatter.formatToParts(typeof instant === 'number' ? instant : Date.parse(instant));
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
