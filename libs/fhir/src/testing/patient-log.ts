import type { DomainEvent } from '@caretrail/domain';
import { sampleEvents } from '@caretrail/domain/testing';
import type { FhirSourceEvent } from '../source-event';

export const PATIENT = 'p-1';

/** Events of one patient as the fold reads them: ids evt-1.., positions 101.., recorded an hour after they happened. */
export function sourceEvents(events: readonly DomainEvent[]): FhirSourceEvent[] {
  return events.map((event, i) => {
    const occurredAt = (event.data as { occurredAt?: string }).occurredAt ?? '2026-03-02T08:00:00Z';
    return {
      event,
      meta: {
        eventId: `evt-${i + 1}`,
        position: 101 + i,
        recordedAt: new Date(Date.parse(occurredAt) + 3_600_000).toISOString(),
        occurredAt,
        actor: { userId: 'u-therapist', role: 'therapist' },
        correlationId: `corr-${i + 1}`,
        causationId: null,
        command: 'SomeCommand',
      },
    };
  });
}

const s = sampleEvents;
const gad7: DomainEvent = {
  type: 'OutcomeMeasured',
  data: { ...s.OutcomeMeasured.data, instrument: 'GAD-7', loinc: '70274-6', items: [1, 1, 2, 0, 0, 1, 3], total: 8 },
};

/** A patient's whole course touching every mapped type; evt-6 is the prescription, evt-8 a dose later marked in error. */
export const courseOfCare: DomainEvent[] = [
  s.PatientEnrolled,
  s.CarePlanStarted,
  s.CareTeamMemberAssigned,
  s.TherapyPrescribed,
  s.TreatmentGoalSet,
  s.MedicationPrescribed,
  { ...s.DoseAdjusted, data: { ...s.DoseAdjusted.data, supersedes: 'evt-6' } },
  s.DoseTaken,
  s.DoseMissed,
  s.SessionScheduled,
  s.SessionAttended,
  s.OutcomeMeasured,
  gad7,
  s.SideEffectReported,
  s.SideEffectResolved,
  s.ConsultationRequested,
  s.ConsultationAnswered,
  s.CollaborationNoteShared,
  s.TreatmentGoalAchieved,
  { ...s.EntryEnteredInError, data: { ...s.EntryEnteredInError.data, eventId: 'evt-8' } },
  { ...s.EntryCorrected, data: { ...s.EntryCorrected.data, eventId: 'evt-1' } },
  s.MedicationDiscontinued,
  s.TherapyModalityChanged,
  s.CarePlanClosed,
];
