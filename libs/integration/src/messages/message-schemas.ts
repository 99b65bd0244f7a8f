import type { EventType } from '@caretrail/domain';

/**
 * The published contract: one JSON Schema (draft-07, the dialect AsyncAPI 3
 * schemas extend) per message type, written by hand from the event types.
 *
 * A field travels only if it is listed here: the relay copies the listed
 * fields of an event's data and nothing else, so a field added to an event
 * stays internal until someone adds it here on purpose. Names, contact
 * details and free text (the domain's `personalDataFields`) are never listed;
 * a unit test checks that. Published schemas are open (unknown properties
 * allowed), so that adding an optional field is not a breaking change for a
 * consumer that validates (docs/kafka.md, "Schema evolution").
 */
export type JsonSchema = { [key: string]: unknown };

export interface MessageDefinition {
  /** Version of the message contract, independent of the stored event's schema version. */
  version: number;
  summary: string;
  /** Schema of the body (the event's published data). */
  data: JsonSchema;
}

// ------------------------------------------------------------------ building blocks

const id = (description: string): JsonSchema => ({ type: 'string', minLength: 1, description });
const patientId = id('Pseudonymous patient id; also the record key.');
/** The domain's instant: ISO 8601 with an explicit zone; seconds are optional (`2026-03-02T08:00Z`). */
const instant = (description: string): JsonSchema => ({
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$',
  description,
});
const date = (description: string): JsonSchema => ({ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
const occurredAt = instant('When it happened (reported by the actor; may be earlier than the record).');
const enumOf = (values: readonly string[], description?: string): JsonSchema => ({
  type: 'string',
  enum: [...values],
  ...(description ? { description } : {}),
});
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const integer = (minimum: number, maximum: number | undefined, description: string): JsonSchema => ({
  type: 'integer',
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
  description,
});
const arrayOf = (items: JsonSchema, description?: string): JsonSchema => ({
  type: 'array',
  items,
  ...(description ? { description } : {}),
});
/** Every listed property is required (the events use null for "absent", never a missing key). */
const object = (properties: Record<string, JsonSchema>, description?: string): JsonSchema => ({
  type: 'object',
  ...(description ? { description } : {}),
  properties,
  required: Object.keys(properties),
});

const actorRoles = ['therapist', 'prescriber', 'primary-care', 'care-manager', 'patient', 'admin', 'analyst'];
const careTeamRoles = ['therapist', 'prescriber', 'primary-care', 'care-manager'];
const actor = (description: string): JsonSchema =>
  object(
    { userId: id('User id (a patient acting for themself has their patient id).'), role: enumOf(actorRoles) },
    description,
  );
const track = enumOf(['integrated', 'medication-only', 'therapy-only'], 'Treatment track.');
const modality = enumOf(['CBT', 'DBT', 'other'], 'Psychotherapy modality.');
const frequency = object(
  { sessions: integer(1, undefined, 'Sessions per period.'), per: enumOf(['week', 'month']) },
  'Planned session frequency.',
);
const strength = object({ value: { type: 'number' }, unit: { type: 'string', minLength: 1 } }, 'Strength of one dose.');
const schedule = object(
  {
    timesPerDay: integer(1, undefined, 'Doses per scheduled day.'),
    daysOfWeek: arrayOf(enumOf(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']), 'Days with doses.'),
    times: nullable(
      arrayOf({ type: 'string', pattern: '^\\d{2}:\\d{2}$' }, 'Local wall-clock times (HH:mm), one per daily dose.'),
    ),
  },
  'Dose schedule.',
);
const sessionKind = enumOf(['psychotherapy', 'medication-management']);
const carePlan = { patientId, carePlanId: id('Care plan (episode of care).') };
const ids = {
  medicationId: id('Medication on the plan.'),
  sessionId: id('Session.'),
  sideEffectId: id('Side-effect report.'),
  goalId: id('Treatment goal.'),
  consultationId: id('Consultation.'),
};
const correctionTarget = {
  patientId,
  stream: id('Stream of the amended event.'),
  eventId: id('Event id (ce_id) of the amended event.'),
  eventType: id('Type of the amended event, e.g. DoseTaken.'),
};

// ------------------------------------------------------------------ the table

export const messageDefinitions: { readonly [T in EventType]: MessageDefinition } = {
  PatientEnrolled: {
    version: 1,
    summary: 'A patient was enrolled. Name and contact details are not published.',
    data: object({
      patientId,
      timeZone: id('IANA time zone; adherence days are calendar days in it.'),
      enrolledBy: actor('Who enrolled.'),
      occurredAt,
    }),
  },
  CarePlanStarted: {
    version: 1,
    summary: 'A care plan (episode of care) started on a treatment track.',
    data: object({ ...carePlan, track, startedBy: actor('Who started it.'), occurredAt }),
  },
  TreatmentTrackChanged: {
    version: 1,
    summary: 'The plan moved between integrated, medication-only and therapy-only treatment.',
    data: object({ ...carePlan, from: track, to: track, changedBy: actor('Who changed it.'), occurredAt }),
  },
  CarePlanReviewed: {
    version: 1,
    summary: 'The care plan was reviewed.',
    data: object({
      ...carePlan,
      nextReviewDue: nullable(date('Next review due.')),
      reviewedBy: actor('Reviewer.'),
      occurredAt,
    }),
  },
  CarePlanClosed: {
    version: 1,
    summary: 'The care plan was closed.',
    data: object({
      ...carePlan,
      reason: enumOf(['completed', 'transferred', 'disengaged', 'other']),
      closedBy: actor('Who closed it.'),
      occurredAt,
    }),
  },
  CareTeamMemberAssigned: {
    version: 1,
    summary: 'A clinician joined the care team.',
    data: object({
      patientId,
      userId: id('The member.'),
      role: enumOf(careTeamRoles),
      chosenByPatient: { type: 'boolean', description: 'The patient chose this member.' },
      assignedBy: actor('Who assigned.'),
      occurredAt,
    }),
  },
  CareTeamMemberRemoved: {
    version: 1,
    summary: 'A clinician left the care team.',
    data: object({
      patientId,
      userId: id('The member.'),
      role: enumOf(careTeamRoles),
      removedBy: actor('Who removed.'),
      occurredAt,
    }),
  },
  TreatmentGoalSet: {
    version: 1,
    summary: 'A treatment goal was set (its wording is not published).',
    data: object({
      ...carePlan,
      goalId: ids.goalId,
      targetDate: nullable(date('Target date.')),
      setBy: actor('Who set it.'),
      occurredAt,
    }),
  },
  TreatmentGoalAchieved: {
    version: 1,
    summary: 'A treatment goal was achieved.',
    data: object({ ...carePlan, goalId: ids.goalId, recordedBy: actor('Who recorded it.'), occurredAt }),
  },
  TreatmentGoalRevised: {
    version: 1,
    summary: 'A treatment goal was revised (its wording is not published).',
    data: object({
      ...carePlan,
      goalId: ids.goalId,
      targetDate: nullable(date('Target date.')),
      revisedBy: actor('Who revised it.'),
      occurredAt,
    }),
  },
  HolisticContextRecorded: {
    version: 1,
    summary: 'Lifestyle, support system and comorbidities were recorded; only the fact is published, not the content.',
    data: object({ patientId, recordedBy: actor('Who recorded it.'), occurredAt }),
  },
  TherapyPrescribed: {
    version: 1,
    summary: 'Psychotherapy was prescribed.',
    data: object({
      ...carePlan,
      modality,
      modalityDetail: nullable({ type: 'string', description: 'Names the modality when it is `other` (e.g. IPT).' }),
      frequency,
      prescribedBy: actor('Who prescribed.'),
      occurredAt,
    }),
  },
  TherapyModalityChanged: {
    version: 1,
    summary: 'The psychotherapy modality changed.',
    data: object({
      ...carePlan,
      from: modality,
      to: modality,
      modalityDetail: nullable({ type: 'string', description: 'Names the new modality when it is `other`.' }),
      changedBy: actor('Who changed it.'),
      occurredAt,
    }),
  },
  TherapyFrequencyChanged: {
    version: 1,
    summary: 'The planned session frequency changed.',
    data: object({ ...carePlan, from: frequency, to: frequency, changedBy: actor('Who changed it.'), occurredAt }),
  },
  MedicationPrescribed: {
    version: 1,
    summary: 'A medication was prescribed (free-text instructions are not published).',
    data: object({
      ...carePlan,
      medicationId: ids.medicationId,
      drug: object({ name: { type: 'string', minLength: 1 }, rxNormCode: nullable({ type: 'string' }) }, 'The drug.'),
      strength,
      schedule,
      startsAt: instant('First instant doses count.'),
      prescriberId: id('The prescriber.'),
      occurredAt,
    }),
  },
  DoseAdjusted: {
    version: 1,
    summary: 'The dose or schedule of a medication changed from a given instant.',
    data: object({
      ...carePlan,
      medicationId: ids.medicationId,
      supersedes: id('Event id of the prescription or adjustment this one replaces.'),
      strength,
      schedule,
      effectiveFrom: instant('The new schedule applies from here.'),
      prescriberId: id('The prescriber.'),
      occurredAt,
    }),
  },
  DoseAdjustmentCancelled: {
    version: 1,
    summary: 'A pending dose adjustment was withdrawn before it took effect; it never applies.',
    data: object({
      ...carePlan,
      medicationId: ids.medicationId,
      adjustmentId: id('Event id of the DoseAdjusted withdrawn.'),
      prescriberId: id('The prescriber.'),
      occurredAt,
    }),
  },
  MedicationDiscontinued: {
    version: 1,
    summary: 'A medication was discontinued.',
    data: object({
      ...carePlan,
      medicationId: ids.medicationId,
      stoppedAt: instant('No dose counts at or after this instant.'),
      reason: enumOf(['side-effects', 'ineffective', 'course-completed', 'patient-choice', 'track-change', 'other']),
      prescriberId: id('The prescriber.'),
      occurredAt,
    }),
  },
  DoseTaken: {
    version: 1,
    summary: 'A scheduled dose was taken.',
    data: object({
      patientId,
      medicationId: ids.medicationId,
      scheduledFor: instant('The dose slot.'),
      occurredAt,
      recordedBy: actor('Who reported it.'),
    }),
  },
  DoseMissed: {
    version: 1,
    summary: 'A scheduled dose was missed.',
    data: object({
      patientId,
      medicationId: ids.medicationId,
      scheduledFor: instant('The dose slot.'),
      occurredAt,
      reason: nullable(enumOf(['forgot', 'side-effects', 'ran-out', 'asleep', 'other'])),
      recordedBy: actor('Who reported it.'),
    }),
  },
  DoseTakenLate: {
    version: 1,
    summary: 'A dose was taken late; it counts as taken (and late), replacing an earlier DoseMissed if named.',
    data: object({
      patientId,
      medicationId: ids.medicationId,
      scheduledFor: instant('The dose slot.'),
      occurredAt,
      supersedesMissed: nullable(id('Event id of the DoseMissed this replaces.')),
      recordedBy: actor('Who reported it.'),
    }),
  },
  SessionScheduled: {
    version: 1,
    summary: 'A session was scheduled.',
    data: object({
      patientId,
      sessionId: ids.sessionId,
      kind: sessionKind,
      scheduledFor: instant('Start of the session.'),
      durationMinutes: integer(1, undefined, 'Planned length.'),
      clinicianId: id('The clinician.'),
      scheduledBy: actor('Who scheduled it.'),
      occurredAt,
    }),
  },
  SessionAttended: {
    version: 1,
    summary: 'The patient attended a session.',
    data: object({
      patientId,
      sessionId: ids.sessionId,
      kind: sessionKind,
      recordedBy: actor('Who recorded it.'),
      occurredAt,
    }),
  },
  SessionMissed: {
    version: 1,
    summary: 'The patient did not attend (no-show).',
    data: object({
      patientId,
      sessionId: ids.sessionId,
      kind: sessionKind,
      recordedBy: actor('Who recorded it.'),
      occurredAt,
    }),
  },
  SessionCancelled: {
    version: 1,
    summary: 'A session was cancelled (the reason text is not published).',
    data: object({
      patientId,
      sessionId: ids.sessionId,
      kind: sessionKind,
      cancelledBy: enumOf(['patient', 'clinician', 'clinic']),
      recordedBy: actor('Who recorded it.'),
      occurredAt,
    }),
  },
  SessionRescheduled: {
    version: 1,
    summary: 'A session moved to another time.',
    data: object({
      patientId,
      sessionId: ids.sessionId,
      from: instant('Old start.'),
      to: instant('New start.'),
      recordedBy: actor('Who recorded it.'),
      occurredAt,
    }),
  },
  SideEffectReported: {
    version: 1,
    summary:
      'A side effect was reported (the symptom text is not published). `urgent` opens an item for the prescriber.',
    data: object({
      patientId,
      sideEffectId: ids.sideEffectId,
      severity: enumOf(['mild', 'moderate', 'severe']),
      suspectedMedicationId: nullable(id('The suspected medication.')),
      fibser: nullable(
        object(
          {
            frequency: integer(0, 6, 'Frequency 0-6.'),
            intensity: integer(0, 6, 'Intensity 0-6.'),
            burden: integer(0, 6, 'Burden 0-6.'),
          },
          'FIBSER ratings; null when not asked (reports recorded before FIBSER was collected).',
        ),
      ),
      urgent: { type: 'boolean', description: 'Severe, or FIBSER burden >= 5.' },
      reportedBy: actor('Who reported it.'),
      occurredAt,
    }),
  },
  SideEffectReviewed: {
    version: 1,
    summary: 'The prescriber reviewed a side-effect report.',
    data: object({
      patientId,
      sideEffectId: ids.sideEffectId,
      action: enumOf(['continue', 'monitor', 'dose-adjusted', 'discontinued', 'other']),
      reviewedBy: actor('The reviewer.'),
      occurredAt,
    }),
  },
  SideEffectResolved: {
    version: 1,
    summary: 'A side effect resolved.',
    data: object({ patientId, sideEffectId: ids.sideEffectId, recordedBy: actor('Who recorded it.'), occurredAt }),
  },
  OutcomeMeasured: {
    version: 1,
    summary: 'A PHQ-9 or GAD-7 was completed.',
    data: object({
      patientId,
      instrument: enumOf(['PHQ-9', 'GAD-7']),
      loinc: {
        type: 'string',
        enum: ['44261-6', '70274-6'],
        description: 'LOINC of the total: PHQ-9 44261-6, GAD-7 70274-6.',
      },
      items: arrayOf(integer(0, 3, 'Answer 0-3.'), 'Item answers in questionnaire order.'),
      total: integer(0, 27, 'Sum of the items (PHQ-9 0-27, GAD-7 0-21).'),
      administeredBy: actor('Who administered it.'),
      occurredAt,
    }),
  },
  ConsultationRequested: {
    version: 1,
    summary: 'A provider asked another team role for a consultation (the topic text is not published).',
    data: object({
      patientId,
      consultationId: ids.consultationId,
      requestedBy: actor('Who asked.'),
      requestedRole: enumOf(careTeamRoles),
      urgency: enumOf(['routine', 'urgent']),
      occurredAt,
    }),
  },
  ConsultationAnswered: {
    version: 1,
    summary: 'A consultation was answered (the answer text is not published).',
    data: object({
      patientId,
      consultationId: ids.consultationId,
      answeredBy: actor('Who answered.'),
      requestedAt: instant('When the request was made.'),
      occurredAt,
    }),
  },
  CollaborationNoteShared: {
    version: 1,
    summary: 'A provider shared a note with the team (the note itself is not published).',
    data: object({
      patientId,
      noteId: id('The note.'),
      author: actor('The author.'),
      audience: arrayOf(enumOf(careTeamRoles), 'Team roles addressed.'),
      occurredAt,
    }),
  },
  CaseReviewHeld: {
    version: 1,
    summary: 'A case review was held (its decisions are not published).',
    data: object({
      patientId,
      caseReviewId: id('The case review.'),
      attendees: arrayOf(actor('An attendee.')),
      recordedBy: actor('Who recorded it.'),
      occurredAt,
    }),
  },
  EntryCorrected: {
    version: 1,
    summary:
      'An earlier event was amended. It travels on the topic of the amended event; the changed values are not published: re-read the record through the API.',
    data: object({ ...correctionTarget, correctedBy: actor('Who corrected it.'), occurredAt }),
  },
  EntryEnteredInError: {
    version: 1,
    summary: 'An earlier event was marked as entered in error; consumers should disregard it.',
    data: object({ ...correctionTarget, markedBy: actor('Who marked it.'), occurredAt }),
  },
};
