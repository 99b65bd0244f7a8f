import type { DomainEvent, EventType } from './events';

/**
 * Paths (dotted, inside `data`) of the personal data in each event: names, contact details,
 * free text. A later feature encrypts these per patient (crypto-shredding); the analyst's
 * de-identified views drop them. Every event type is listed, so a new one must decide.
 */
export const personalDataFields: { readonly [T in EventType]: readonly string[] } = {
  PatientEnrolled: ['name.given', 'name.family', 'contact.email', 'contact.phone'],
  CarePlanStarted: [],
  TreatmentTrackChanged: ['reason'],
  CarePlanReviewed: ['summary'],
  CarePlanClosed: ['note'],
  CareTeamMemberAssigned: [],
  CareTeamMemberRemoved: ['reason'],
  TreatmentGoalSet: ['description'],
  TreatmentGoalAchieved: [],
  TreatmentGoalRevised: ['description', 'reason'],
  HolisticContextRecorded: ['lifestyle', 'supportSystem', 'comorbidConditions'],
  TherapyPrescribed: [],
  TherapyModalityChanged: ['reason'],
  TherapyFrequencyChanged: [],
  MedicationPrescribed: ['instructions'],
  DoseAdjusted: ['reason'],
  DoseAdjustmentCancelled: ['reason'],
  MedicationDiscontinued: ['reasonDetail'],
  SessionScheduled: [],
  SessionAttended: [],
  SessionMissed: ['reason'],
  SessionCancelled: ['reason'],
  SessionRescheduled: ['reason'],
  DoseTaken: [],
  DoseMissed: ['reasonDetail'],
  DoseTakenLate: [],
  SideEffectReported: ['symptom'],
  SideEffectReviewed: ['note'],
  SideEffectResolved: ['note'],
  OutcomeMeasured: [],
  ConsultationRequested: ['topic'],
  ConsultationAnswered: ['answer'],
  CollaborationNoteShared: ['body'],
  CaseReviewHeld: ['decisions'],
  EntryCorrected: ['changes', 'reason'],
  EntryEnteredInError: ['reason'],
};

type JsonObject = { [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Same type, data no longer typed: personal fields are null where the type says string. */
export type RedactedEvent = { readonly type: EventType; readonly data: unknown };

/** A copy of the event with every personal-data field set to null (for de-identified replays). */
export function redactPersonalData(event: DomainEvent): RedactedEvent {
  const data: unknown = JSON.parse(JSON.stringify(event.data));
  for (const path of personalDataFields[event.type]) {
    const keys = path.split('.');
    const last = keys.pop();
    let node: unknown = data;
    for (const key of keys) node = isObject(node) ? node[key] : undefined;
    if (last !== undefined && isObject(node) && last in node) node[last] = null;
  }
  return { type: event.type, data };
}
