/** Builders of small, hand-checkable cohorts for the analytics specs: one history per patient. */
import { streamFor, type Actor, type DomainEvent, type TherapyModality, type TreatmentTrack } from '@caretrail/domain';
import type { ProjectedEvent } from '@caretrail/read-models';

const therapist: Actor = { userId: 'u-therapist', role: 'therapist' };
const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY = 86_400_000;

/** The plan starts at 08:00 UTC on this day: day 0 of treatment. */
export const PLAN_START = '2026-01-06';
export const at = (day: number, time = '09:00:00.000Z'): string =>
  new Date(Date.parse(`${PLAN_START}T${time}`) + day * DAY).toISOString();

export interface PatientSpec {
  id: string;
  track: TreatmentTrack;
  modality?: TherapyModality;
  drug?: string;
  /** PHQ-9 at days 0, 28, 56, 84 (null: not measured). */
  phq9: Array<number | null>;
  gad7?: Array<number | null>;
  /** Days with a dose taken (the medication asks for one a day from day 0). */
  doseDays?: number[];
  sideEffects?: Array<{ day: number; severity: 'mild' | 'moderate' | 'severe' }>;
  /** Dose adjustment effective at this day, 12:00 UTC. */
  adjustmentDay?: number;
}

export const medicationOf = (patientId: string): string => `${patientId}-med`;

export function doseTaken(patientId: string, day: number): DomainEvent {
  return {
    type: 'DoseTaken',
    data: {
      patientId,
      medicationId: medicationOf(patientId),
      scheduledFor: at(day, '08:00:00.000Z'),
      occurredAt: at(day, '08:05:00.000Z'),
      recordedBy: { userId: patientId, role: 'patient' },
    },
  };
}

function score(patientId: string, instrument: 'PHQ-9' | 'GAD-7', total: number, day: number): DomainEvent {
  const count = instrument === 'PHQ-9' ? 9 : 7;
  const items = Array.from({ length: count }, (_, k) => Math.min(3, Math.max(0, total - 3 * k)));
  return {
    type: 'OutcomeMeasured',
    data: {
      patientId,
      instrument,
      loinc: instrument === 'PHQ-9' ? '44261-6' : '70274-6',
      items,
      total,
      administeredBy: therapist,
      occurredAt: at(day, instrument === 'PHQ-9' ? '09:00:00.000Z' : '09:05:00.000Z'),
    },
  };
}

/** The events of one patient, in their own order (the caller interleaves patients as it likes). */
export function patientHistory(p: PatientSpec): DomainEvent[] {
  const patientId = p.id;
  const carePlanId = `${p.id}-plan`;
  const medicationId = medicationOf(p.id);
  const events: DomainEvent[] = [
    {
      type: 'PatientEnrolled',
      data: {
        patientId,
        timeZone: 'UTC',
        name: { given: `Ada-${p.id}`, family: 'Secretname' },
        contact: { email: `${p.id}@example.org`, phone: '+44 20 7946 0000' },
        enrolledBy: therapist,
        occurredAt: at(-1),
      },
    },
    {
      type: 'CarePlanStarted',
      data: { patientId, carePlanId, track: p.track, startedBy: therapist, occurredAt: at(0, '08:00:00.000Z') },
    },
  ];
  if (p.modality) {
    events.push({
      type: 'TherapyPrescribed',
      data: {
        patientId,
        carePlanId,
        modality: p.modality,
        modalityDetail: null,
        frequency: { sessions: 1, per: 'week' },
        prescribedBy: therapist,
        occurredAt: at(0, '08:10:00.000Z'),
      },
    });
  }
  if (p.drug) {
    events.push({
      type: 'MedicationPrescribed',
      data: {
        patientId,
        carePlanId,
        medicationId,
        drug: { name: p.drug, rxNormCode: null },
        strength: { value: 50, unit: 'mg' },
        schedule: { timesPerDay: 1, daysOfWeek: [...EVERY_DAY], times: null },
        startsAt: at(0, '00:00:00.000Z'),
        instructions: 'Secret instructions',
        prescriberId: 'u-prescriber',
        occurredAt: at(0, '08:20:00.000Z'),
      },
    });
  }
  const doseDays = new Set(p.doseDays ?? []);
  for (let day = 0; day <= 90; day++) {
    if (p.drug && doseDays.has(day)) events.push(doseTaken(patientId, day));
    if (day % 28 === 0) {
      const phq9 = p.phq9[day / 28];
      const gad7 = p.gad7?.[day / 28];
      if (phq9 !== undefined && phq9 !== null) events.push(score(patientId, 'PHQ-9', phq9, day));
      if (gad7 !== undefined && gad7 !== null) events.push(score(patientId, 'GAD-7', gad7, day));
    }
    for (const [i, s] of (p.sideEffects ?? []).entries()) {
      if (s.day !== day) continue;
      events.push({
        type: 'SideEffectReported',
        data: {
          patientId,
          sideEffectId: `${p.id}-se-${i}`,
          symptom: 'Secret symptom text',
          severity: s.severity,
          suspectedMedicationId: medicationId,
          fibser: null,
          urgent: s.severity === 'severe',
          reportedBy: { userId: patientId, role: 'patient' },
          occurredAt: at(day, '10:00:00.000Z'),
        },
      });
    }
    if (p.drug && p.adjustmentDay === day) {
      events.push({
        type: 'DoseAdjusted',
        data: {
          patientId,
          carePlanId,
          medicationId,
          supersedes: 'rx',
          strength: { value: 100, unit: 'mg' },
          schedule: { timesPerDay: 1, daysOfWeek: [...EVERY_DAY], times: null },
          effectiveFrom: at(day, '12:00:00.000Z'),
          reason: 'Secret reason',
          prescriberId: 'u-prescriber',
          occurredAt: at(day, '12:00:00.000Z'),
        },
      });
    }
  }
  return events;
}

/** Positions in the given order; recordedAt = occurredAt. */
export function projectAll(events: readonly DomainEvent[]): ProjectedEvent[] {
  return events.map((event, i) => {
    const occurredAt = 'occurredAt' in event.data ? event.data.occurredAt : null;
    return {
      event,
      meta: {
        eventId: `evt-${i + 1}`,
        streamName: streamFor(event),
        position: i + 1,
        recordedAt: occurredAt ?? '2026-01-01T00:00:00.000Z',
        occurredAt,
      },
    };
  });
}

/** Round-robin interleaving of patients' histories, as a busy clinic's log would look. */
export function interleave(histories: ReadonlyArray<readonly DomainEvent[]>): DomainEvent[] {
  const out: DomainEvent[] = [];
  const longest = Math.max(0, ...histories.map((h) => h.length));
  for (let i = 0; i < longest; i++) for (const h of histories) if (i < h.length) out.push(h[i]!);
  return out;
}

/** Whole numbers from `from` to `to`, both included, without `except`. */
export const range = (from: number, to: number, except: readonly number[] = []): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i).filter((d) => !except.includes(d));
