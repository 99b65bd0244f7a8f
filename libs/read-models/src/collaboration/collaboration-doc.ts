import type { Actor, CareTeamRole, Fibser, Severity, SideEffectAction, Urgency } from '@caretrail/domain';

export type ConsultationFact = {
  consultationId: string;
  requestedEventId: string;
  requestedAt: string;
  requestedBy: Actor;
  requestedRole: CareTeamRole;
  topic: string | null;
  urgency: Urgency;
  answer: { eventId: string; answeredAt: string; answeredBy: Actor } | null;
  voided: boolean;
};

export type SideEffectFact = {
  sideEffectId: string;
  reportedEventId: string;
  reportedAt: string;
  symptom: string | null;
  severity: Severity;
  fibser: Fibser | null;
  suspectedMedicationId: string | null;
  reviews: Array<{ eventId: string; reviewedAt: string; action: SideEffectAction }>;
  resolved: { eventId: string; resolvedAt: string } | null;
  voided: boolean;
};

export type ContactKind = 'consultation-requested' | 'consultation-answered' | 'collaboration-note' | 'case-review';
export type ContactFact = { eventId: string; at: string; kind: ContactKind };

/** One row per patient. */
export type CollaborationDoc = {
  patientId: string;
  consultations: Record<string, ConsultationFact>;
  sideEffects: Record<string, SideEffectFact>;
  /** The latest CONTACTS_KEPT contacts between therapist and prescriber, newest first. */
  contacts: ContactFact[];
  caseReviews: Array<{ eventId: string; heldAt: string }>;
};
