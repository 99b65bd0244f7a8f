import type { EventOf, EventType } from '../events';
import { PATIENT, enrolled, assigned, planStarted, prescribed, discontinuedAt, therapyPrescribed, trackChanged, therapist, prescriber, patientUser } from './fixtures';

const at = '2026-03-02T08:00:00Z';
const base = { patientId: PATIENT, carePlanId: 'plan-1' };

/** One realistic event of every type; the compiler insists none is missing. */
export const sampleEvents: { readonly [T in EventType]: EventOf<T> } = {
  PatientEnrolled: enrolled(),
  CarePlanStarted: planStarted(),
  TreatmentTrackChanged: trackChanged('integrated', 'medication-only'),
  CarePlanReviewed: { type: 'CarePlanReviewed', data: { ...base, summary: 'Sleep improving.', nextReviewDue: '2026-06-01', reviewedBy: prescriber, occurredAt: at } },
  CarePlanClosed: { type: 'CarePlanClosed', data: { ...base, reason: 'completed', note: 'Remission held 6 months.', closedBy: therapist, occurredAt: at } },
  CareTeamMemberAssigned: assigned(prescriber),
  CareTeamMemberRemoved: {
    type: 'CareTeamMemberRemoved',
    data: { patientId: PATIENT, userId: 'u-old', role: 'care-manager', reason: 'Moved away.', removedBy: therapist, occurredAt: at },
  },
  TreatmentGoalSet: {
    type: 'TreatmentGoalSet',
    data: { ...base, goalId: 'g-1', description: 'Return to work part-time', targetDate: '2026-06-30', setBy: therapist, occurredAt: at },
  },
  TreatmentGoalAchieved: { type: 'TreatmentGoalAchieved', data: { ...base, goalId: 'g-1', recordedBy: therapist, occurredAt: at } },
  TreatmentGoalRevised: {
    type: 'TreatmentGoalRevised',
    data: { ...base, goalId: 'g-1', description: 'Return to work full-time', targetDate: null, reason: 'Ahead of plan.', revisedBy: therapist, occurredAt: at },
  },
  HolisticContextRecorded: {
    type: 'HolisticContextRecorded',
    data: {
      patientId: PATIENT,
      lifestyle: 'Night shifts.',
      supportSystem: 'Sister nearby.',
      comorbidConditions: [{ code: 'E11', description: 'Type 2 diabetes' }],
      recordedBy: therapist,
      occurredAt: at,
    },
  },
  TherapyPrescribed: therapyPrescribed(),
  TherapyModalityChanged: {
    type: 'TherapyModalityChanged',
    data: { ...base, from: 'CBT', to: 'DBT', modalityDetail: null, reason: 'Emotion regulation focus.', changedBy: therapist, occurredAt: at },
  },
  TherapyFrequencyChanged: {
    type: 'TherapyFrequencyChanged',
    data: { ...base, from: { sessions: 1, per: 'week' }, to: { sessions: 2, per: 'month' }, changedBy: therapist, occurredAt: at },
  },
  MedicationPrescribed: prescribed({ instructions: 'Take with food.' }),
  DoseAdjusted: {
    type: 'DoseAdjusted',
    data: {
      ...base,
      medicationId: 'med-sertraline',
      supersedes: 'evt-1',
      strength: { value: 100, unit: 'mg' },
      schedule: { timesPerDay: 1, daysOfWeek: ['mon', 'wed', 'fri'], times: null },
      effectiveFrom: at,
      reason: 'Partial response.',
      prescriberId: prescriber.userId,
      occurredAt: at,
    },
  },
  MedicationDiscontinued: { ...discontinuedAt(at), data: { ...discontinuedAt(at).data, reasonDetail: 'Nausea.' } },
  SessionScheduled: {
    type: 'SessionScheduled',
    data: {
      patientId: PATIENT,
      sessionId: 's-1',
      kind: 'psychotherapy',
      scheduledFor: '2026-03-12T15:00:00Z',
      durationMinutes: 50,
      clinicianId: therapist.userId,
      scheduledBy: therapist,
      occurredAt: at,
    },
  },
  SessionAttended: { type: 'SessionAttended', data: { patientId: PATIENT, sessionId: 's-1', kind: 'psychotherapy', recordedBy: therapist, occurredAt: at } },
  SessionMissed: {
    type: 'SessionMissed',
    data: { patientId: PATIENT, sessionId: 's-1', kind: 'psychotherapy', reason: 'Overslept.', recordedBy: therapist, occurredAt: at },
  },
  SessionCancelled: {
    type: 'SessionCancelled',
    data: { patientId: PATIENT, sessionId: 's-1', kind: 'psychotherapy', cancelledBy: 'patient', reason: 'Sick child.', recordedBy: therapist, occurredAt: at },
  },
  SessionRescheduled: {
    type: 'SessionRescheduled',
    data: { patientId: PATIENT, sessionId: 's-1', from: '2026-03-12T15:00:00Z', to: '2026-03-13T15:00:00Z', reason: 'Clinic closed.', recordedBy: therapist, occurredAt: at },
  },
  DoseTaken: { type: 'DoseTaken', data: { patientId: PATIENT, medicationId: 'med-sertraline', scheduledFor: at, occurredAt: at, recordedBy: patientUser } },
  DoseMissed: {
    type: 'DoseMissed',
    data: { patientId: PATIENT, medicationId: 'med-sertraline', scheduledFor: at, occurredAt: at, reason: 'other', reasonDetail: 'At a funeral.', recordedBy: patientUser },
  },
  DoseTakenLate: {
    type: 'DoseTakenLate',
    data: { patientId: PATIENT, medicationId: 'med-sertraline', scheduledFor: at, occurredAt: '2026-03-02T13:00:00Z', supersedesMissed: null, recordedBy: patientUser },
  },
  SideEffectReported: {
    type: 'SideEffectReported',
    data: {
      patientId: PATIENT,
      sideEffectId: 'se-1',
      symptom: 'Nausea every morning',
      severity: 'moderate',
      suspectedMedicationId: 'med-sertraline',
      fibser: { frequency: 4, intensity: 3, burden: 2 },
      urgent: false,
      reportedBy: patientUser,
      occurredAt: at,
    },
  },
  SideEffectReviewed: {
    type: 'SideEffectReviewed',
    data: { patientId: PATIENT, sideEffectId: 'se-1', action: 'monitor', note: 'Take after breakfast.', reviewedBy: prescriber, occurredAt: at },
  },
  SideEffectResolved: { type: 'SideEffectResolved', data: { patientId: PATIENT, sideEffectId: 'se-1', note: 'Gone.', recordedBy: patientUser, occurredAt: at } },
  OutcomeMeasured: {
    type: 'OutcomeMeasured',
    data: { patientId: PATIENT, instrument: 'PHQ-9', loinc: '44261-6', items: [1, 2, 1, 0, 3, 1, 2, 0, 0], total: 10, administeredBy: patientUser, occurredAt: at },
  },
  ConsultationRequested: {
    type: 'ConsultationRequested',
    data: { patientId: PATIENT, consultationId: 'c-1', requestedBy: therapist, requestedRole: 'prescriber', topic: 'Agitation since dose increase?', urgency: 'urgent', occurredAt: at },
  },
  ConsultationAnswered: {
    type: 'ConsultationAnswered',
    data: { patientId: PATIENT, consultationId: 'c-1', answeredBy: prescriber, answer: 'Will reduce to 50 mg.', requestedAt: at, occurredAt: '2026-03-02T10:00:00Z' },
  },
  CollaborationNoteShared: {
    type: 'CollaborationNoteShared',
    data: { patientId: PATIENT, noteId: 'n-1', author: therapist, audience: ['prescriber'], body: 'Worked on sleep hygiene.', occurredAt: at },
  },
  CaseReviewHeld: {
    type: 'CaseReviewHeld',
    data: { patientId: PATIENT, caseReviewId: 'cr-1', attendees: [therapist, prescriber], decisions: ['Switch to DBT.'], recordedBy: therapist, occurredAt: at },
  },
  EntryCorrected: {
    type: 'EntryCorrected',
    data: {
      patientId: PATIENT,
      stream: 'careplan-p-1',
      eventId: 'evt-1',
      eventType: 'PatientEnrolled',
      changes: [{ field: 'name.family', value: 'King' }],
      reason: 'Name misspelt at intake.',
      correctedBy: therapist,
      occurredAt: at,
    },
  },
  EntryEnteredInError: {
    type: 'EntryEnteredInError',
    data: { patientId: PATIENT, stream: 'doses-p-1-2026-03', eventId: 'evt-9', eventType: 'DoseTaken', reason: 'Wrong patient.', markedBy: therapist, occurredAt: at },
  },
};
