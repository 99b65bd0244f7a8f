import type { CommandOf, CommandType } from '../commands';
import { MED, PATIENT } from './fixtures';

const patientId = PATIENT;
const daily = { timesPerDay: 1, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const };

/** One valid-looking command of every type; the compiler insists none is missing. */
export const sampleCommands: { readonly [K in CommandType]: CommandOf<K> } = {
  EnrolPatient: { type: 'EnrolPatient', data: { patientId, name: { given: 'Ada', family: 'Lovelace' } } },
  StartCarePlan: { type: 'StartCarePlan', data: { patientId, carePlanId: 'plan-2', track: 'integrated' } },
  ChangeTreatmentTrack: {
    type: 'ChangeTreatmentTrack',
    data: { patientId, track: 'medication-only', reason: 'Therapy goals met.' },
  },
  ReviewCarePlan: { type: 'ReviewCarePlan', data: { patientId, summary: 'Stable.' } },
  CloseCarePlan: { type: 'CloseCarePlan', data: { patientId, reason: 'completed' } },
  AssignCareTeamMember: {
    type: 'AssignCareTeamMember',
    data: { patientId, userId: 'u-new', role: 'care-manager', chosenByPatient: false },
  },
  RemoveCareTeamMember: { type: 'RemoveCareTeamMember', data: { patientId, userId: 'u-therapist' } },
  SetTreatmentGoal: { type: 'SetTreatmentGoal', data: { patientId, goalId: 'g-1', description: 'Sleep 7 hours.' } },
  MarkGoalAchieved: { type: 'MarkGoalAchieved', data: { patientId, goalId: 'g-1' } },
  ReviseTreatmentGoal: {
    type: 'ReviseTreatmentGoal',
    data: { patientId, goalId: 'g-1', description: 'Sleep 8 hours.' },
  },
  RecordHolisticContext: { type: 'RecordHolisticContext', data: { patientId, lifestyle: 'Runs twice a week.' } },
  PrescribeTherapy: {
    type: 'PrescribeTherapy',
    data: { patientId, modality: 'CBT', frequency: { sessions: 1, per: 'week' } },
  },
  ChangeTherapyModality: { type: 'ChangeTherapyModality', data: { patientId, modality: 'DBT' } },
  ChangeTherapyFrequency: {
    type: 'ChangeTherapyFrequency',
    data: { patientId, frequency: { sessions: 2, per: 'month' } },
  },
  PrescribeMedication: {
    type: 'PrescribeMedication',
    data: {
      patientId,
      medicationId: 'med-2',
      drug: { name: 'Bupropion' },
      strength: { value: 150, unit: 'mg' },
      schedule: { ...daily, daysOfWeek: [...daily.daysOfWeek] },
      startsAt: '2026-03-11T00:00:00Z',
    },
  },
  AdjustDose: {
    type: 'AdjustDose',
    data: {
      patientId,
      medicationId: MED,
      strength: { value: 100, unit: 'mg' },
      schedule: { ...daily, daysOfWeek: [...daily.daysOfWeek] },
      effectiveFrom: '2026-03-11T00:00:00Z',
    },
  },
  CancelDoseAdjustment: {
    type: 'CancelDoseAdjustment',
    data: { patientId, medicationId: MED, adjustmentId: 'adj-pending', reason: 'Titration no longer needed.' },
  },
  DiscontinueMedication: {
    type: 'DiscontinueMedication',
    data: { patientId, medicationId: MED, reason: 'course-completed' },
  },
  ScheduleSession: {
    type: 'ScheduleSession',
    data: {
      patientId,
      sessionId: 's-1',
      kind: 'psychotherapy',
      scheduledFor: '2026-03-12T15:00:00Z',
      durationMinutes: 50,
    },
  },
  RecordSessionAttended: { type: 'RecordSessionAttended', data: { patientId, sessionId: 's-1' } },
  RecordSessionMissed: { type: 'RecordSessionMissed', data: { patientId, sessionId: 's-1' } },
  CancelSession: {
    type: 'CancelSession',
    data: { patientId, sessionId: 's-1', cancelledBy: 'clinic', reason: 'Therapist ill.' },
  },
  RescheduleSession: {
    type: 'RescheduleSession',
    data: { patientId, sessionId: 's-1', scheduledFor: '2026-03-13T15:00:00Z' },
  },
  RecordDoseTaken: {
    type: 'RecordDoseTaken',
    data: { patientId, medicationId: MED, scheduledFor: '2026-03-10T08:00:00Z', occurredAt: '2026-03-10T08:05:00Z' },
  },
  RecordDoseMissed: {
    type: 'RecordDoseMissed',
    data: { patientId, medicationId: MED, scheduledFor: '2026-03-09T08:00:00Z' },
  },
  ReportSideEffect: {
    type: 'ReportSideEffect',
    data: { patientId, sideEffectId: 'se-1', symptom: 'Headache.', severity: 'mild' },
  },
  ReviewSideEffect: { type: 'ReviewSideEffect', data: { patientId, sideEffectId: 'se-1', action: 'monitor' } },
  ResolveSideEffect: { type: 'ResolveSideEffect', data: { patientId, sideEffectId: 'se-1' } },
  RecordOutcome: {
    type: 'RecordOutcome',
    data: { patientId, instrument: 'GAD-7', items: [1, 1, 1, 1, 1, 1, 1], total: 7 },
  },
  RequestConsultation: {
    type: 'RequestConsultation',
    data: { patientId, consultationId: 'c-1', requestedRole: 'prescriber', topic: 'Sleep?', urgency: 'routine' },
  },
  AnswerConsultation: { type: 'AnswerConsultation', data: { patientId, consultationId: 'c-1', answer: 'Fine.' } },
  ShareCollaborationNote: { type: 'ShareCollaborationNote', data: { patientId, noteId: 'n-1', body: 'Good session.' } },
  HoldCaseReview: {
    type: 'HoldCaseReview',
    data: {
      patientId,
      caseReviewId: 'cr-1',
      attendees: [{ userId: 'u-therapist', role: 'therapist' }],
      decisions: ['Continue.'],
    },
  },
  CorrectEntry: {
    type: 'CorrectEntry',
    data: {
      patientId,
      stream: 'careplan-p-1',
      eventId: 'evt-1',
      changes: [{ field: 'name.family', value: 'King' }],
      reason: 'Typo.',
    },
  },
  MarkEnteredInError: {
    type: 'MarkEnteredInError',
    data: { patientId, stream: 'careplan-p-1', eventId: 'evt-1', reason: 'Wrong patient.' },
  },
};
