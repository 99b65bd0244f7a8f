import type { DomainEvent, EventType } from '@caretrail/domain';
import type { ProjectedEvent, ReadModel } from './contract';
import { readModels } from './index';
import {
  adjusted,
  adjustmentCancelled,
  assigned,
  caseReviewHeld,
  consultationAnswered,
  consultationRequested,
  corrected,
  discontinued,
  enrolled,
  enteredInError,
  missed,
  noteShared,
  outcome,
  planClosed,
  planStarted,
  prescribed,
  prescriber,
  foldThroughRows,
  project,
  sessionAttended,
  sessionCancelled,
  sessionMissed,
  sessionRescheduled,
  sessionScheduled,
  sessionStream,
  sideEffectReported,
  sideEffectResolved,
  sideEffectReviewed,
  taken,
  takenLate,
  therapist,
  withId,
  PATIENT,
  type Identified,
} from './testing/events';

const base = { patientId: PATIENT, carePlanId: 'plan-1' };
const at = '2026-02-10T09:00:00Z';

/** A history with every event type (the map makes the compiler insist) and corrections aimed at every model. */
const everyType: { [T in EventType]: Array<DomainEvent | Identified> } = {
  PatientEnrolled: [withId('evt-enrol', enrolled('Europe/London'))],
  CareTeamMemberAssigned: [
    assigned(therapist),
    assigned(prescriber),
    assigned({ userId: 'u-cm', role: 'care-manager' }),
  ],
  CarePlanStarted: [withId('evt-plan-1', planStarted())],
  TreatmentTrackChanged: [
    {
      type: 'TreatmentTrackChanged',
      data: { ...base, from: 'integrated', to: 'medication-only', reason: 'x', changedBy: prescriber, occurredAt: at },
    },
  ],
  CarePlanReviewed: [
    withId('evt-review', {
      type: 'CarePlanReviewed',
      data: { ...base, summary: 'ok', nextReviewDue: null, reviewedBy: prescriber, occurredAt: at },
    }),
  ],
  CareTeamMemberRemoved: [
    {
      type: 'CareTeamMemberRemoved',
      data: {
        patientId: PATIENT,
        userId: 'u-cm',
        role: 'care-manager',
        reason: null,
        removedBy: therapist,
        occurredAt: at,
      },
    },
  ],
  TreatmentGoalSet: [
    withId('evt-goal', {
      type: 'TreatmentGoalSet',
      data: { ...base, goalId: 'g-1', description: 'Work', targetDate: null, setBy: therapist, occurredAt: at },
    }),
  ],
  TreatmentGoalAchieved: [
    { type: 'TreatmentGoalAchieved', data: { ...base, goalId: 'g-1', recordedBy: therapist, occurredAt: at } },
  ],
  TreatmentGoalRevised: [
    {
      type: 'TreatmentGoalRevised',
      data: {
        ...base,
        goalId: 'g-1',
        description: 'Work more',
        targetDate: null,
        reason: null,
        revisedBy: therapist,
        occurredAt: at,
      },
    },
  ],
  HolisticContextRecorded: [
    {
      type: 'HolisticContextRecorded',
      data: {
        patientId: PATIENT,
        lifestyle: null,
        supportSystem: null,
        comorbidConditions: [],
        recordedBy: therapist,
        occurredAt: at,
      },
    },
  ],
  TherapyPrescribed: [
    {
      type: 'TherapyPrescribed',
      data: {
        ...base,
        modality: 'CBT',
        modalityDetail: null,
        frequency: { sessions: 1, per: 'week' },
        prescribedBy: therapist,
        occurredAt: at,
      },
    },
  ],
  TherapyModalityChanged: [
    {
      type: 'TherapyModalityChanged',
      data: {
        ...base,
        from: 'CBT',
        to: 'DBT',
        modalityDetail: null,
        reason: null,
        changedBy: therapist,
        occurredAt: at,
      },
    },
  ],
  TherapyFrequencyChanged: [
    {
      type: 'TherapyFrequencyChanged',
      data: {
        ...base,
        from: { sessions: 1, per: 'week' },
        to: { sessions: 2, per: 'month' },
        changedBy: therapist,
        occurredAt: at,
      },
    },
  ],
  MedicationPrescribed: [
    withId('evt-rx', prescribed('2026-02-01T00:00:00Z', { timesPerDay: 2 })),
    withId('evt-rx-2', prescribed('2026-02-01T00:00:00Z', {}, 'med-2')),
  ],
  DoseAdjusted: [
    withId('evt-adj', adjusted('2026-02-15T00:00:00Z', { timesPerDay: 1 })),
    withId('evt-adj-2', adjusted('2026-03-01T00:00:00Z', { timesPerDay: 3 })),
  ],
  DoseAdjustmentCancelled: [withId('evt-adj-cancel', adjustmentCancelled('evt-adj-2', '2026-02-20T00:00:00Z'))],
  MedicationDiscontinued: [withId('evt-stop', discontinued('2026-03-20T00:00:00Z', 'med-2'))],
  DoseTaken: [
    withId('evt-dose-1', taken('2026-02-16T08:00:00Z')),
    withId('evt-dose-2', taken('2026-02-17T08:00:00Z')),
    taken('2026-02-16T08:00:00Z', 'med-2'),
  ],
  DoseMissed: [withId('evt-miss', missed('2026-02-18T08:00:00Z'))],
  DoseTakenLate: [takenLate('2026-02-18T15:00:00Z', '2026-02-18T08:00:00Z', 'evt-miss')],
  SessionScheduled: [
    sessionScheduled('s-1', '2026-03-02T10:00:00Z'),
    sessionScheduled('s-2', '2026-03-09T10:00:00Z'),
    sessionScheduled('s-3', '2026-03-16T10:00:00Z'),
    sessionScheduled('s-4', '2026-04-16T10:00:00Z'),
  ],
  SessionRescheduled: [
    withId('evt-resched', sessionRescheduled('s-4', '2026-04-16T10:00:00Z', '2026-04-17T10:00:00Z')),
  ],
  SessionAttended: [withId('evt-attended', sessionAttended('s-1', '2026-03-02T10:00:00Z'))],
  SessionMissed: [withId('evt-missed-s2', sessionMissed('s-2', '2026-03-09T10:00:00Z'))],
  SessionCancelled: [sessionCancelled('s-3', '2026-03-10T10:00:00Z')],
  SideEffectReported: [
    withId('evt-se', sideEffectReported('se-1', at, 'severe')),
    sideEffectReported('se-2', at, 'moderate', 5),
  ],
  SideEffectReviewed: [withId('evt-se-review', sideEffectReviewed('se-1', '2026-02-11T09:00:00Z'))],
  SideEffectResolved: [sideEffectResolved('se-1', '2026-02-12T09:00:00Z')],
  OutcomeMeasured: [
    outcome('PHQ-9', 18, '2026-01-06T10:00:00Z'),
    withId('evt-phq', outcome('PHQ-9', 9, at)),
    outcome('GAD-7', 12, at),
  ],
  ConsultationRequested: [withId('evt-consult', consultationRequested('c-1', at)), consultationRequested('c-2', at)],
  ConsultationAnswered: [withId('evt-answer', consultationAnswered('c-1', at, '2026-02-11T09:00:00Z'))],
  CollaborationNoteShared: [withId('evt-note', noteShared('n-1', '2026-02-12T09:00:00Z'))],
  CaseReviewHeld: [withId('evt-case-review', caseReviewHeld('cr-1', '2026-02-13T09:00:00Z'))],
  EntryCorrected: [
    corrected('evt-enrol', 'PatientEnrolled', [{ field: 'timeZone', value: 'Europe/Berlin' }]),
    corrected('evt-goal', 'TreatmentGoalSet', [{ field: 'description', value: 'Work part-time' }]),
    corrected('evt-rx', 'MedicationPrescribed', [{ field: 'strength.value', value: 25 }]),
    corrected('evt-adj', 'DoseAdjusted', [{ field: 'effectiveFrom', value: '2026-02-14T00:00:00Z' }]),
    corrected('evt-stop', 'MedicationDiscontinued', [{ field: 'stoppedAt', value: '2026-03-21T00:00:00Z' }]),
    corrected('evt-dose-2', 'DoseTaken', [{ field: 'occurredAt', value: '2026-02-17T09:00:00Z' }]),
    corrected('evt-resched', 'SessionRescheduled', [{ field: 'to', value: '2026-04-18T10:00:00Z' }]),
    corrected(
      'evt-attended',
      'SessionAttended',
      [{ field: 'occurredAt', value: '2026-03-02T11:00:00Z' }],
      '2026-04-01T09:00:00Z',
      sessionStream('s-1'),
    ),
    corrected('evt-se', 'SideEffectReported', [{ field: 'severity', value: 'moderate' }]),
    corrected('evt-phq', 'OutcomeMeasured', [{ field: 'total', value: 10 }]),
    corrected('evt-answer', 'ConsultationAnswered', [{ field: 'occurredAt', value: '2026-02-10T15:00:00Z' }]),
    corrected('evt-case-review', 'CaseReviewHeld', [{ field: 'occurredAt', value: '2026-02-13T10:00:00Z' }]),
  ],
  EntryEnteredInError: [
    enteredInError('evt-review', 'CarePlanReviewed'),
    enteredInError('evt-adj-cancel', 'DoseAdjustmentCancelled'),
    enteredInError('evt-dose-1', 'DoseTaken'),
    enteredInError('evt-se-review', 'SideEffectReviewed'),
    enteredInError('evt-note', 'CollaborationNoteShared'),
    enteredInError('evt-consult', 'ConsultationRequested'),
    enteredInError('evt-plan-1', 'CarePlanStarted'),
    enteredInError('evt-missed-s2', 'SessionMissed', '2026-04-01T09:00:00Z', sessionStream('s-2')),
  ],
  CarePlanClosed: [planClosed('2026-03-25T09:00:00Z')],
};

