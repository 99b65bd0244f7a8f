import type { CarePlan, CarePlanActivity, Goal } from '@medplum/fhirtypes';
import type { EventOf, TherapyFrequency, TherapyModality, TreatmentTrack } from '@caretrail/domain';
import { caretrailSystem, snomedOf, SNOMED } from '../codes';
import { change, update, type FoldContext, type ResourceChange } from './context';

const trackCategory = (track: TreatmentTrack): NonNullable<CarePlan['category']>[number] => ({
  coding: [{ system: caretrailSystem.treatmentTrack, code: track }],
  text: track,
});

export function carePlanStarted(
  ctx: FoldContext,
  source: { event: EventOf<'CarePlanStarted'> },
  id: string,
): ResourceChange[] {
  const { data } = source.event;
  ctx.carePlans.set(data.carePlanId, id);
  return [
    change<CarePlan>('CarePlan', id, () => ({
      resourceType: 'CarePlan',
      id,
      identifier: [{ system: 'https://caretrail.dev/fhir/NamingSystem/care-plan-id', value: data.carePlanId }],
      status: 'active',
      intent: 'plan',
      category: [trackCategory(data.track)],
      title: 'Care plan',
      subject: ctx.patient,
      period: { start: data.occurredAt },
      created: data.occurredAt,
      careTeam: [{ reference: `CareTeam/${ctx.patientId}` }],
    })),
  ];
}

/** Changes of the plan a care-plan event names by its carePlanId. */
const onPlan = (ctx: FoldContext, carePlanId: string, next: (plan: CarePlan) => CarePlan): ResourceChange[] =>
  update<CarePlan>('CarePlan', ctx.carePlans.get(carePlanId), next);

export const trackChanged = (ctx: FoldContext, { data }: EventOf<'TreatmentTrackChanged'>): ResourceChange[] =>
  onPlan(ctx, data.carePlanId, (plan) => ({ ...plan, category: [trackCategory(data.to)] }));

export const planReviewed = (ctx: FoldContext, { data }: EventOf<'CarePlanReviewed'>): ResourceChange[] =>
  onPlan(ctx, data.carePlanId, (plan) => ({
    ...plan,
    ...(data.summary === null ? {} : { note: [...(plan.note ?? []), { time: data.occurredAt, text: data.summary }] }),
  }));

/** Completed when the plan met its goals; any other closure revokes it (docs/fhir.md). */
export const planClosed = (ctx: FoldContext, { data }: EventOf<'CarePlanClosed'>): ResourceChange[] =>
  onPlan(ctx, data.carePlanId, (plan) => ({
    ...plan,
    status: data.reason === 'completed' ? 'completed' : 'revoked',
    period: { ...plan.period, end: data.occurredAt },
    ...(data.note === null ? {} : { note: [...(plan.note ?? []), { time: data.occurredAt, text: data.note }] }),
  }));

/** Goals are contained in the plan: CareTrail records them only as part of it. */
const goalRef = (goalId: string): string => `goal-${goalId.replace(/[^A-Za-z0-9\-.]/g, '-')}`.slice(0, 64);

export const goalSet = (ctx: FoldContext, { data }: EventOf<'TreatmentGoalSet'>): ResourceChange[] =>
  onPlan(ctx, data.carePlanId, (plan) => {
    const goal: Goal = {
      resourceType: 'Goal',
      id: goalRef(data.goalId),
      lifecycleStatus: 'active',
      description: { text: data.description },
      subject: ctx.patient,
      startDate: data.occurredAt.slice(0, 10),
      ...(data.targetDate === null ? {} : { target: [{ dueDate: data.targetDate }] }),
    };
    return {
      ...plan,
      contained: [...(plan.contained ?? []), goal],
      goal: [...(plan.goal ?? []), { reference: `#${goal.id}` }],
    };
  });

