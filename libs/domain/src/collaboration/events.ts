import type { Actor, CareTeamRole } from '../shared/actor';
import type { IsoDateTime } from '../shared/time';

export type Urgency = 'routine' | 'urgent';

export type ConsultationRequested = {
  type: 'ConsultationRequested';
  data: {
    patientId: string;
    consultationId: string;
    requestedBy: Actor;
    /** The team role asked, e.g. a therapist asks the prescriber, or back. */
    requestedRole: CareTeamRole;
    topic: string;
    urgency: Urgency;
    occurredAt: IsoDateTime;
  };
};

export type ConsultationAnswered = {
  type: 'ConsultationAnswered';
  data: {
    patientId: string;
    consultationId: string;
    answeredBy: Actor;
    answer: string;
    /** When the request was made, so latency is readable from this event alone. */
    requestedAt: IsoDateTime;
    occurredAt: IsoDateTime;
  };
};

export type CollaborationNoteShared = {
  type: 'CollaborationNoteShared';
  data: {
    patientId: string;
    noteId: string;
    author: Actor;
    audience: CareTeamRole[];
    body: string;
    occurredAt: IsoDateTime;
  };
};

export type CaseReviewHeld = {
  type: 'CaseReviewHeld';
  data: {
    patientId: string;
    caseReviewId: string;
    attendees: Actor[];
    decisions: string[];
    recordedBy: Actor;
    occurredAt: IsoDateTime;
  };
};

export type ConsultationEvent = ConsultationRequested | ConsultationAnswered;
export type CollaborationNoteEvent = CollaborationNoteShared | CaseReviewHeld;
export type CollaborationEvent = ConsultationEvent | CollaborationNoteEvent;
