import { assertNever } from '@caretrail/domain';
import type { CurrentPlan, MedicationEntry, PlanLogEntry } from './current-plan-doc';

const PLAN_SCOPED: ReadonlySet<PlanLogEntry['event']['type']> = new Set([
  'TreatmentTrackChanged',
  'CarePlanReviewed',
  'CarePlanClosed',
  'TreatmentGoalSet',
  'TreatmentGoalAchieved',
  'TreatmentGoalRevised',
  'TherapyPrescribed',
  'TherapyModalityChanged',
  'TherapyFrequencyChanged',
] as const);

export const emptyPlan = (): CurrentPlan => ({
  carePlan: null,
  careTeam: [],
  goals: [],
  therapy: null,
  medications: [],
  holisticContext: null,
});

/**
 * Folds the kept care-plan events (recording order, corrections already applied, voided ones
 * skipped). The rules mirror the write side's care-plan state (libs/domain care-plan/state.ts):
 * a new care plan starts with no goals, therapy or review; moving to medication-only ends the therapy.
 */
export function derivePlan(log: readonly PlanLogEntry[]): CurrentPlan {
  let plan = emptyPlan();
  for (const entry of log) if (!entry.voided) plan = apply(plan, entry);
  return plan;
}

function apply(plan: CurrentPlan, { id, position, event }: PlanLogEntry): CurrentPlan {
  // Plan-scoped facts (track, reviews, closure, goals, therapy) belong to the plan they name; one
  // whose plan was entered in error, or was replaced by a new plan, shows nowhere.
  if (PLAN_SCOPED.has(event.type) && 'carePlanId' in event.data && plan.carePlan?.carePlanId !== event.data.carePlanId)
    return plan;
  switch (event.type) {
    case 'CarePlanStarted': {
      const { carePlanId, track, occurredAt } = event.data;
      return {
        ...plan,
        carePlan: {
          carePlanId,
          track,
          status: 'open',
          startedAt: occurredAt,
          closedAt: null,
          closureReason: null,
          lastReviewedAt: null,
          nextReviewDue: null,
        },
        goals: [],
        therapy: null,
      };
    }
    case 'TreatmentTrackChanged':
      if (!plan.carePlan) return plan;
      return {
        ...plan,
        carePlan: { ...plan.carePlan, track: event.data.to },
        therapy: event.data.to === 'medication-only' ? null : plan.therapy,
      };
    case 'CarePlanReviewed':
      if (!plan.carePlan) return plan;
      return {
        ...plan,
        carePlan: { ...plan.carePlan, lastReviewedAt: event.data.occurredAt, nextReviewDue: event.data.nextReviewDue },
      };
    case 'CarePlanClosed':
      if (!plan.carePlan) return plan;
      return {
        ...plan,
        carePlan: {
          ...plan.carePlan,
          status: 'closed',
          closedAt: event.data.occurredAt,
          closureReason: event.data.reason,
        },
      };
    case 'CareTeamMemberAssigned': {
      const { userId, role, chosenByPatient, occurredAt } = event.data;
      return {
        ...plan,
        careTeam: [
          ...plan.careTeam.filter((m) => m.userId !== userId),
          { userId, role, chosenByPatient, since: occurredAt },
        ],
      };
    }
    case 'CareTeamMemberRemoved':
      return { ...plan, careTeam: plan.careTeam.filter((m) => m.userId !== event.data.userId) };
    case 'TreatmentGoalSet': {
      const { goalId, description, targetDate, occurredAt } = event.data;
      const goal = {
        goalId,
        description,
        targetDate,
        status: 'open' as const,
        setAt: occurredAt,
        revisedAt: null,
        achievedAt: null,
      };
      return { ...plan, goals: [...plan.goals.filter((g) => g.goalId !== goalId), goal] };
    }
    case 'TreatmentGoalAchieved':
      return {
        ...plan,
        goals: plan.goals.map((g) =>
          g.goalId === event.data.goalId ? { ...g, status: 'achieved' as const, achievedAt: event.data.occurredAt } : g,
        ),
      };
    case 'TreatmentGoalRevised': {
      const { goalId, description, targetDate, occurredAt } = event.data;
      return {
        ...plan,
        goals: plan.goals.map((g) =>
          g.goalId === goalId ? { ...g, description, targetDate, revisedAt: occurredAt } : g,
        ),
      };
    }
    case 'HolisticContextRecorded': {
      const { lifestyle, supportSystem, comorbidConditions, occurredAt } = event.data;
      return {
        ...plan,
        holisticContext: {
          lifestyle,
          supportSystem,
          comorbidConditions: comorbidConditions ?? [],
          recordedAt: occurredAt,
        },
      };
    }
    case 'TherapyPrescribed': {
      const { modality, modalityDetail, frequency, occurredAt } = event.data;
      return { ...plan, therapy: { modality, modalityDetail, frequency, prescribedAt: occurredAt } };
    }
    case 'TherapyModalityChanged':
      return plan.therapy
        ? { ...plan, therapy: { ...plan.therapy, modality: event.data.to, modalityDetail: event.data.modalityDetail } }
        : plan;
    case 'TherapyFrequencyChanged':
      return plan.therapy ? { ...plan, therapy: { ...plan.therapy, frequency: event.data.to } } : plan;
    case 'MedicationPrescribed': {
      const { medicationId, drug, strength, schedule, startsAt, instructions, prescriberId } = event.data;
      const medication: MedicationEntry = {
        medicationId,
        drug,
        strength,
        schedule,
        startsAt,
        instructions,
        prescriberId,
        adjustments: [],
        stoppedAt: null,
        discontinuationReason: null,
      };
      return { ...plan, medications: [...plan.medications.filter((m) => m.medicationId !== medicationId), medication] };
    }
    case 'DoseAdjusted': {
      const { medicationId, effectiveFrom, strength, schedule } = event.data;
      return withMedication(plan, medicationId, (m) => ({
        ...m,
        adjustments: [...m.adjustments, { eventId: id, position, effectiveFrom, strength, schedule }],
      }));
    }
    case 'DoseAdjustmentCancelled':
      return withMedication(plan, event.data.medicationId, (m) => ({
        ...m,
        adjustments: m.adjustments.map((a) => (a.eventId === event.data.adjustmentId ? { ...a, cancelled: true } : a)),
      }));
    case 'MedicationDiscontinued':
      return withMedication(plan, event.data.medicationId, (m) => ({
        ...m,
        stoppedAt: event.data.stoppedAt,
        discontinuationReason: event.data.reason,
      }));
    default:
      return assertNever(event);
  }
}

function withMedication(
  plan: CurrentPlan,
  medicationId: string,
  update: (m: MedicationEntry) => MedicationEntry,
): CurrentPlan {
  return { ...plan, medications: plan.medications.map((m) => (m.medicationId === medicationId ? update(m) : m)) };
}
