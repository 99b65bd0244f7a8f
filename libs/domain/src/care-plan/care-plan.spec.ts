import {
  NotOnCareTeam,
  OccurredInFuture,
  PatientNotEnrolled,
  RoleNotPermitted,
  InvalidValue,
  InvalidTimestamp,
} from '../shared/errors';
import { TherapyOnlyTrackHasNoMedication } from '../medication/errors';
import { UnknownTimeZone } from '../shared/calendar';
import { given } from '../testing/given-when-then';
import {
  NOW,
  PATIENT,
  admin,
  as,
  assigned,
  careManager,
  discontinuedAt,
  enrolled,
  integratedPlan,
  outsider,
  patientUser,
  planStarted,
  prescribed,
  prescriber,
  therapist,
} from '../testing/fixtures';
import { canReadRecord, careTeamGaps } from './access';
import { evolveCarePlan, initialCarePlanState, type CarePlanState } from './state';
import {
  AlreadyOnCareTeam,
  CarePlanAlreadyOpen,
  CarePlanHasActiveMedications,
  CareTeamCannotBeEmpty,
  CareTeamMemberNotFound,
  GoalAlreadyAchieved,
  GoalAlreadyExists,
  GoalNotFound,
  LastPrescriberWithActiveMedications,
  NoOpenCarePlan,
  PatientAlreadyEnrolled,
  TrackUnchanged,
} from './errors';
import type { DomainEvent } from '../events';

const closed: DomainEvent = {
  type: 'CarePlanClosed',
  data: {
    patientId: PATIENT,
    carePlanId: 'plan-1',
    reason: 'completed',
    note: null,
    closedBy: therapist,
    occurredAt: '2026-03-01T09:00:00Z',
  },
};
const goalSet: DomainEvent = {
  type: 'TreatmentGoalSet',
  data: {
    patientId: PATIENT,
    carePlanId: 'plan-1',
    goalId: 'g-1',
    description: 'Sleep 7 hours',
    targetDate: null,
    setBy: therapist,
    occurredAt: '2026-01-07T09:00:00Z',
  },
};
const goalAchieved: DomainEvent = {
  type: 'TreatmentGoalAchieved',
  data: {
    patientId: PATIENT,
    carePlanId: 'plan-1',
    goalId: 'g-1',
    recordedBy: therapist,
    occurredAt: '2026-02-07T09:00:00Z',
  },
};

describe('enrolment', () => {
  it('enrols a patient and founds the care team with the enrolling clinician', () =>
    given([])
      .when(
        {
          type: 'EnrolPatient',
          data: {
            patientId: PATIENT,
            name: { given: 'Ada', family: 'Lovelace' },
            contact: { email: 'ada@example.org' },
            timeZone: 'Europe/Berlin',
          },
        },
        as(therapist),
      )
      .then([
        {
          type: 'PatientEnrolled',
          data: {
            patientId: PATIENT,
            timeZone: 'Europe/Berlin',
            name: { given: 'Ada', family: 'Lovelace' },
            contact: { email: 'ada@example.org', phone: null },
            enrolledBy: therapist,
            occurredAt: NOW,
          },
        },
        {
          type: 'CareTeamMemberAssigned',
          data: {
            patientId: PATIENT,
            userId: therapist.userId,
            role: 'therapist',
            chosenByPatient: false,
            assignedBy: therapist,
            occurredAt: NOW,
          },
        },
      ]));

  it('records the time zone as UTC when none is given (adherence days need one)', () => {
    const [event] = given([])
      .when({ type: 'EnrolPatient', data: { patientId: PATIENT, name: { given: 'A', family: 'B' } } }, as(therapist))
      .events();
    expect(event).toMatchObject({ type: 'PatientEnrolled', data: { timeZone: 'UTC' } });
  });

  it('rule PatientAlreadyEnrolled: a patient is enrolled once', () =>
    given([enrolled()])
      .when({ type: 'EnrolPatient', data: { patientId: PATIENT, name: { given: 'A', family: 'B' } } }, as(therapist))
      .thenThrows(PatientAlreadyEnrolled));

  it.each(['CET+1 summer', 'Europe/Londn', 'Mars/Olympus'])(
    'rule UnknownTimeZone: refuses "%s", a zone the runtime does not resolve',
    (timeZone) =>
      given([])
        .when(
          { type: 'EnrolPatient', data: { patientId: PATIENT, name: { given: 'A', family: 'B' }, timeZone } },
          as(therapist),
        )
        .thenThrows(UnknownTimeZone),
  );

  it('rule RoleNotPermitted: a patient cannot enrol anyone, not even themselves', () =>
    given([])
      .when({ type: 'EnrolPatient', data: { patientId: PATIENT, name: { given: 'A', family: 'B' } } }, as(patientUser))
      .thenThrows(RoleNotPermitted));
});

