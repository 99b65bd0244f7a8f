import { assertNever } from '@caretrail/domain';
import type { FhirSourceEvent } from '../source-event';
import * as plan from './care-plan';
import { consultationAnswered, consultationRequested, noteShared } from './communication';
import type { FoldContext, ResourceChange } from './context';
import * as medication from './medication';
import { outcomeMeasured } from './outcomes';
import { memberAssigned, memberRemoved, patientEnrolled } from './patient-and-team';
import { sideEffectReported, sideEffectResolved } from './safety';
import { sessionEnded, sessionRescheduled, sessionScheduled } from './sessions';

/**
 * What one domain event does to the patient's FHIR resources (docs/fhir.md,
 * "Mapping"). Corrections are the fold's (`patient-resources.ts`); events
 * that have no FHIR counterpart change nothing and are still the subject of
 * a Provenance.
 */
export function mapEvent(ctx: FoldContext, source: FhirSourceEvent): ResourceChange[] {
  const { event } = source;
  const id = ctx.idOf(source);
  switch (event.type) {
    case 'PatientEnrolled':
      return patientEnrolled(ctx, event);
    case 'CareTeamMemberAssigned':
      return memberAssigned(ctx, event);
    case 'CareTeamMemberRemoved':
      return memberRemoved(ctx, event);
    case 'CarePlanStarted':
      return plan.carePlanStarted(ctx, { event }, id);
    case 'TreatmentTrackChanged':
      return plan.trackChanged(ctx, event);
    case 'CarePlanReviewed':
      return plan.planReviewed(ctx, event);
    case 'CarePlanClosed':
      return plan.planClosed(ctx, event);
    case 'TreatmentGoalSet':
      return plan.goalSet(ctx, event);
    case 'TreatmentGoalAchieved':
      return plan.goalAchieved(ctx, event);
    case 'TreatmentGoalRevised':
      return plan.goalRevised(ctx, event);
    case 'TherapyPrescribed':
      return plan.therapyPrescribed(ctx, event);
    case 'TherapyModalityChanged':
      return plan.modalityChanged(ctx, event);
    case 'TherapyFrequencyChanged':
      return plan.frequencyChanged(ctx, event);
    case 'MedicationPrescribed':
      return medication.prescribed(ctx, event, id, source.meta.eventId);
    case 'DoseAdjusted':
      return medication.adjusted(ctx, event, id, source.meta.eventId);
    case 'DoseAdjustmentCancelled':
      return medication.adjustmentCancelled(ctx, event);
    case 'MedicationDiscontinued':
      return medication.discontinued(ctx, event);
    case 'DoseTaken':
    case 'DoseMissed':
    case 'DoseTakenLate':
      return medication.dose(ctx, event, id);
    case 'SessionScheduled':
      return sessionScheduled(ctx, event, id);
    case 'SessionAttended':
    case 'SessionMissed':
    case 'SessionCancelled':
      return sessionEnded(ctx, event);
    case 'SessionRescheduled':
      return sessionRescheduled(ctx, event);
    case 'OutcomeMeasured':
      return outcomeMeasured(ctx, event, id);
    case 'SideEffectReported':
      return sideEffectReported(ctx, event, id);
    case 'SideEffectResolved':
      return sideEffectResolved(ctx, event);
    case 'ConsultationRequested':
      return consultationRequested(ctx, event, id);
    case 'ConsultationAnswered':
      return consultationAnswered(ctx, event, id);
    case 'CollaborationNoteShared':
      return noteShared(ctx, event, id);
    // Not mapped (docs/fhir.md, "Not mapped"): recorded in Provenance only.
    case 'HolisticContextRecorded':
    case 'SideEffectReviewed':
    case 'CaseReviewHeld':
    case 'EntryCorrected':
    case 'EntryEnteredInError':
      return [];
    default:
      return assertNever(event);
  }
}
