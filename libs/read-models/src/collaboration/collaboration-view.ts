import type { CareTeamRole, Fibser, Severity, Urgency } from '@caretrail/domain';
import { toMillis } from '../shared/instants';
import { isUrgentSideEffect } from './collaboration';
import type { CollaborationDoc, ContactFact, SideEffectFact } from './collaboration-doc';

const DAY_MS = 86_400_000;

export type OpenConsultation = {
  consultationId: string;
  requestedAt: string;
  requestedByRole: string;
  requestedRole: CareTeamRole;
  topic: string | null;
  urgency: Urgency;
  ageMs: number;
  /** Whole days since the request. */
  ageDays: number;
};

export type SideEffectItem = {
  sideEffectId: string;
  reportedAt: string;
  symptom: string | null;
  severity: Severity;
  fibser: Fibser | null;
  suspectedMedicationId: string | null;
  urgent: boolean;
  resolved: boolean;
  ageDays: number;
};

export type CollaborationView = {
  patientId: string;
  /** Oldest first. */
  openConsultations: OpenConsultation[];
  /** Answer time minus request time over every answered consultation; null with none answered. */
  responseLatency: { answered: number; medianMs: number | null; worstMs: number | null };
  /** Not yet reviewed by a prescriber (resolved ones included: the prescriber still has to look). */
  unreviewedSideEffects: SideEffectItem[];
  /** A severe side effect, or FIBSER burden >= 5, is an urgent item for the prescriber until reviewed (docs/clinical-rules.md, "Urgent side effects"). */
  urgentItems: SideEffectItem[];
  /** Latest consultation, answer, shared note or case review between therapist and prescriber. */
  lastContact: (ContactFact & { daysAgo: number }) | null;
  caseReviews: { held: number; lastHeldAt: string | null };
};

export function collaborationView(doc: CollaborationDoc, asOf: string): CollaborationView {
  const now = toMillis(asOf);
  const consultations = Object.values(doc.consultations).filter((c) => !c.voided);
  const latencies = consultations
    .flatMap((c) => (c.answer ? [toMillis(c.answer.answeredAt) - toMillis(c.requestedAt)] : []))
    .sort((a, b) => a - b);
  const unreviewed = Object.values(doc.sideEffects)
    .filter((s) => !s.voided && s.reviews.length === 0)
    .sort((a, b) => toMillis(a.reportedAt) - toMillis(b.reportedAt))
    .map((s) => sideEffectItem(s, now));
  const lastContact = doc.contacts[0];
  const heldAt = doc.caseReviews.map((r) => r.heldAt).sort((a, b) => toMillis(b) - toMillis(a));
  return {
    patientId: doc.patientId,
    openConsultations: consultations
      .filter((c) => c.answer === null)
      .sort((a, b) => toMillis(a.requestedAt) - toMillis(b.requestedAt))
      .map((c) => {
        const ageMs = Math.max(0, now - toMillis(c.requestedAt));
        return {
          consultationId: c.consultationId,
          requestedAt: c.requestedAt,
          requestedByRole: c.requestedBy.role,
          requestedRole: c.requestedRole,
          topic: c.topic,
          urgency: c.urgency,
          ageMs,
          ageDays: Math.floor(ageMs / DAY_MS),
        };
      }),
    responseLatency: { answered: latencies.length, medianMs: median(latencies), worstMs: latencies.at(-1) ?? null },
    unreviewedSideEffects: unreviewed,
    urgentItems: unreviewed.filter((s) => s.urgent),
    lastContact: lastContact
      ? { ...lastContact, daysAgo: Math.floor(Math.max(0, now - toMillis(lastContact.at)) / DAY_MS) }
      : null,
    caseReviews: { held: heldAt.length, lastHeldAt: heldAt[0] ?? null },
  };
}

/** The middle value; with an even count, the mean of the two middle values. */
export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function sideEffectItem(s: SideEffectFact, now: number): SideEffectItem {
  return {
    sideEffectId: s.sideEffectId,
    reportedAt: s.reportedAt,
    symptom: s.symptom,
    severity: s.severity,
    fibser: s.fibser,
    suspectedMedicationId: s.suspectedMedicationId,
    urgent: isUrgentSideEffect(s),
    resolved: s.resolved !== null,
    ageDays: Math.floor(Math.max(0, now - toMillis(s.reportedAt)) / DAY_MS),
  };
}
