import type { DomainEvent, EventOf } from '@caretrail/domain';
import {
  adjusted,
  adjustmentCancelled,
  assigned,
  corrected,
  discontinued,
  enrolled,
  enteredInError,
  fold,
  planClosed,
  planStarted,
  prescribed,
  prescriber,
  sessionAttended,
  sessionCancelled,
  sessionRescheduled,
  sessionScheduled,
  therapist,
  withId,
  PATIENT,
  type Identified,
} from '../testing/events';
import { currentPlanModel } from './current-plan';
import { currentPlanView, type CurrentPlanView } from './current-plan-view';

const AS_OF = '2026-03-10T12:00:00Z';
const base = { patientId: PATIENT, carePlanId: 'plan-1' };

const goalSet = (
  goalId: string,
  description: string,
  occurredAt = '2026-01-07T09:00:00Z',
): EventOf<'TreatmentGoalSet'> => ({
  type: 'TreatmentGoalSet',
  data: { ...base, goalId, description, targetDate: '2026-06-30', setBy: therapist, occurredAt },
});
const goalAchieved = (goalId: string): EventOf<'TreatmentGoalAchieved'> => ({
  type: 'TreatmentGoalAchieved',
  data: { ...base, goalId, recordedBy: therapist, occurredAt: '2026-02-20T09:00:00Z' },
});
const therapy: EventOf<'TherapyPrescribed'> = {
  type: 'TherapyPrescribed',
  data: {
    ...base,
    modality: 'CBT',
    modalityDetail: null,
    frequency: { sessions: 1, per: 'week' },
    prescribedBy: therapist,
    occurredAt: '2026-01-07T10:00:00Z',
  },
};
const reviewed = (occurredAt: string): EventOf<'CarePlanReviewed'> => ({
  type: 'CarePlanReviewed',
  data: { ...base, summary: 'Stable.', nextReviewDue: '2026-06-01', reviewedBy: prescriber, occurredAt },
});
const context: EventOf<'HolisticContextRecorded'> = {
  type: 'HolisticContextRecorded',
  data: {
    patientId: PATIENT,
    lifestyle: 'Night shifts.',
    supportSystem: 'Sister nearby.',
    comorbidConditions: [],
    recordedBy: therapist,
    occurredAt: '2026-01-08T09:00:00Z',
  },
};
const trackChanged: EventOf<'TreatmentTrackChanged'> = {
  type: 'TreatmentTrackChanged',
  data: {
    ...base,
    from: 'integrated',
    to: 'medication-only',
    reason: 'Patient preference.',
    changedBy: prescriber,
    occurredAt: '2026-02-01T09:00:00Z',
  },
};

const integrated = [enrolled('Europe/Berlin'), assigned(therapist), assigned(prescriber), planStarted()];

function viewAfter(history: ReadonlyArray<DomainEvent | Identified>, asOf = AS_OF): CurrentPlanView {
  return currentPlanView(fold(currentPlanModel, history), asOf);
}

