import type { MedicationState } from '../care-plan/state';
import { toMillis, type IsoDateTime } from '../shared/time';

/** Active on [startsAt, stoppedAt): a discontinued medication takes no dose at or after its stop time. */
export function isActiveAt(medication: MedicationState, at: IsoDateTime): boolean {
  const t = toMillis(at, 'occurredAt');
  if (t < toMillis(medication.startsAt, 'startsAt')) return false;
  return medication.stoppedAt === null || t < toMillis(medication.stoppedAt, 'stoppedAt');
}

/** Not stopped by `now`; a prescription starting next week already counts. */
export function isCurrent(medication: MedicationState, now: IsoDateTime): boolean {
  return medication.stoppedAt === null || toMillis(medication.stoppedAt, 'stoppedAt') > toMillis(now, 'now');
}

export function currentMedications(
  medications: Readonly<Record<string, MedicationState>>,
  now: IsoDateTime,
): MedicationState[] {
  return Object.values(medications).filter((m) => isCurrent(m, now));
}
