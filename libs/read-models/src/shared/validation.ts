import type { DayOfWeek } from '@caretrail/domain';

const DAYS: readonly string[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** What PDC reads from a dose schedule: doses a day and the days that have doses. */
export type ScheduleFact = { timesPerDay: number; daysOfWeek: DayOfWeek[] };

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isIntInRange(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function isScheduleFact(value: unknown): value is ScheduleFact {
  return (
    isObject(value) &&
    isIntInRange(value['timesPerDay'], 1, 24) &&
    Array.isArray(value['daysOfWeek']) &&
    value['daysOfWeek'].every((d) => typeof d === 'string' && DAYS.includes(d))
  );
}

export function scheduleFact(schedule: { timesPerDay: number; daysOfWeek: DayOfWeek[] }): ScheduleFact {
  return { timesPerDay: schedule.timesPerDay, daysOfWeek: [...schedule.daysOfWeek] };
}
