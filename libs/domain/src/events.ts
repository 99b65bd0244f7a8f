import type { CarePlanEvent } from './care-plan/events';
import type { CollaborationEvent } from './collaboration/events';
import type { CorrectionEvent } from './corrections/events';
import type { DoseEvent } from './doses/events';
import type { MedicationEvent } from './medication/events';
import type { OutcomeEvent } from './outcomes/events';
import type { SafetyEvent } from './safety/events';
import type { SessionEvent } from './sessions/events';
import { assertNever } from './shared/assert-never';
import { streams, type StreamCategory } from './shared/streams';
import type { TherapyEvent } from './therapy/events';

export type DomainEvent =
  | CarePlanEvent
  | TherapyEvent
  | MedicationEvent
  | SessionEvent
  | DoseEvent
  | SafetyEvent
  | OutcomeEvent
  | CollaborationEvent
  | CorrectionEvent;

export type EventType = DomainEvent['type'];
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;

export type EventSchema = {
  /** Current schema version; stored events of older versions go through `upcast`. */
  readonly version: number;
  /** The stream family the event is written to; corrections go to the stream of their target. */
  readonly stream: StreamCategory | 'target-stream';
};

/**
 * Registry of every event type. The type strings are the stored identity of an event:
 * never rename one; a breaking change of `data` is a new version plus an upcaster.
 */
export const eventSchemas: { readonly [T in EventType]: EventSchema } = {
  PatientEnrolled: { version: 1, stream: 'careplan' },
  CarePlanStarted: { version: 1, stream: 'careplan' },
  TreatmentTrackChanged: { version: 1, stream: 'careplan' },
  CarePlanReviewed: { version: 1, stream: 'careplan' },
  CarePlanClosed: { version: 1, stream: 'careplan' },
  CareTeamMemberAssigned: { version: 1, stream: 'careplan' },
  CareTeamMemberRemoved: { version: 1, stream: 'careplan' },
  TreatmentGoalSet: { version: 1, stream: 'careplan' },
  TreatmentGoalAchieved: { version: 1, stream: 'careplan' },
  TreatmentGoalRevised: { version: 1, stream: 'careplan' },
  HolisticContextRecorded: { version: 1, stream: 'careplan' },
  TherapyPrescribed: { version: 1, stream: 'careplan' },
  TherapyModalityChanged: { version: 1, stream: 'careplan' },
  TherapyFrequencyChanged: { version: 1, stream: 'careplan' },
  MedicationPrescribed: { version: 1, stream: 'careplan' },
  DoseAdjusted: { version: 1, stream: 'careplan' },
  DoseAdjustmentCancelled: { version: 1, stream: 'careplan' },
  MedicationDiscontinued: { version: 1, stream: 'careplan' },
  SessionScheduled: { version: 1, stream: 'session' },
  SessionAttended: { version: 1, stream: 'session' },
  SessionMissed: { version: 1, stream: 'session' },
  SessionCancelled: { version: 1, stream: 'session' },
  SessionRescheduled: { version: 1, stream: 'session' },
  DoseTaken: { version: 1, stream: 'doses' },
  DoseMissed: { version: 1, stream: 'doses' },
  DoseTakenLate: { version: 1, stream: 'doses' },
  SideEffectReported: { version: 2, stream: 'sideeffect' },
  SideEffectReviewed: { version: 1, stream: 'sideeffect' },
  SideEffectResolved: { version: 1, stream: 'sideeffect' },
  OutcomeMeasured: { version: 1, stream: 'outcomes' },
  ConsultationRequested: { version: 1, stream: 'consultation' },
  ConsultationAnswered: { version: 1, stream: 'consultation' },
  CollaborationNoteShared: { version: 1, stream: 'collaboration' },
  CaseReviewHeld: { version: 1, stream: 'collaboration' },
  EntryCorrected: { version: 1, stream: 'target-stream' },
  EntryEnteredInError: { version: 1, stream: 'target-stream' },
};

export const eventTypes = Object.keys(eventSchemas) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(eventSchemas, type);
}

/** The one stream an event belongs to; the command table's `target` always agrees with it. */
export function streamFor(event: DomainEvent): string {
  switch (event.type) {
    case 'PatientEnrolled':
    case 'CarePlanStarted':
    case 'TreatmentTrackChanged':
    case 'CarePlanReviewed':
    case 'CarePlanClosed':
    case 'CareTeamMemberAssigned':
    case 'CareTeamMemberRemoved':
    case 'TreatmentGoalSet':
    case 'TreatmentGoalAchieved':
    case 'TreatmentGoalRevised':
    case 'HolisticContextRecorded':
    case 'TherapyPrescribed':
    case 'TherapyModalityChanged':
    case 'TherapyFrequencyChanged':
    case 'MedicationPrescribed':
    case 'DoseAdjusted':
    case 'DoseAdjustmentCancelled':
    case 'MedicationDiscontinued':
      return streams.carePlan(event.data.patientId);
    case 'SessionScheduled':
    case 'SessionAttended':
    case 'SessionMissed':
    case 'SessionCancelled':
    case 'SessionRescheduled':
      return streams.session(event.data.patientId, event.data.sessionId);
    case 'DoseTaken':
    case 'DoseMissed':
    case 'DoseTakenLate':
      return streams.doses(event.data.patientId, event.data.scheduledFor);
    case 'SideEffectReported':
    case 'SideEffectReviewed':
    case 'SideEffectResolved':
      return streams.sideEffect(event.data.patientId, event.data.sideEffectId);
    case 'OutcomeMeasured':
      return streams.outcomes(event.data.patientId, event.data.occurredAt);
    case 'ConsultationRequested':
    case 'ConsultationAnswered':
      return streams.consultation(event.data.patientId, event.data.consultationId);
    case 'CollaborationNoteShared':
    case 'CaseReviewHeld':
      return streams.collaboration(event.data.patientId, event.data.occurredAt);
    case 'EntryCorrected':
    case 'EntryEnteredInError':
      return event.data.stream;
    default:
      return assertNever(event);
  }
}

/** Narrows a loaded event to the family of its stream (the registry says where each type lives). */
export function isStreamEvent<E extends DomainEvent>(
  category: StreamCategory,
): (event: DomainEvent) => event is E | CorrectionEvent {
  return (event): event is E | CorrectionEvent => {
    const stream = eventSchemas[event.type].stream;
    return stream === category || stream === 'target-stream';
  };
}
