import { assertNever } from '../shared/assert-never';
import type { EventMeta } from '../shared/decider';
import type { CareTeamRole } from '../shared/actor';
import type { IsoDateTime } from '../shared/time';
import type { CorrectionEvent } from '../corrections/events';
import type { DoseSchedule, MedicationEvent, Strength } from '../medication/events';
import type { TherapyEvent, TherapyFrequency, TherapyModality } from '../therapy/events';
import type { CarePlanEvent, TreatmentTrack } from './events';

/** Every event that can be stored in `careplan-<patientId>`. */
export type CarePlanStreamEvent = CarePlanEvent | TherapyEvent | MedicationEvent | CorrectionEvent;

export type CareTeamMember = { readonly userId: string; readonly role: CareTeamRole };
export type GoalStatus = 'open' | 'achieved';
export type TherapyState = { readonly modality: TherapyModality; readonly frequency: TherapyFrequency };

export type MedicationState = {
  readonly medicationId: string;
  readonly startsAt: IsoDateTime;
  readonly stoppedAt: IsoDateTime | null;
  /** As prescribed; the adjustments change them from their effective dates. */
  readonly strength: Strength;
  readonly schedule: DoseSchedule;
  readonly prescribedEventId: string;
  /** In recording order; which one applies on a day is medication/regimen.ts's answer. */
  readonly adjustments: readonly AdjustmentState[];
};

export type AdjustmentState = {
  readonly eventId: string;
  readonly effectiveFrom: IsoDateTime;
  readonly cancelled: boolean;
  /** The DoseAdjustmentCancelled that withdrew it, so voiding that cancellation restores it. */
  readonly cancelEventId: string | null;
};

export type OpenCarePlan = {
  readonly carePlanId: string;
  readonly track: TreatmentTrack;
  readonly startedAt: IsoDateTime;
  readonly goals: Readonly<Record<string, GoalStatus>>;
  readonly therapy: TherapyState | null;
};

export type EnrolledPatient = {
  readonly status: 'enrolled';
  readonly patientId: string;
  readonly timeZone: string;
  readonly team: readonly CareTeamMember[];
  /** All medications of the patient, across episodes, so late-reported doses find theirs. */
  readonly medications: Readonly<Record<string, MedicationState>>;
  readonly plan: OpenCarePlan | null;
};

/** The care-plan stream folded: small by construction (tens of events a year). */
export type CarePlanState = { readonly status: 'not-enrolled' } | EnrolledPatient;

export const initialCarePlanState = (): CarePlanState => ({ status: 'not-enrolled' });

export function evolveCarePlan(state: CarePlanState, event: CarePlanStreamEvent, meta: EventMeta): CarePlanState {
  if (event.type === 'PatientEnrolled') {
    return {
      status: 'enrolled',
      patientId: event.data.patientId,
      timeZone: event.data.timeZone,
      team: [],
      medications: {},
      plan: null,
    };
  }
  if (state.status === 'not-enrolled') return state;
  return evolveEnrolled(state, event, meta);
}

