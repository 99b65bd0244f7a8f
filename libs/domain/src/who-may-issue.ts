import type { CommandType } from './commands';

const TEAM = "Only a member of this patient's care team may";
const THERAPIST_OR_PRESCRIBER = "Only a therapist or prescriber on this patient's care team may";
const PRESCRIBER = "Only a prescriber on this patient's care team may";
const SELF_OR_TEAM = 'Only the patient themselves or a member of their care team may';

/**
 * docs/domain.md, "Who may issue what", as one sentence per command: what a
 * refused caller is told. It depends on the command alone, never on the
 * patient, so it reveals nothing about whether the patient exists or who is
 * on their team.
 */
export const whoMayIssue: { readonly [K in CommandType]: string } = {
  EnrolPatient: 'Only a clinician (therapist, prescriber, primary-care, care-manager) may enrol a patient.',
  StartCarePlan: `${TEAM} start a care plan.`,
  ReviewCarePlan: `${TEAM} review the care plan.`,
  AssignCareTeamMember: `${TEAM} add to the care team.`,
  RemoveCareTeamMember: `${TEAM} remove from the care team.`,
  SetTreatmentGoal: `${TEAM} set a treatment goal.`,
  MarkGoalAchieved: `${TEAM} mark a goal achieved.`,
  ReviseTreatmentGoal: `${TEAM} revise a treatment goal.`,
  RecordHolisticContext: `${TEAM} record the holistic context.`,
  ChangeTreatmentTrack: `${THERAPIST_OR_PRESCRIBER} change the treatment track.`,
  CloseCarePlan: `${THERAPIST_OR_PRESCRIBER} close the care plan.`,
  PrescribeTherapy: `${THERAPIST_OR_PRESCRIBER} prescribe therapy.`,
  ChangeTherapyModality: `${THERAPIST_OR_PRESCRIBER} change the therapy modality.`,
  ChangeTherapyFrequency: `${THERAPIST_OR_PRESCRIBER} change the therapy frequency.`,
  PrescribeMedication: `${PRESCRIBER} prescribe medication.`,
  AdjustDose: `${PRESCRIBER} adjust a dose.`,
  CancelDoseAdjustment: `${PRESCRIBER} cancel a dose adjustment.`,
  DiscontinueMedication: `${PRESCRIBER} discontinue a medication.`,
  ReviewSideEffect: `${PRESCRIBER} review a side effect.`,
  ScheduleSession: `${TEAM} schedule a session.`,
  RecordSessionAttended: `${TEAM} record a session as attended.`,
  RecordSessionMissed: `${TEAM} record a session as missed.`,
  CancelSession: `${TEAM} cancel a session.`,
  RescheduleSession: `${TEAM} reschedule a session.`,
  RecordDoseTaken: `${SELF_OR_TEAM} record a dose.`,
  RecordDoseMissed: `${SELF_OR_TEAM} record a missed dose.`,
  ReportSideEffect: `${SELF_OR_TEAM} report a side effect.`,
  ResolveSideEffect: `${SELF_OR_TEAM} resolve a side effect.`,
  RecordOutcome: `${SELF_OR_TEAM} record an outcome questionnaire.`,
  RequestConsultation: `${TEAM} request a consultation.`,
  AnswerConsultation: `Only a member of this patient's care team in the role that was asked may answer a consultation.`,
  ShareCollaborationNote: `${TEAM} share a collaboration note.`,
  HoldCaseReview: `${TEAM} hold a case review.`,
  CorrectEntry: `${SELF_OR_TEAM} correct an entry (a patient: only their own doses, side effects and outcomes).`,
  MarkEnteredInError: `${SELF_OR_TEAM} mark an entry entered in error (a patient: only their own doses, side effects and outcomes).`,
};