describe('current plan read model (docs/read-models.md, "Current plan")', () => {
  it('shows track, care team, goals, therapy, medications, holistic context and the last review', () => {
    const view = viewAfter([
      ...integrated,
      goalSet('g-1', 'Return to work part-time'),
      goalSet('g-2', 'Sleep 7 hours'),
      goalAchieved('g-2'),
      therapy,
      context,
      prescribed('2026-02-01T07:00:00Z'),
      reviewed('2026-02-10T23:30:00Z'),
    ]);
    expect(view.carePlan).toMatchObject({
      carePlanId: 'plan-1',
      track: 'integrated',
      status: 'open',
      nextReviewDue: '2026-06-01',
    });
    expect(view.careTeam.map((m) => m.role)).toEqual(['therapist', 'prescriber']);
    expect(view.goals.map((g) => [g.goalId, g.status])).toEqual([
      ['g-1', 'open'],
      ['g-2', 'achieved'],
    ]);
    expect(view.therapy).toMatchObject({ modality: 'CBT', frequency: { sessions: 1, per: 'week' } });
    expect(view.holisticContext).toMatchObject({ supportSystem: 'Sister nearby.' });
    expect(view.medications).toHaveLength(1);
    // 23:30 UTC is already 11 February in Berlin.
    expect(view.lastReviewDate).toBe('2026-02-11');
  });

  it('moving to medication-only ends the therapy prescription', () => {
    expect(viewAfter([...integrated, therapy, trackChanged]).therapy).toBeNull();
  });

  it('active medications carry the dose schedule in effect at the as-of instant', () => {
    const history = [
      ...integrated,
      prescribed('2026-02-01T07:00:00Z', { timesPerDay: 2 }),
      adjusted('2026-03-15T00:00:00Z', { timesPerDay: 1 }),
    ];
    const before = viewAfter(history).medications[0];
    expect(before).toMatchObject({
      schedule: { timesPerDay: 2 },
      strength: { value: 50 },
      nextAdjustment: { effectiveFrom: '2026-03-15T00:00:00Z' },
    });
    const after = viewAfter(history, '2026-03-16T00:00:00Z').medications[0];
    expect(after).toMatchObject({
      schedule: { timesPerDay: 1 },
      strength: { value: 100 },
      currentSince: '2026-03-15T00:00:00Z',
      nextAdjustment: null,
    });
  });

  describe('issue 13: a titration recorded 5 Jan from 20 Jan, then a cut recorded 12 Jan back-dated to 10 Jan', () => {
    const recordedOn = (event: EventOf<'DoseAdjusted'>, occurredAt: string): EventOf<'DoseAdjusted'> => ({
      ...event,
      data: { ...event.data, occurredAt, strength: { value: event.data.schedule.timesPerDay * 25, unit: 'mg' } },
    });
    // 50 mg once a day from 1 January; titration 2/day (50 mg) from 20 January; cut 1/day (25 mg) from 10 January.
    const history: Array<DomainEvent | Identified> = [
      ...integrated,
      prescribed('2026-01-01T00:00:00Z', { timesPerDay: 1 }),
      withId('titration', recordedOn(adjusted('2026-01-20T00:00:00Z', { timesPerDay: 2 }), '2026-01-05T10:00:00Z')),
      recordedOn(adjusted('2026-01-10T00:00:00Z', { timesPerDay: 1 }), '2026-01-12T10:00:00Z'),
    ];

    it('as of 15 January: the cut is in effect and the titration is next', () =>
      expect(viewAfter(history, '2026-01-15T12:00:00Z').medications[0]).toMatchObject({
        schedule: { timesPerDay: 1 },
        strength: { value: 25 },
        currentSince: '2026-01-10T00:00:00Z',
        nextAdjustment: {
          adjustmentId: 'titration',
          effectiveFrom: '2026-01-20T00:00:00Z',
          schedule: { timesPerDay: 2 },
        },
      }));

    it('as of 25 January: the titration happened (twice a day), though recorded before the cut', () =>
      expect(viewAfter(history, '2026-01-25T12:00:00Z').medications[0]).toMatchObject({
        schedule: { timesPerDay: 2 },
        strength: { value: 50 },
        currentSince: '2026-01-20T00:00:00Z',
        nextAdjustment: null,
      }));

    it('the titration cancelled explicitly: never next, never in effect', () => {
      const cancelled = [...history, adjustmentCancelled('titration', '2026-01-12T10:00:00Z')];
      expect(viewAfter(cancelled, '2026-01-15T12:00:00Z').medications[0]).toMatchObject({ nextAdjustment: null });
      expect(viewAfter(cancelled, '2026-01-25T12:00:00Z').medications[0]).toMatchObject({
        schedule: { timesPerDay: 1 },
        currentSince: '2026-01-10T00:00:00Z',
      });
    });

    it('the cancellation entered in error: the titration is next again', () =>
      expect(
        viewAfter(
          [
            ...history,
            withId('cancel', adjustmentCancelled('titration', '2026-01-12T10:00:00Z')),
            enteredInError('cancel', 'DoseAdjustmentCancelled'),
          ],
          '2026-01-15T12:00:00Z',
        ).medications[0],
      ).toMatchObject({ nextAdjustment: { effectiveFrom: '2026-01-20T00:00:00Z' } }));
  });

  it('a discontinued medication is no longer active once stopped', () => {
    const history = [...integrated, prescribed('2026-02-01T07:00:00Z'), discontinued('2026-03-12T00:00:00Z')];
    expect(viewAfter(history).medications).toHaveLength(1);
    expect(viewAfter(history, '2026-03-12T00:00:00Z').medications).toHaveLength(0);
  });

  it('upcoming sessions: scheduled, in the future, not closed; rescheduled ones at their new time', () => {
    const view = viewAfter([
      ...integrated,
      sessionScheduled('s-past', '2026-03-09T10:00:00Z'),
      sessionScheduled('s-attended', '2026-03-03T10:00:00Z'),
      sessionAttended('s-attended', '2026-03-03T10:00:00Z'),
      sessionScheduled('s-cancelled', '2026-03-12T10:00:00Z'),
      sessionCancelled('s-cancelled', '2026-03-05T10:00:00Z'),
      sessionScheduled('s-moved', '2026-03-11T10:00:00Z'),
      sessionRescheduled('s-moved', '2026-03-11T10:00:00Z', '2026-03-20T10:00:00Z'),
      sessionScheduled('s-next', '2026-03-17T10:00:00Z'),
    ]);
    expect(view.upcomingSessions.map((s) => [s.sessionId, s.scheduledFor, s.rescheduled])).toEqual([
      ['s-next', '2026-03-17T10:00:00Z', false],
      ['s-moved', '2026-03-20T10:00:00Z', true],
    ]);
  });

  it('a new care plan starts without the goals, therapy and review of the closed one', () => {
    const view = viewAfter([
      ...integrated,
      goalSet('g-1', 'Return to work'),
      therapy,
      reviewed('2026-01-20T09:00:00Z'),
      planClosed('2026-02-01T09:00:00Z'),
      planStarted('2026-02-15T09:00:00Z', 'plan-2'),
    ]);
    expect(view.carePlan).toMatchObject({ carePlanId: 'plan-2', status: 'open', lastReviewedAt: null });
    expect(view.goals).toEqual([]);
    expect(view.therapy).toBeNull();
  });
});

