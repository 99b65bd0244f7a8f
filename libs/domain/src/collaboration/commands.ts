import type { Actor, CareTeamRole } from '../shared/actor';
import type { IsoDateTime } from '../shared/time';
import type { Urgency } from './events';

export type RequestConsultation = {
  type: 'RequestConsultation';
  data: { patientId: string; consultationId: string; requestedRole: CareTeamRole; topic: string; urgency: Urgency };
};

export type AnswerConsultation = {
  type: 'AnswerConsultation';
  data: { patientId: string; consultationId: string; answer: string };
};

export type ShareCollaborationNote = {
  type: 'ShareCollaborationNote';
  data: { patientId: string; noteId: string; body: string; audience?: CareTeamRole[]; occurredAt?: IsoDateTime };
};

export type HoldCaseReview = {
  type: 'HoldCaseReview';
  data: {
    patientId: string;
    caseReviewId: string;
    attendees: Actor[];
    decisions: string[];
    occurredAt?: IsoDateTime;
  };
};

export type ConsultationCommand = RequestConsultation | AnswerConsultation;
export type CollaborationNoteCommand = ShareCollaborationNote | HoldCaseReview;