describe('care plan', () => {
  it('starts an integrated care plan', () =>
    given([enrolled(), assigned(therapist)])
      .when(
        { type: 'StartCarePlan', data: { patientId: PATIENT, carePlanId: 'plan-1', track: 'integrated' } },
        as(therapist),
      )
      .then([
        {
          type: 'CarePlanStarted',
          data: {
            patientId: PATIENT,
            carePlanId: 'plan-1',
            track: 'integrated',
            startedBy: therapist,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule PatientNotEnrolled: nothing is recorded before enrolment', () =>
    given([])
      .when(
        { type: 'StartCarePlan', data: { patientId: PATIENT, carePlanId: 'plan-1', track: 'integrated' } },
        as(therapist),
      )
      .thenThrows(PatientNotEnrolled));

  it('rule NotOnCareTeam: only care-team members write to the plan', () =>
    given([enrolled(), assigned(therapist)])
      .when(
        { type: 'StartCarePlan', data: { patientId: PATIENT, carePlanId: 'plan-1', track: 'integrated' } },
        as(outsider),
      )
      .thenThrows(NotOnCareTeam));

  it('rule CarePlanAlreadyOpen: one open care plan per episode of care', () =>
    given(integratedPlan)
      .when(
        { type: 'StartCarePlan', data: { patientId: PATIENT, carePlanId: 'plan-2', track: 'integrated' } },
        as(therapist),
      )
      .thenThrows(CarePlanAlreadyOpen));

  it('starts a new episode once the previous plan is closed', () => {
    const events = given([...integratedPlan, closed])
      .when(
        { type: 'StartCarePlan', data: { patientId: PATIENT, carePlanId: 'plan-2', track: 'therapy-only' } },
        as(therapist),
      )
      .events();
    expect(events).toEqual([
      expect.objectContaining({ type: 'CarePlanStarted', data: expect.objectContaining({ carePlanId: 'plan-2' }) }),
    ]);
  });

  it('rule OccurredInFuture: a plan cannot start tomorrow by the clock of the caller', () =>
    given([enrolled(), assigned(therapist)])
      .when(
        {
          type: 'StartCarePlan',
          data: { patientId: PATIENT, carePlanId: 'plan-1', track: 'integrated', occurredAt: '2026-03-11T12:00:00Z' },
        },
        as(therapist),
      )
      .thenThrows(OccurredInFuture));

  it('rule InvalidTimestamp: a date without a zone is ambiguous and refused', () =>
    given([enrolled(), assigned(therapist)])
      .when(
        {
          type: 'StartCarePlan',
          data: { patientId: PATIENT, carePlanId: 'plan-1', track: 'integrated', occurredAt: '2026-03-09 10:00' },
        },
        as(therapist),
      )
      .thenThrows(InvalidTimestamp));

  it('reviews the open plan', () =>
    given(integratedPlan)
      .when(
        {
          type: 'ReviewCarePlan',
          data: { patientId: PATIENT, summary: 'PHQ-9 down to 9.', nextReviewDue: '2026-06-10' },
        },
        as(prescriber),
      )
      .then([
        {
          type: 'CarePlanReviewed',
          data: {
            patientId: PATIENT,
            carePlanId: 'plan-1',
            summary: 'PHQ-9 down to 9.',
            nextReviewDue: '2026-06-10',
            reviewedBy: prescriber,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule NoOpenCarePlan: a closed plan is not reviewed', () =>
    given([...integratedPlan, closed])
      .when({ type: 'ReviewCarePlan', data: { patientId: PATIENT } }, as(prescriber))
      .thenThrows(NoOpenCarePlan));

  it('closes the plan when no medication is active', () =>
    given([...integratedPlan, prescribed(), discontinuedAt('2026-03-01T00:00:00Z')])
      .when({ type: 'CloseCarePlan', data: { patientId: PATIENT, reason: 'completed' } }, as(therapist))
      .then([
        {
          type: 'CarePlanClosed',
          data: {
            patientId: PATIENT,
            carePlanId: 'plan-1',
            reason: 'completed',
            note: null,
            closedBy: therapist,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule CarePlanHasActiveMedications: medications are discontinued (with a stop time) before the plan closes', () =>
    given([...integratedPlan, prescribed()])
      .when({ type: 'CloseCarePlan', data: { patientId: PATIENT, reason: 'completed' } }, as(therapist))
      .thenThrows(CarePlanHasActiveMedications));
});

describe('treatment track', () => {
  it('moves from integrated treatment to medication only', () =>
    given(integratedPlan)
      .when(
        {
          type: 'ChangeTreatmentTrack',
          data: { patientId: PATIENT, track: 'medication-only', reason: 'Therapy goals met.' },
        },
        as(prescriber),
      )
      .then([
        {
          type: 'TreatmentTrackChanged',
          data: {
            patientId: PATIENT,
            carePlanId: 'plan-1',
            from: 'integrated',
            to: 'medication-only',
            reason: 'Therapy goals met.',
            changedBy: prescriber,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule TrackUnchanged: a track change changes the track', () =>
    given(integratedPlan)
      .when(
        { type: 'ChangeTreatmentTrack', data: { patientId: PATIENT, track: 'integrated', reason: 'x' } },
        as(prescriber),
      )
      .thenThrows(TrackUnchanged));

  it('rule TherapyOnlyTrackHasNoMedication: no switch to therapy only while a medication is active', () =>
    given([...integratedPlan, prescribed()])
      .when(
        {
          type: 'ChangeTreatmentTrack',
          data: { patientId: PATIENT, track: 'therapy-only', reason: 'Patient stops meds.' },
        },
        as(therapist),
      )
      .thenThrows(TherapyOnlyTrackHasNoMedication));

  it('switches to therapy only once the medication is discontinued', () => {
    const events = given([...integratedPlan, prescribed(), discontinuedAt('2026-03-05T00:00:00Z')])
      .when(
        {
          type: 'ChangeTreatmentTrack',
          data: { patientId: PATIENT, track: 'therapy-only', reason: 'Patient stops meds.' },
        },
        as(therapist),
      )
      .events();
    expect(events).toEqual([
      expect.objectContaining({ type: 'TreatmentTrackChanged', data: expect.objectContaining({ to: 'therapy-only' }) }),
    ]);
  });

  it('rule RoleNotPermitted: a care manager does not change the treatment track', () =>
    given([...integratedPlan, assigned(careManager)])
      .when(
        { type: 'ChangeTreatmentTrack', data: { patientId: PATIENT, track: 'medication-only', reason: 'x' } },
        as(careManager),
      )
      .thenThrows(RoleNotPermitted));
});

describe('care team', () => {
  it('assigns a member and records whether the patient chose them', () =>
    given(integratedPlan)
      .when(
        {
          type: 'AssignCareTeamMember',
          data: { patientId: PATIENT, userId: careManager.userId, role: 'care-manager', chosenByPatient: true },
        },
        as(therapist),
      )
      .then([
        {
          type: 'CareTeamMemberAssigned',
          data: {
            patientId: PATIENT,
            userId: careManager.userId,
            role: 'care-manager',
            chosenByPatient: true,
            assignedBy: therapist,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule AlreadyOnCareTeam: a user holds one place on the team', () =>
    given(integratedPlan)
      .when(
        {
          type: 'AssignCareTeamMember',
          data: { patientId: PATIENT, userId: prescriber.userId, role: 'primary-care', chosenByPatient: false },
        },
        as(therapist),
      )
      .thenThrows(AlreadyOnCareTeam));

  it('removes a member', () =>
    given(integratedPlan)
      .when(
        {
          type: 'RemoveCareTeamMember',
          data: { patientId: PATIENT, userId: therapist.userId, reason: 'Left the clinic.' },
        },
        as(prescriber),
      )
      .then([
        {
          type: 'CareTeamMemberRemoved',
          data: {
            patientId: PATIENT,
            userId: therapist.userId,
            role: 'therapist',
            reason: 'Left the clinic.',
            removedBy: prescriber,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule CareTeamMemberNotFound: only members are removed', () =>
    given(integratedPlan)
      .when({ type: 'RemoveCareTeamMember', data: { patientId: PATIENT, userId: 'u-nobody' } }, as(prescriber))
      .thenThrows(CareTeamMemberNotFound));

  it('rule CareTeamCannotBeEmpty: the last member stays', () =>
    given([enrolled(), assigned(therapist)])
      .when({ type: 'RemoveCareTeamMember', data: { patientId: PATIENT, userId: therapist.userId } }, as(therapist))
      .thenThrows(CareTeamCannotBeEmpty));

  it('rule LastPrescriberWithActiveMedications: someone must be able to adjust or stop an active medication', () =>
    given([...integratedPlan, prescribed()])
      .when({ type: 'RemoveCareTeamMember', data: { patientId: PATIENT, userId: prescriber.userId } }, as(therapist))
      .thenThrows(LastPrescriberWithActiveMedications));

  it('removed members can no longer write', () =>
    given([
      ...integratedPlan,
      {
        type: 'CareTeamMemberRemoved',
        data: {
          patientId: PATIENT,
          userId: therapist.userId,
          role: 'therapist',
          reason: null,
          removedBy: prescriber,
          occurredAt: '2026-02-01T00:00:00Z',
        },
      },
    ])
      .when({ type: 'ReviewCarePlan', data: { patientId: PATIENT } }, as(therapist))
      .thenThrows(NotOnCareTeam));

  it('warns (does not refuse) when the integrated track lacks a prescriber', () => {
    const state = [enrolled(), assigned(therapist), planStarted('integrated')].reduce<CarePlanState>(
      (s, event, i) => evolveCarePlan(s, event, { eventId: `e${i}`, streamName: 'careplan-p-1' }),
      initialCarePlanState(),
    );
    expect(state.status === 'enrolled' && careTeamGaps(state)).toEqual(['prescriber']);
  });
});

describe('treatment goals and holistic context', () => {
  it('sets a goal', () =>
    given(integratedPlan)
      .when(
        {
          type: 'SetTreatmentGoal',
          data: { patientId: PATIENT, goalId: 'g-1', description: 'Sleep 7 hours', targetDate: '2026-05-01' },
        },
        as(therapist),
      )
      .then([
        {
          type: 'TreatmentGoalSet',
          data: {
            patientId: PATIENT,
            carePlanId: 'plan-1',
            goalId: 'g-1',
            description: 'Sleep 7 hours',
            targetDate: '2026-05-01',
            setBy: therapist,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule GoalAlreadyExists: goal ids are unique on the plan', () =>
    given([...integratedPlan, goalSet])
      .when(
        { type: 'SetTreatmentGoal', data: { patientId: PATIENT, goalId: 'g-1', description: 'Again' } },
        as(therapist),
      )
      .thenThrows(GoalAlreadyExists));

  it('marks a goal achieved', () =>
    given([...integratedPlan, goalSet])
      .when({ type: 'MarkGoalAchieved', data: { patientId: PATIENT, goalId: 'g-1' } }, as(therapist))
      .then([
        {
          type: 'TreatmentGoalAchieved',
          data: { patientId: PATIENT, carePlanId: 'plan-1', goalId: 'g-1', recordedBy: therapist, occurredAt: NOW },
        },
      ]));

  it('rule GoalNotFound: only goals of the open plan are achieved or revised', () =>
    given(integratedPlan)
      .when({ type: 'MarkGoalAchieved', data: { patientId: PATIENT, goalId: 'g-404' } }, as(therapist))
      .thenThrows(GoalNotFound));

  it('rule GoalAlreadyAchieved: an achieved goal is neither achieved again nor revised', () => {
    given([...integratedPlan, goalSet, goalAchieved])
      .when({ type: 'MarkGoalAchieved', data: { patientId: PATIENT, goalId: 'g-1' } }, as(therapist))
      .thenThrows(GoalAlreadyAchieved);
    given([...integratedPlan, goalSet, goalAchieved])
      .when(
        { type: 'ReviseTreatmentGoal', data: { patientId: PATIENT, goalId: 'g-1', description: 'More' } },
        as(therapist),
      )
      .thenThrows(GoalAlreadyAchieved);
  });

  it('revises a goal', () =>
    given([...integratedPlan, goalSet])
      .when(
        {
          type: 'ReviseTreatmentGoal',
          data: { patientId: PATIENT, goalId: 'g-1', description: 'Sleep 6 hours', reason: 'Shift work.' },
        },
        as(therapist),
      )
      .then([
        {
          type: 'TreatmentGoalRevised',
          data: {
            patientId: PATIENT,
            carePlanId: 'plan-1',
            goalId: 'g-1',
            description: 'Sleep 6 hours',
            targetDate: null,
            reason: 'Shift work.',
            revisedBy: therapist,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule InvalidValue: a goal has a description', () =>
    given(integratedPlan)
      .when({ type: 'SetTreatmentGoal', data: { patientId: PATIENT, goalId: 'g-2', description: '  ' } }, as(therapist))
      .thenThrows(InvalidValue));

  it('records the holistic context', () =>
    given(integratedPlan)
      .when(
        {
          type: 'RecordHolisticContext',
          data: {
            patientId: PATIENT,
            supportSystem: 'Partner, two friends.',
            comorbidConditions: [{ code: 'E11', description: 'Type 2 diabetes' }],
          },
        },
        as(therapist),
      )
      .then([
        {
          type: 'HolisticContextRecorded',
          data: {
            patientId: PATIENT,
            lifestyle: null,
            supportSystem: 'Partner, two friends.',
            comorbidConditions: [{ code: 'E11', description: 'Type 2 diabetes' }],
            recordedBy: therapist,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule RoleNotPermitted: an admin inspects but never writes the plan', () =>
    given(integratedPlan)
      .when({ type: 'SetTreatmentGoal', data: { patientId: PATIENT, goalId: 'g-9', description: 'x' } }, as(admin))
      .thenThrows(RoleNotPermitted));
});

describe('rule: only the patient and their care team read the record', () => {
  const enrolled = evolveCarePlan(
    initialCarePlanState(),
    {
      type: 'PatientEnrolled',
      data: {
        patientId: 'p-1',
        name: { given: 'A', family: 'B' },
        contact: null,
        timeZone: 'UTC',
        enrolledBy: { userId: 'dr-t', role: 'therapist' },
        occurredAt: '2026-03-01T00:00:00.000Z',
      },
    } as never,
    { eventId: 'e1', streamName: 'careplan-p-1' },
  );
  const withTeam = evolveCarePlan(
    enrolled,
    {
      type: 'CareTeamMemberAssigned',
      data: {
        patientId: 'p-1',
        userId: 'dr-t',
        role: 'therapist',
        chosenByPatient: true,
        assignedBy: { userId: 'dr-t', role: 'therapist' },
        occurredAt: '2026-03-01T00:00:00.000Z',
      },
    } as never,
    { eventId: 'e2', streamName: 'careplan-p-1' },
  );

  it.each([
    ['a team member', { userId: 'dr-t', role: 'therapist' }, true],
    ['a clinician off the team', { userId: 'dr-x', role: 'therapist' }, false],
    ['the patient', { userId: 'p-1', role: 'patient' }, true],
    ['another patient', { userId: 'p-2', role: 'patient' }, false],
    ['an admin', { userId: 'a', role: 'admin' }, false],
    ['an analyst', { userId: 'n', role: 'analyst' }, false],
  ] as const)('%s: %s', (_, actor, allowed) => {
    expect(canReadRecord(withTeam, actor)).toBe(allowed);
  });

  it('nobody reads a record that does not exist', () => {
    expect(canReadRecord(initialCarePlanState(), { userId: 'p-1', role: 'patient' })).toBe(false);
  });
});