const onGoal = (ctx: FoldContext, carePlanId: string, goalId: string, next: (goal: Goal) => Goal): ResourceChange[] =>
  onPlan(ctx, carePlanId, (plan) => ({
    ...plan,
    contained: (plan.contained ?? []).map((r) => (r.resourceType === 'Goal' && r.id === goalRef(goalId) ? next(r) : r)),
  }));

export const goalAchieved = (ctx: FoldContext, { data }: EventOf<'TreatmentGoalAchieved'>): ResourceChange[] =>
  onGoal(ctx, data.carePlanId, data.goalId, (goal) => ({
    ...goal,
    lifecycleStatus: 'completed',
    achievementStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/goal-achievement', code: 'achieved' }],
    },
    statusDate: data.occurredAt.slice(0, 10),
  }));

export const goalRevised = (ctx: FoldContext, { data }: EventOf<'TreatmentGoalRevised'>): ResourceChange[] =>
  onGoal(ctx, data.carePlanId, data.goalId, (goal) => {
    const { target: _target, ...rest } = goal;
    return {
      ...rest,
      description: { text: data.description },
      ...(data.targetDate === null ? {} : { target: [{ dueDate: data.targetDate }] }),
      ...(data.reason === null ? {} : { statusReason: data.reason }),
    };
  });

const THERAPY = 'therapy';

function therapyActivity(
  modality: TherapyModality,
  detail: string | null,
  frequency: TherapyFrequency,
): CarePlanActivity {
  const snomed = snomedOf[modality];
  return {
    detail: {
      code: {
        coding: [
          { system: caretrailSystem.therapyModality, code: modality },
          ...(snomed ? [{ system: SNOMED, code: snomed[0], display: snomed[1] }] : []),
        ],
        text: detail ?? modality,
      },
      status: 'in-progress',
      scheduledTiming: {
        id: THERAPY,
        repeat: { frequency: frequency.sessions, period: 1, periodUnit: frequency.per === 'week' ? 'wk' : 'mo' },
      },
    },
  };
}

const isTherapy = (a: CarePlanActivity): boolean => a.detail?.scheduledTiming?.id === THERAPY;

export const therapyPrescribed = (ctx: FoldContext, { data }: EventOf<'TherapyPrescribed'>): ResourceChange[] =>
  onPlan(ctx, data.carePlanId, (plan) => ({
    ...plan,
    activity: [
      ...(plan.activity ?? []).filter((a) => !isTherapy(a)),
      therapyActivity(data.modality, data.modalityDetail, data.frequency),
    ],
  }));

export const modalityChanged = (ctx: FoldContext, { data }: EventOf<'TherapyModalityChanged'>): ResourceChange[] =>
  onPlan(ctx, data.carePlanId, (plan) => ({
    ...plan,
    activity: (plan.activity ?? []).map((a) => {
      const repeat = a.detail?.scheduledTiming?.repeat;
      if (!isTherapy(a) || !repeat) return a;
      const per = repeat.periodUnit === 'wk' ? 'week' : 'month';
      return therapyActivity(data.to, data.modalityDetail, { sessions: repeat.frequency ?? 1, per });
    }),
  }));

export const frequencyChanged = (ctx: FoldContext, { data }: EventOf<'TherapyFrequencyChanged'>): ResourceChange[] =>
  onPlan(ctx, data.carePlanId, (plan) => ({
    ...plan,
    activity: (plan.activity ?? []).map((a) =>
      isTherapy(a) && a.detail
        ? {
            detail: {
              ...a.detail,
              scheduledTiming: {
                id: THERAPY,
                repeat: { frequency: data.to.sessions, period: 1, periodUnit: data.to.per === 'week' ? 'wk' : 'mo' },
              },
            },
          }
        : a,
    ),
  }));

/** Each prescription is an activity of the plan that names its MedicationRequest. */
export function medicationActivity(ctx: FoldContext, carePlanId: string, requestId: string): ResourceChange[] {
  return onPlan(ctx, carePlanId, (plan) => ({
    ...plan,
    activity: [...(plan.activity ?? []), { reference: { reference: `MedicationRequest/${requestId}` } }],
  }));
}