function evolveEnrolled(state: EnrolledPatient, event: CarePlanStreamEvent, meta: EventMeta): EnrolledPatient {
  switch (event.type) {
    case 'PatientEnrolled':
      return state;
    case 'CarePlanStarted':
      return {
        ...state,
        plan: {
          carePlanId: event.data.carePlanId,
          track: event.data.track,
          startedAt: event.data.occurredAt,
          goals: {},
          therapy: null,
        },
      };
    case 'TreatmentTrackChanged':
      // Moving to medication-only ends the therapy prescription; going back needs a new one.
      return withPlan(state, (plan) => ({
        ...plan,
        track: event.data.to,
        therapy: event.data.to === 'medication-only' ? null : plan.therapy,
      }));
    case 'CarePlanReviewed':
    case 'HolisticContextRecorded':
    case 'EntryCorrected':
      return state;
    case 'CarePlanClosed':
      return { ...state, plan: null };
    case 'CareTeamMemberAssigned':
      return { ...state, team: [...state.team, { userId: event.data.userId, role: event.data.role }] };
    case 'CareTeamMemberRemoved':
      return { ...state, team: state.team.filter((m) => m.userId !== event.data.userId) };
    case 'TreatmentGoalSet':
      return withPlan(state, (plan) => ({ ...plan, goals: { ...plan.goals, [event.data.goalId]: 'open' } }));
    case 'TreatmentGoalAchieved':
      return withPlan(state, (plan) => ({ ...plan, goals: { ...plan.goals, [event.data.goalId]: 'achieved' } }));
    case 'TreatmentGoalRevised':
      return state;
    case 'TherapyPrescribed':
      return withPlan(state, (plan) => ({
        ...plan,
        therapy: { modality: event.data.modality, frequency: event.data.frequency },
      }));
    case 'TherapyModalityChanged':
      return withPlan(state, (plan) => ({
        ...plan,
        therapy: plan.therapy && { ...plan.therapy, modality: event.data.to },
      }));
    case 'TherapyFrequencyChanged':
      return withPlan(state, (plan) => ({
        ...plan,
        therapy: plan.therapy && { ...plan.therapy, frequency: event.data.to },
      }));
    case 'MedicationPrescribed': {
      const { medicationId, startsAt, strength, schedule } = event.data;
      const medication: MedicationState = {
        medicationId,
        startsAt,
        stoppedAt: null,
        strength,
        schedule,
        prescribedEventId: meta.eventId,
        adjustments: [],
      };
      return { ...state, medications: { ...state.medications, [medicationId]: medication } };
    }
    case 'DoseAdjusted':
      return withMedication(state, event.data.medicationId, (m) => ({
        ...m,
        adjustments: [
          ...m.adjustments,
          { eventId: meta.eventId, effectiveFrom: event.data.effectiveFrom, cancelled: false, cancelEventId: null },
        ],
      }));
    case 'DoseAdjustmentCancelled':
      return withMedication(state, event.data.medicationId, (m) => ({
        ...m,
        adjustments: m.adjustments.map((a) =>
          a.eventId === event.data.adjustmentId ? { ...a, cancelled: true, cancelEventId: meta.eventId } : a,
        ),
      }));
    case 'MedicationDiscontinued':
      return withMedication(state, event.data.medicationId, (m) => ({ ...m, stoppedAt: event.data.stoppedAt }));
    case 'EntryEnteredInError': {
      // A prescription entered in error never existed: no dose may be recorded against it.
      const voided = Object.values(state.medications).find((m) => m.prescribedEventId === event.data.eventId);
      if (!voided) return adjustmentVoided(state, event.data.eventId);
      const { [voided.medicationId]: _removed, ...rest } = state.medications;
      return { ...state, medications: rest };
    }
    default:
      return assertNever(event);
  }
}

function withPlan(state: EnrolledPatient, update: (plan: OpenCarePlan) => OpenCarePlan): EnrolledPatient {
  return state.plan ? { ...state, plan: update(state.plan) } : state;
}

/**
 * An adjustment entered in error never applies, and is no pending change to decide about; a
 * cancellation entered in error lets its adjustment stand again (as the read models do).
 */
function adjustmentVoided(state: EnrolledPatient, eventId: string): EnrolledPatient {
  const medication = Object.values(state.medications).find((m) =>
    m.adjustments.some((a) => a.eventId === eventId || a.cancelEventId === eventId),
  );
  if (!medication) return state;
  return withMedication(state, medication.medicationId, (m) => ({
    ...m,
    adjustments: m.adjustments.flatMap((a) =>
      a.eventId === eventId
        ? []
        : a.cancelEventId === eventId
          ? [{ ...a, cancelled: false, cancelEventId: null }]
          : [a],
    ),
  }));
}

function withMedication(
  state: EnrolledPatient,
  medicationId: string,
  update: (m: MedicationState) => MedicationState,
): EnrolledPatient {
  const medication = state.medications[medicationId];
  return medication ? { ...state, medications: { ...state.medications, [medicationId]: update(medication) } } : state;
}