describe('current plan read model: corrections are honoured', () => {
  it('a goal entered in error disappears', () => {
    const view = viewAfter([
      ...integrated,
      withId('evt-goal', goalSet('g-1', 'Wrong goal')),
      goalSet('g-2', 'Right goal'),
      enteredInError('evt-goal', 'TreatmentGoalSet'),
    ]);
    expect(view.goals.map((g) => g.goalId)).toEqual(['g-2']);
  });

  it('a corrected goal description amends the goal', () => {
    const view = viewAfter([
      ...integrated,
      withId('evt-goal', goalSet('g-1', 'Retrun to work')),
      corrected('evt-goal', 'TreatmentGoalSet', [{ field: 'description', value: 'Return to work' }]),
    ]);
    expect(view.goals[0]?.description).toBe('Return to work');
  });

  it('a review entered in error gives back the previous review date', () => {
    const view = viewAfter([
      ...integrated,
      reviewed('2026-02-01T09:00:00Z'),
      withId('evt-rev', reviewed('2026-03-01T09:00:00Z')),
      enteredInError('evt-rev', 'CarePlanReviewed'),
    ]);
    expect(view.lastReviewDate).toBe('2026-02-01');
  });

  it('a prescription entered in error is no longer on the plan', () => {
    const view = viewAfter([
      ...integrated,
      withId('evt-rx', prescribed('2026-02-01T07:00:00Z')),
      enteredInError('evt-rx', 'MedicationPrescribed'),
    ]);
    expect(view.medications).toEqual([]);
  });

  it('a corrected dose adjustment amends the schedule in effect', () => {
    const view = viewAfter([
      ...integrated,
      prescribed('2026-02-01T07:00:00Z'),
      withId('evt-adj', adjusted('2026-03-01T00:00:00Z', { timesPerDay: 3 })),
      corrected('evt-adj', 'DoseAdjusted', [{ field: 'schedule.timesPerDay', value: 2 }]),
    ]);
    expect(view.medications[0]?.schedule.timesPerDay).toBe(2);
  });

  it('a cancellation entered in error brings the session back', () => {
    const view = viewAfter([
      ...integrated,
      sessionScheduled('s-1', '2026-03-12T10:00:00Z'),
      withId('evt-cancel', sessionCancelled('s-1', '2026-03-05T10:00:00Z')),
      enteredInError('evt-cancel', 'SessionCancelled'),
    ]);
    expect(view.upcomingSessions.map((s) => s.sessionId)).toEqual(['s-1']);
  });

  it('a correction that would break a computed field is ignored', () => {
    const view = viewAfter([
      ...integrated,
      withId('evt-rx', prescribed('2026-02-01T07:00:00Z')),
      corrected('evt-rx', 'MedicationPrescribed', [{ field: 'startsAt', value: 'yesterday' }]),
    ]);
    expect(view.medications[0]?.startsAt).toBe('2026-02-01T07:00:00Z');
  });
});

describe('current plan read model: row size', () => {
  it('keeps sessions long past out of the row', () => {
    const history: DomainEvent[] = [...integrated];
    for (let week = 0; week < 260; week++) {
      const at = new Date(Date.parse('2021-01-04T10:00:00Z') + week * 7 * 86_400_000).toISOString();
      history.push(sessionScheduled(`s-${week}`, at, at), sessionAttended(`s-${week}`, at));
    }
    expect(Object.keys(fold(currentPlanModel, history).sessions).length).toBeLessThanOrEqual(6);
  });
});

describe('current plan read model: a care plan entered in error', () => {
  it("takes its goals and therapy with it; the care team and medications are the patient's and stay", () => {
    const view = viewAfter([
      ...integrated.slice(0, 3),
      withId('evt-plan', planStarted()),
      goalSet('g-1', 'Return to work'),
      therapy,
      prescribed('2026-02-01T07:00:00Z'),
      enteredInError('evt-plan', 'CarePlanStarted'),
    ]);
    expect(view).toMatchObject({ carePlan: null, goals: [], therapy: null });
    expect(view.careTeam).toHaveLength(2);
    expect(view.medications).toHaveLength(1);
  });
});
