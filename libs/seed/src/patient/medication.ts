import { streams, weekdayOfEpochDay, type MissedReason } from '@caretrail/domain';
import * as catalog from '../catalog';
import { DAY, HOUR, MINUTE } from '../clock';
import { planSideEffect } from './side-effects';
import type { PatientRecord, Medication, StopReason } from './patient-record';

export function planDoses(p: PatientRecord, day: number): void {
  const weekday = weekdayOfEpochDay(day);
  const weekend = weekday === 'sat' || weekday === 'sun';
  for (const medication of p.medications.values()) {
    const schedule = [...medication.schedules].reverse().find((s) => s.fromDay <= day);
    if (!schedule || !schedule.shape.daysOfWeek.includes(weekday)) continue;
    // Side effects: likelier in the first six weeks after a start or change.
    if (p.isActive(medication, p.zone.at(day, 12 * 60))) {
      const risk = day - medication.riskFromDay < 42 ? 0.01 : 0.0015;
      if (p.rng.chance(risk)) planSideEffect(p, day, medication);
    }
    for (const time of schedule.shape.times) {
      const slot = p.zone.at(day, Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)));
      if (!p.isActive(medication, slot)) continue;
      planDose(p, medication, slot, weekend ? p.pTake - 0.03 : p.pTake);
    }
  }
}

export function planDose(p: PatientRecord, medication: Medication, slot: number, pTake: number): void {
  const pid = p.patientId;
  const scheduledFor = new Date(slot).toISOString();
  const base = { patientId: pid, medicationId: medication.id, scheduledFor };
  if (p.rng.chance(pTake)) {
    let takenAt = p.rng.chance(p.pLate) ? slot + p.rng.between(2.2, 6) * HOUR : slot + p.rng.between(-15, 90) * MINUTE;
    if (!p.isActive(medication, takenAt)) takenAt = slot;
    takenAt = Math.round(takenAt / 1000) * 1000;
    // Some phones were offline: the report arrives days later, its occurredAt unchanged.
    const reportAt = p.rng.chance(p.pOffline)
      ? takenAt + p.rng.between(1, 4) * DAY
      : takenAt + p.rng.between(1, 10) * MINUTE;
    const voidIt = p.rng.chance(0.002);
    const occurredAt = new Date(takenAt).toISOString();
    p.at(reportAt, async () => {
      // A stop decided after this dose was planned may fall before it was taken.
      if (!p.isActive(medication, takenAt)) return;
      const events = await p.issue({ type: 'RecordDoseTaken', data: { ...base, occurredAt } }, p.patient, reportAt);
      const eventId = events?.[0]?.meta.eventId;
      if (!voidIt || !eventId) return;
      // The patient tapped "taken" by mistake: they mark it entered in error and record the miss.
      const fixAt = reportAt + 10 * MINUTE;
      p.at(fixAt, async () => {
        await p.issue(
          {
            type: 'MarkEnteredInError',
            data: {
              patientId: pid,
              stream: streams.doses(pid, scheduledFor),
              eventId,
              reason: 'Tapped taken by mistake.',
            },
          },
          p.patient,
          fixAt,
        );
        await p.issue({ type: 'RecordDoseMissed', data: { ...base, reason: 'forgot' } }, p.patient, fixAt + MINUTE);
      });
    });
    return;
  }
  const roll = p.rng.next();
  if (roll < 0.15) {
    // Reported missed, then taken late after all: the domain records DoseTakenLate superseding the miss.
    const missedAt = slot + p.rng.between(1.5, 3) * HOUR;
    const takenAt = Math.round((missedAt + p.rng.between(0.5, 4) * HOUR) / 1000) * 1000;
    p.at(missedAt, () =>
      p.issue({ type: 'RecordDoseMissed', data: { ...base, reason: 'forgot' } }, p.patient, missedAt),
    );
    if (p.isActive(medication, takenAt)) {
      const occurredAt = new Date(takenAt).toISOString();
      p.at(takenAt + 2 * MINUTE, async () => {
        if (p.isActive(medication, takenAt))
          await p.issue({ type: 'RecordDoseTaken', data: { ...base, occurredAt } }, p.patient, takenAt + 2 * MINUTE);
      });
    }
  } else if (roll < 0.15 + 0.85 * p.pReportMissed) {
    const reason: MissedReason = p.rng.weighted(catalog.missedReasons);
    const at = slot + p.rng.between(1, 14) * HOUR;
    p.at(at, () => p.issue({ type: 'RecordDoseMissed', data: { ...base, reason } }, p.patient, at));
  }
  // Otherwise nothing is reported: the slot stays empty.
}

