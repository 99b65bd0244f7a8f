/**
 * Instants as read models meet them: stored strings that a correction may have made anything, so
 * checked before use. Calendar days come from the domain's one calendar module (@caretrail/domain,
 * shared/calendar.ts; docs/clinical-rules.md, "Days and time zones").
 */
export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));
}

export function toMillis(instant: string): number {
  return Date.parse(instant);
}
