import type { DomainEvent, EventOf } from '../events';
import type { Actor, ActorRole } from '../shared/actor';
import type { TreatmentTrack } from '../care-plan/events';

export const NOW = '2026-03-10T12:00:00.000Z';
export const PATIENT = 'p-1';

export const therapist: Actor = { userId: 'u-therapist', role: 'therapist' };
export const prescriber: Actor = { userId: 'u-prescriber', role: 'prescriber' };
export const careManager: Actor = { userId: 'u-care-manager', role: 'care-manager' };
export const outsider: Actor = { userId: 'u-outsider', role: 'prescriber' };
export const patientUser: Actor = { userId: PATIENT, role: 'patient' };
export const otherPatientUser: Actor = { userId: 'p-2', role: 'patient' };
export const admin: Actor = { userId: 'u-admin', role: 'admin' };
export const analyst: Actor = { userId: 'u-analyst', role: 'analyst' };

export function asActor(ref: Actor): Actor {
  return { userId: ref.userId, role: ref.role };
}

export function as(ref: Actor, now: string = NOW): { actor: Actor; now: string } {
  return { actor: asActor(ref), now };
}

export const enrolled = (overrides: Partial<EventOf<'PatientEnrolled'>['data']> = {}): EventOf<'PatientEnrolled'> => ({
  type: 'PatientEnrolled',
  data: {
    patientId: PATIENT,
    timeZone: 'Europe/Berlin',
    name: { given: 'Ada', family: 'Lovelace' },
    contact: { email: 'ada@example.org', phone: null },
    enrolledBy: therapist,
    occurredAt: '2026-01-05T09:00:00Z',
    ...overrides,
  },
});

export const assigned = (member: Actor, occurredAt = '2026-01-05T09:00:00Z'): EventOf<'CareTeamMemberAssigned'> => ({
  type: 'CareTeamMemberAssigned',
  data: {
    patientId: PATIENT,
    userId: member.userId,
    role: member.role as Exclude<ActorRole, 'patient' | 'admin' | 'analyst'>,
    chosenByPatient: member.role !== 'therapist',
    assignedBy: therapist,
    occurredAt,
  },
});

export const planStarted = (
  track: TreatmentTrack = 'integrated',
  carePlanId = 'plan-1',
): EventOf<'CarePlanStarted'> => ({
  type: 'CarePlanStarted',
  data: { patientId: PATIENT, carePlanId, track, startedBy: therapist, occurredAt: '2026-01-06T09:00:00Z' },
});

export const trackChanged = (from: TreatmentTrack, to: TreatmentTrack): EventOf<'TreatmentTrackChanged'> => ({
  type: 'TreatmentTrackChanged',
  data: {
    patientId: PATIENT,
    carePlanId: 'plan-1',
    from,
    to,
    reason: 'patient preference',
    changedBy: prescriber,
    occurredAt: '2026-03-01T09:00:00Z',
  },
});

/** Enrolled by the therapist, prescriber chosen by the patient, integrated plan open. */
export const integratedPlan: DomainEvent[] = [enrolled(), assigned(therapist), assigned(prescriber), planStarted()];

export const MED = 'med-sertraline';

export const prescribed = (
  overrides: Partial<EventOf<'MedicationPrescribed'>['data']> = {},
): EventOf<'MedicationPrescribed'> => ({
  type: 'MedicationPrescribed',
  data: {
    patientId: PATIENT,
    carePlanId: 'plan-1',
    medicationId: MED,
    drug: { name: 'Sertraline', rxNormCode: '36437' },
    strength: { value: 50, unit: 'mg' },
    schedule: { timesPerDay: 1, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], times: ['08:00'] },
    startsAt: '2026-02-01T00:00:00Z',
    instructions: null,
    prescriberId: prescriber.userId,
    occurredAt: '2026-01-31T10:00:00Z',
    ...overrides,
  },
});

/** A dose adjustment of MED recorded on 5 March, effective 20 March: pending at NOW (10 March). */
export const adjusted = (overrides: Partial<EventOf<'DoseAdjusted'>['data']> = {}): EventOf<'DoseAdjusted'> => ({
  type: 'DoseAdjusted',
  data: {
    patientId: PATIENT,
    carePlanId: 'plan-1',
    medicationId: MED,
    supersedes: 'rx-1',
    strength: { value: 100, unit: 'mg' },
    schedule: { timesPerDay: 1, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], times: null },
    effectiveFrom: '2026-03-20T00:00:00Z',
    reason: null,
    prescriberId: prescriber.userId,
    occurredAt: '2026-03-05T09:00:00Z',
    ...overrides,
  },
});

export const discontinuedAt = (stoppedAt: string, medicationId = MED): EventOf<'MedicationDiscontinued'> => ({
  type: 'MedicationDiscontinued',
  data: {
    patientId: PATIENT,
    carePlanId: 'plan-1',
    medicationId,
    stoppedAt,
    reason: 'side-effects',
    reasonDetail: null,
    prescriberId: prescriber.userId,
    occurredAt: stoppedAt,
  },
});

export const therapyPrescribed = (): EventOf<'TherapyPrescribed'> => ({
  type: 'TherapyPrescribed',
  data: {
    patientId: PATIENT,
    carePlanId: 'plan-1',
    modality: 'CBT',
    modalityDetail: null,
    frequency: { sessions: 1, per: 'week' },
    prescribedBy: therapist,
    occurredAt: '2026-01-06T10:00:00Z',
  },
});
