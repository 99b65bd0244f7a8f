import { isEventType, type EventType } from '@caretrail/domain';

/**
 * The areas integrators subscribe to (docs/kafka.md): one
 * topic each, key = patient id, so one patient's events of an area stay in
 * one partition, in order.
 */
export const areas = ['plan', 'medication', 'sessions', 'safety', 'outcomes', 'collaboration'] as const;
export type Area = (typeof areas)[number];

export const areaDescriptions: { readonly [A in Area]: string } = {
  plan: 'The care plan and team: enrolment, track, reviews, goals, holistic context, psychotherapy prescription.',
  medication: 'Medication and doses: prescriptions, adjustments, discontinuations, doses taken, missed and taken late.',
  sessions:
    'Appointments: psychotherapy and medication-management sessions scheduled, attended, missed, cancelled, rescheduled.',
  safety: 'Side effects: reported (with FIBSER ratings and the urgent flag), reviewed by the prescriber, resolved.',
  outcomes: 'Measurement-based care: PHQ-9 and GAD-7 scores.',
  collaboration: 'Provider collaboration: consultations requested and answered, notes shared, case reviews held.',
};

/**
 * Where each event type is published. MedicationPrescribed lives in the care
 * plan's stream but travels with the doses, so a consumer of the medication
 * topic sees a prescription before the doses taken against it (same key,
 * same partition, published in the log's order).
 */
export const areaOf: { readonly [T in Exclude<EventType, 'EntryCorrected' | 'EntryEnteredInError'>]: Area } = {
  PatientEnrolled: 'plan',
  CarePlanStarted: 'plan',
  TreatmentTrackChanged: 'plan',
  CarePlanReviewed: 'plan',
  CarePlanClosed: 'plan',
  CareTeamMemberAssigned: 'plan',
  CareTeamMemberRemoved: 'plan',
  TreatmentGoalSet: 'plan',
  TreatmentGoalAchieved: 'plan',
  TreatmentGoalRevised: 'plan',
  HolisticContextRecorded: 'plan',
  TherapyPrescribed: 'plan',
  TherapyModalityChanged: 'plan',
  TherapyFrequencyChanged: 'plan',
  MedicationPrescribed: 'medication',
  DoseAdjusted: 'medication',
  DoseAdjustmentCancelled: 'medication',
  MedicationDiscontinued: 'medication',
  DoseTaken: 'medication',
  DoseMissed: 'medication',
  DoseTakenLate: 'medication',
  SessionScheduled: 'sessions',
  SessionAttended: 'sessions',
  SessionMissed: 'sessions',
  SessionCancelled: 'sessions',
  SessionRescheduled: 'sessions',
  SideEffectReported: 'safety',
  SideEffectReviewed: 'safety',
  SideEffectResolved: 'safety',
  OutcomeMeasured: 'outcomes',
  ConsultationRequested: 'collaboration',
  ConsultationAnswered: 'collaboration',
  CollaborationNoteShared: 'collaboration',
  CaseReviewHeld: 'collaboration',
};

/**
 * A correction travels on the topic of the event it amends, so it reaches the
 * consumers of that event after it (same key, same partition). The amended
 * type is read from the correction's data; an unknown one goes to `plan`.
 */
export function areaFor(type: EventType, data: { eventType?: unknown }): Area {
  if (type === 'EntryCorrected' || type === 'EntryEnteredInError') {
    const target = typeof data.eventType === 'string' ? data.eventType : '';
    if (isEventType(target) && target !== 'EntryCorrected' && target !== 'EntryEnteredInError') return areaOf[target];
    return 'plan';
  }
  return areaOf[type];
}

/** Topic names: `<prefix>.<area>.v<major>`; the major changes only if keys or partitioning ever change. */
export const TOPIC_VERSION = 1;

export function topicName(prefix: string, area: Area): string {
  return `${prefix}.${area}.v${TOPIC_VERSION}`;
}

export function allTopics(prefix: string): string[] {
  return areas.map((area) => topicName(prefix, area));
}

/** Corrections are published on every area's topic (they follow their target). */
export function typesOnArea(area: Area): EventType[] {
  const own = (Object.keys(areaOf) as (keyof typeof areaOf)[]).filter((type) => areaOf[type] === area);
  return [...own, 'EntryCorrected', 'EntryEnteredInError'];
}
