/**
 * Proportion of days covered, exactly as docs/clinical-rules.md ("PDC", "Adherence threshold") defines
 * it; the schedule of each day comes from "Regimen on a day".
 */
import { changeInEffect } from '@caretrail/domain';
import { addDays, localDate, weekday, type LocalDate } from '@caretrail/domain';
import type { ScheduleFact } from '../shared/validation';
import { doseCounts, type DoseCounts, type MedicationFacts } from './adherence-doc';

export type Pdc = {
  days: number;
  eligibleDays: number;
  coveredDays: number;
  /** 0..1, null when no day of the window was eligible ("not enough data"). */
  pdc: number | null;
  /** PDC >= 80 %; null with the PDC. */
  adherent: boolean | null;
};

export type MedicationCalendar = {
  /** Doses the schedule in effect calls for on a day (0 outside the active period). */
  scheduledOn(day: LocalDate): number;
  countsOn(day: LocalDate): DoseCounts;
  startDate: LocalDate;
  /** First local day no longer active; null while not discontinued. */
  stopDate: LocalDate | null;
};

export function medicationCalendar(medication: MedicationFacts, timeZone: string): MedicationCalendar {
  const startDate = localDate(medication.startsAt, timeZone);
  const stopDate = medication.stoppedAt === null ? null : localDate(medication.stoppedAt, timeZone);
  const adjustments = medication.adjustments.map((a) => ({
    from: localDate(a.effectiveFrom, timeZone),
    cancelled: a.cancelEventId !== undefined && a.cancelEventId !== null,
    schedule: a.schedule,
  }));
  const scheduleOn = (day: LocalDate): ScheduleFact =>
    changeInEffect(adjustments, (a) => a.from, day)?.schedule ?? medication.schedule;

  return {
    startDate,
    stopDate,
    scheduledOn(day) {
      if (day < startDate || (stopDate !== null && day >= stopDate)) return 0;
      const schedule = scheduleOn(day);
      return schedule.daysOfWeek.includes(weekday(day)) ? schedule.timesPerDay : 0;
    },
    countsOn(day) {
      return doseCounts(medication.doses[day.slice(0, 7)]?.[day.slice(8, 10)]);
    },
  };
}

export function pdcOver(calendar: MedicationCalendar, asOfDay: LocalDate, days: number): Pdc {
  let eligibleDays = 0;
  let coveredDays = 0;
  for (let i = days - 1; i >= 0; i--) {
    const day = addDays(asOfDay, -i);
    const scheduled = calendar.scheduledOn(day);
    if (scheduled === 0) continue;
    eligibleDays++;
    const { onTime, late } = calendar.countsOn(day);
    if (onTime + late >= scheduled) coveredDays++;
  }
  if (eligibleDays === 0) return { days, eligibleDays, coveredDays, pdc: null, adherent: null };
  const pdc = Math.min(1, coveredDays / eligibleDays);
  // Compared in integers so that exactly 80 % is adherent whatever the floating-point rounding.
  return { days, eligibleDays, coveredDays, pdc, adherent: coveredDays * 5 >= eligibleDays * 4 };
}
