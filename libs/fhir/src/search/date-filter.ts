import { FhirSearchError } from './search-error';

export type DatePrefix = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

/** One `date` or `_lastUpdated` condition: a prefix and the range its value stands for, [from, until). */
export interface DateFilter {
  readonly prefix: DatePrefix;
  readonly from: number;
  readonly until: number;
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** `[prefix]value` with value a year, month, day or instant (FHIR search, "date"): its precision sets the range. */
export function parseDateFilter(parameter: string, raw: string): DateFilter {
  const prefix = (/^(eq|lt|le|gt|ge)/.exec(raw)?.[1] ?? 'eq') as DatePrefix;
  const value = raw.slice(/^[a-z]{2}/.test(raw) ? 2 : 0);
  if (/^[a-z]{2}/.test(raw) && !/^(eq|lt|le|gt|ge)/.test(raw))
    throw new FhirSearchError(parameter, 'the prefix must be one of eq, lt, le, gt, ge');
  const m = DATE.exec(value);
  if (!m) throw new FhirSearchError(parameter, 'must be a date (YYYY, YYYY-MM, YYYY-MM-DD) or an instant with a zone');
  const [, y, mo, d, h, , s, , zone] = m;
  if (h !== undefined && zone === undefined)
    throw new FhirSearchError(parameter, 'an instant needs a time zone (Z or ±hh:mm)');
  const year = Number(y);
  let from: number;
  let until: number;
  if (mo === undefined) {
    from = Date.UTC(year, 0, 1);
    until = Date.UTC(year + 1, 0, 1);
  } else if (d === undefined) {
    from = Date.UTC(year, Number(mo) - 1, 1);
    until = Date.UTC(year, Number(mo), 1);
  } else if (h === undefined) {
    from = Date.UTC(year, Number(mo) - 1, Number(d));
    until = from + 86_400_000;
  } else {
    from = Date.parse(value);
    until = from + (s === undefined ? 60_000 : 1_000);
  }
  if (!Number.isFinite(from)) throw new FhirSearchError(parameter, 'is not a valid date');
  return { prefix, from, until };
}

/** Whether an instant or date of a resource satisfies the condition; a resource without one never does. */
export function matchesDate(filter: DateFilter, value: string | undefined): boolean {
  if (value === undefined) return false;
  const t = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(t)) return false;
  switch (filter.prefix) {
    case 'eq':
      return t >= filter.from && t < filter.until;
    case 'lt':
      return t < filter.from;
    case 'le':
      return t < filter.until;
    case 'gt':
      return t >= filter.until;
    case 'ge':
      return t >= filter.from;
  }
}