// In a plausible order: enrolment and plan first, corrections last (a correction follows its target).
const order: EventType[] = [
  'PatientEnrolled',
  'CareTeamMemberAssigned',
  'CarePlanStarted',
  'TreatmentGoalSet',
  'TreatmentGoalAchieved',
  'TreatmentGoalRevised',
  'HolisticContextRecorded',
  'TherapyPrescribed',
  'TherapyModalityChanged',
  'TherapyFrequencyChanged',
  'MedicationPrescribed',
  'DoseAdjusted',
  'DoseAdjustmentCancelled',
  'DoseTaken',
  'DoseMissed',
  'DoseTakenLate',
  'SessionScheduled',
  'SessionRescheduled',
  'SessionAttended',
  'SessionMissed',
  'SessionCancelled',
  'SideEffectReported',
  'SideEffectReviewed',
  'SideEffectResolved',
  'OutcomeMeasured',
  'ConsultationRequested',
  'ConsultationAnswered',
  'CollaborationNoteShared',
  'CaseReviewHeld',
  'CarePlanReviewed',
  'TreatmentTrackChanged',
  'CareTeamMemberRemoved',
  'MedicationDiscontinued',
  'CarePlanClosed',
  'EntryCorrected',
  'EntryEnteredInError',
];
const history: ProjectedEvent[] = project(order.flatMap((type) => everyType[type]));