export function planPrescription(p: PatientRecord, day: number, at: number, replacing: catalog.Drug | null): void {
  if (!p.prescriber) return;
  const prescriber = p.prescriber;
  const inUse = new Set([...p.medications.values()].filter((m) => m.stopAt === null).map((m) => m.drug.name));
  const choices = catalog.drugs.filter((d) => !inUse.has(d.name) && d !== replacing);
  const drug = p.rng.pick(choices.length > 0 ? choices : catalog.drugs);
  const shape = p.rng.weighted(catalog.scheduleShapes);
  const medication: Medication = {
    id: p.ids.next(),
    drug,
    strength: drug.start,
    startAt: p.zone.midnight(day + 1),
    stopAt: null,
    schedules: [{ fromDay: day + 1, shape }],
    riskFromDay: day + 1,
  };
  p.medications.set(medication.id, medication);
  const startsAt = new Date(medication.startAt).toISOString();
  p.at(at, () =>
    p.issue(
      {
        type: 'PrescribeMedication',
        data: {
          patientId: p.patientId,
          medicationId: medication.id,
          drug: { name: drug.name, rxNormCode: drug.rxNormCode },
          strength: { value: drug.start, unit: drug.unit },
          schedule: { timesPerDay: shape.timesPerDay, daysOfWeek: [...shape.daysOfWeek], times: [...shape.times] },
          startsAt,
          instructions: shape.times.length > 1 ? 'Take with food.' : null,
        },
      },
      prescriber,
      at,
    ),
  );
}

export function planAdjustment(
  p: PatientRecord,
  day: number,
  kind: 'step-up' | 'step-down' | 'split',
  only?: Medication,
  decidedAt?: number,
): void {
  if (!p.prescriber) return;
  const prescriber = p.prescriber;
  const medication =
    only ?? [...p.medications.values()].find((m) => m.stopAt === null && m.startAt <= p.zone.midnight(day));
  if (!medication) return;
  const current = medication.schedules[medication.schedules.length - 1]!.shape;
  let strength = medication.strength;
  let shape = current;
  if (kind === 'step-up') strength = Math.min(medication.drug.max, strength + medication.drug.step);
  if (kind === 'step-down') strength = Math.max(medication.drug.start / 2, strength - medication.drug.step);
  if (kind === 'split' || strength === medication.strength) {
    shape =
      current.timesPerDay === 1
        ? { timesPerDay: 2, daysOfWeek: catalog.EVERY_DAY, times: ['08:00', '20:00'] }
        : { timesPerDay: 1, daysOfWeek: catalog.EVERY_DAY, times: ['08:00'] };
  }
  medication.strength = strength;
  medication.schedules.push({ fromDay: day + 1, shape });
  medication.riskFromDay = day + 1;
  const at = decidedAt ?? p.zone.at(day, p.rng.int(9 * 60, 17 * 60));
  const effectiveFrom = new Date(p.zone.midnight(day + 1)).toISOString();
  const reason =
    kind === 'step-up'
      ? 'Partial response; increasing.'
      : kind === 'step-down'
        ? 'Side effects; reducing.'
        : 'Splitting the dose to ease side effects.';
  p.at(at, () =>
    p.issue(
      {
        type: 'AdjustDose',
        data: {
          patientId: p.patientId,
          medicationId: medication.id,
          strength: { value: strength, unit: medication.drug.unit },
          schedule: { timesPerDay: shape.timesPerDay, daysOfWeek: [...shape.daysOfWeek], times: [...shape.times] },
          effectiveFrom,
          reason,
        },
      },
      prescriber,
      at,
    ),
  );
}

/** Stops a medication at `stopAt` (a decision taken at `at`). */
export function planDiscontinuation(
  p: PatientRecord,
  medication: Medication,
  at: number,
  stopAt: number,
  reason: StopReason,
): void {
  medication.stopAt = stopAt;
  p.at(at, async () => discontinue(p, medication, at, stopAt, reason));
}

export async function discontinue(
  p: PatientRecord,
  medication: Medication,
  at: number,
  stopAt: number,
  reason: StopReason,
): Promise<void> {
  if (!p.prescriber) return;
  await p.issue(
    {
      type: 'DiscontinueMedication',
      data: {
        patientId: p.patientId,
        medicationId: medication.id,
        stoppedAt: new Date(stopAt).toISOString(),
        reason,
      },
    },
    p.prescriber,
    at,
  );
}