function foldEach(model: ReadModel<unknown>, events: readonly ProjectedEvent[], times: number): unknown {
  let doc: unknown;
  for (const e of events) {
    if (model.keysOf(e).length === 0) continue;
    for (let i = 0; i < times; i++) doc = model.evolve(doc, e);
  }
  return doc;
}

describe('every read model', () => {
  it('names the four models of docs/read-models.md', () => {
    expect(readModels.map((m) => [m.name, m.version])).toEqual([
      ['current-plan', 2],
      ['adherence', 4],
      ['collaboration', 2],
      ['registry', 1],
    ]);
  });

  it.each(readModels.map((m) => [m.name, m] as const))(
    '%s: every event applied twice gives the same doc as once (idempotency)',
    (_name, model) => {
      expect(history.length).toBeGreaterThan(60);
      const once = foldEach(model, history, 1);
      expect(foldEach(model, history, 2)).toEqual(once);
      expect(model.patientOf(once)).toBe(PATIENT);
    },
  );

  it.each(readModels.filter((m) => m.rows).map((m) => [m.name, m] as const))(
    '%s: stored as a patient row and detail rows, read back only where an event names them, gives the same doc',
    (_name, model) => {
      const inMemory = foldEach(model, history, 1);
      expect(model.rows?.details(inMemory).length).toBeGreaterThan(0);
      expect(foldThroughRows(model, history)).toEqual(inMemory);
    },
  );

  it.each(readModels.map((m) => [m.name, m] as const))(
    '%s: docs are plain JSON (they are stored as jsonb)',
    (_name, model) => {
      const doc = foldEach(model, history, 1);
      expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    },
  );

  it('keys rows by patient, and a correction only reaches the models that keep its target', () => {
    const keys = (event: DomainEvent): string[][] =>
      readModels.map((m) => m.keysOf(project([event])[0] as ProjectedEvent));
    expect(keys(taken('2026-02-16T08:00:00Z'))).toEqual([[], [PATIENT], [], []]);
    expect(keys(outcome('PHQ-9', 9, at))).toEqual([[], [], [], [PATIENT]]);
    expect(keys(enteredInError('evt-x', 'DoseTaken'))).toEqual([[], [PATIENT], [], []]);
    expect(keys(enteredInError('evt-x', 'CarePlanStarted'))).toEqual([[PATIENT], [], [], [PATIENT]]);
    expect(keys(enrolled())).toEqual([[PATIENT], [PATIENT], [], [PATIENT]]);
  });
});
