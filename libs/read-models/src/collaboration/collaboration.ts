import { isUrgent, type Actor, type CareTeamRole, type EventType } from '@caretrail/domain';
import type { ProjectedEvent, ReadModel } from '../contract';
import { amend, correctionOf, correctsOneOf, type Correction } from '../shared/corrections';
import { isInstant, toMillis } from '../shared/local-time';
import { isIntInRange, isObject } from '../shared/validation';
import type { CollaborationDoc, ConsultationFact, ContactFact, ContactKind, SideEffectFact } from './collaboration-doc';

/** Enough to fall back on when the newest contacts are entered in error; "last contact" needs only the first. */
export const CONTACTS_KEPT = 20;

const TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'ConsultationRequested',
  'ConsultationAnswered',
  'CollaborationNoteShared',
  'CaseReviewHeld',
  'SideEffectReported',
  'SideEffectReviewed',
  'SideEffectResolved',
]);
const SEVERITIES: readonly unknown[] = ['mild', 'moderate', 'severe'];

export function emptyCollaborationDoc(patientId: string): CollaborationDoc {
  return { patientId, consultations: {}, sideEffects: {}, contacts: [], caseReviews: [] };
}

/** DOMAIN.md: the collaboration read model follows the exchanges between the therapist and the prescriber. */
function betweenTherapistAndPrescriber(a: CareTeamRole | Actor['role'], b: CareTeamRole | Actor['role']): boolean {
  return (a === 'therapist' && b === 'prescriber') || (a === 'prescriber' && b === 'therapist');
}

function withContact(doc: CollaborationDoc, eventId: string, at: string, kind: ContactKind): CollaborationDoc {
  if (doc.contacts.some((c) => c.eventId === eventId)) return doc;
  const contacts = [...doc.contacts, { eventId, at, kind }].sort(byNewest).slice(0, CONTACTS_KEPT);
  return { ...doc, contacts };
}

function byNewest(a: ContactFact, b: ContactFact): number {
  return toMillis(b.at) - toMillis(a.at) || b.eventId.localeCompare(a.eventId);
}

export function evolveCollaboration(
  current: CollaborationDoc | undefined,
  { event, meta }: ProjectedEvent,
): CollaborationDoc {
  const doc = current ?? emptyCollaborationDoc(event.data.patientId);
  const { eventId } = meta;
  switch (event.type) {
    case 'ConsultationRequested': {
      const { consultationId, requestedBy, requestedRole, topic, urgency, occurredAt } = event.data;
      if (doc.consultations[consultationId]) return doc;
      const consultation: ConsultationFact = {
        consultationId,
        requestedEventId: eventId,
        requestedAt: occurredAt,
        requestedBy,
        requestedRole,
        topic,
        urgency,
        answer: null,
        voided: false,
      };
      const next = { ...doc, consultations: { ...doc.consultations, [consultationId]: consultation } };
      return betweenTherapistAndPrescriber(requestedBy.role, requestedRole)
        ? withContact(next, eventId, occurredAt, 'consultation-requested')
        : next;
    }
    case 'ConsultationAnswered': {
      const { consultationId, answeredBy, occurredAt } = event.data;
      const existing = doc.consultations[consultationId];
      if (!existing) return doc;
      const consultation = { ...existing, answer: { eventId, answeredAt: occurredAt, answeredBy } };
      const next = { ...doc, consultations: { ...doc.consultations, [consultationId]: consultation } };
      return betweenTherapistAndPrescriber(existing.requestedBy.role, answeredBy.role)
        ? withContact(next, eventId, occurredAt, 'consultation-answered')
        : next;
    }
    case 'CollaborationNoteShared': {
      const { author, audience, occurredAt } = event.data;
      const reaches = (audience ?? []).some((role) => betweenTherapistAndPrescriber(author.role, role));
      return reaches ? withContact(doc, eventId, occurredAt, 'collaboration-note') : doc;
    }
    case 'CaseReviewHeld': {
      const { attendees, occurredAt } = event.data;
      const next = doc.caseReviews.some((r) => r.eventId === eventId)
        ? doc
        : { ...doc, caseReviews: [...doc.caseReviews, { eventId, heldAt: occurredAt }] };
      const roles = new Set(attendees.map((a) => a.role));
      return roles.has('therapist') && roles.has('prescriber')
        ? withContact(next, eventId, occurredAt, 'case-review')
        : next;
    }
    case 'SideEffectReported': {
      const { sideEffectId, symptom, severity, fibser, suspectedMedicationId, occurredAt } = event.data;
      if (doc.sideEffects[sideEffectId]) return doc;
      const sideEffect: SideEffectFact = {
        sideEffectId,
        reportedEventId: eventId,
        reportedAt: occurredAt,
        symptom,
        severity,
        fibser,
        suspectedMedicationId,
        reviews: [],
        resolved: null,
        voided: false,
      };
      return { ...doc, sideEffects: { ...doc.sideEffects, [sideEffectId]: sideEffect } };
    }
    case 'SideEffectReviewed':
      return withSideEffect(doc, event.data.sideEffectId, (s) =>
        s.reviews.some((r) => r.eventId === eventId)
          ? s
          : {
              ...s,
              reviews: [...s.reviews, { eventId, reviewedAt: event.data.occurredAt, action: event.data.action }],
            },
      );
    case 'SideEffectResolved':
      return withSideEffect(doc, event.data.sideEffectId, (s) => ({
        ...s,
        resolved: { eventId, resolvedAt: event.data.occurredAt },
      }));
    case 'EntryCorrected':
    case 'EntryEnteredInError': {
      const correction = correctionOf(event);
      return correction ? corrected(doc, correction) : doc;
    }
    default:
      return doc;
  }
}

function withSideEffect(
  doc: CollaborationDoc,
  sideEffectId: string,
  update: (s: SideEffectFact) => SideEffectFact,
): CollaborationDoc {
  const existing = doc.sideEffects[sideEffectId];
  return existing ? { ...doc, sideEffects: { ...doc.sideEffects, [sideEffectId]: update(existing) } } : doc;
}

function corrected(doc: CollaborationDoc, correction: Correction): CollaborationDoc {
  const { targetId } = correction;
  const next = correctContact(doc, correction);
  switch (correction.targetType) {
    case 'ConsultationRequested':
    case 'ConsultationAnswered': {
      const consultation = Object.values(next.consultations).find(
        (c) => c.requestedEventId === targetId || c.answer?.eventId === targetId,
      );
      if (!consultation) return next;
      let updated: ConsultationFact = consultation;
      if (consultation.requestedEventId === targetId) {
        if (correction.kind === 'void') updated = { ...consultation, voided: true };
        else {
          const fact = amend(
            { occurredAt: consultation.requestedAt, urgency: consultation.urgency },
            correction.changes,
            (c) => isInstant(c.occurredAt) && (c.urgency === 'routine' || c.urgency === 'urgent'),
          );
          updated = { ...consultation, requestedAt: fact.occurredAt, urgency: fact.urgency };
        }
      } else if (consultation.answer) {
        if (correction.kind === 'void') updated = { ...consultation, answer: null };
        else {
          const { occurredAt } = amend({ occurredAt: consultation.answer.answeredAt }, correction.changes, (c) =>
            isInstant(c.occurredAt),
          );
          updated = { ...consultation, answer: { ...consultation.answer, answeredAt: occurredAt } };
        }
      }
      return { ...next, consultations: { ...next.consultations, [consultation.consultationId]: updated } };
    }
    case 'CaseReviewHeld':
      if (correction.kind === 'void')
        return { ...next, caseReviews: next.caseReviews.filter((r) => r.eventId !== targetId) };
      return {
        ...next,
        caseReviews: next.caseReviews.map((r) =>
          r.eventId === targetId
            ? {
                ...r,
                heldAt: amend({ occurredAt: r.heldAt }, correction.changes, (c) => isInstant(c.occurredAt)).occurredAt,
              }
            : r,
        ),
      };
    case 'SideEffectReported':
    case 'SideEffectReviewed':
    case 'SideEffectResolved':
      return correctSideEffect(next, correction);
    default:
      return next;
  }
}

/** A contact entered in error is no contact; a corrected time moves it. */
function correctContact(doc: CollaborationDoc, correction: Correction): CollaborationDoc {
  const contact = doc.contacts.find((c) => c.eventId === correction.targetId);
  if (!contact) return doc;
  if (correction.kind === 'void') return { ...doc, contacts: doc.contacts.filter((c) => c !== contact) };
  const { occurredAt } = amend({ occurredAt: contact.at }, correction.changes, (c) => isInstant(c.occurredAt));
  return { ...doc, contacts: doc.contacts.map((c) => (c === contact ? { ...c, at: occurredAt } : c)).sort(byNewest) };
}

function correctSideEffect(doc: CollaborationDoc, correction: Correction): CollaborationDoc {
  const { targetId } = correction;
  const sideEffect = Object.values(doc.sideEffects).find(
    (s) =>
      s.reportedEventId === targetId ||
      s.resolved?.eventId === targetId ||
      s.reviews.some((r) => r.eventId === targetId),
  );
  if (!sideEffect) return doc;
  let updated: SideEffectFact;
  if (sideEffect.reportedEventId === targetId) {
    if (correction.kind === 'void') updated = { ...sideEffect, voided: true };
    else {
      // Severity and FIBSER drive the urgent flag, which the view recomputes from the corrected values.
      const fact = amend(
        {
          severity: sideEffect.severity,
          fibser: sideEffect.fibser,
          occurredAt: sideEffect.reportedAt,
          symptom: sideEffect.symptom,
        },
        correction.changes,
        (c) => SEVERITIES.includes(c.severity) && isInstant(c.occurredAt) && (c.fibser === null || isFibser(c.fibser)),
      );
      updated = {
        ...sideEffect,
        severity: fact.severity,
        fibser: fact.fibser,
        reportedAt: fact.occurredAt,
        symptom: fact.symptom,
      };
    }
  } else if (sideEffect.resolved?.eventId === targetId) {
    updated = correction.kind === 'void' ? { ...sideEffect, resolved: null } : sideEffect;
  } else {
    updated =
      correction.kind === 'void'
        ? { ...sideEffect, reviews: sideEffect.reviews.filter((r) => r.eventId !== targetId) }
        : sideEffect;
  }
  return { ...doc, sideEffects: { ...doc.sideEffects, [sideEffect.sideEffectId]: updated } };
}

function isFibser(value: unknown): boolean {
  return isObject(value) && ['frequency', 'intensity', 'burden'].every((k) => isIntInRange(value[k], 0, 6));
}

/** DOMAIN.md: a severe side effect, or FIBSER burden >= 5, opens an urgent item for the prescriber. */
export function isUrgentSideEffect(s: SideEffectFact): boolean {
  return isUrgent(s.severity, s.fibser);
}

function keysOf({ event }: ProjectedEvent): string[] {
  return TYPES.has(event.type) || correctsOneOf(event, TYPES) ? [event.data.patientId] : [];
}

export const collaborationModel: ReadModel<CollaborationDoc> = {
  name: 'collaboration',
  // 2: personal fields are stored sealed (docs/erasure.md); stored rows rebuild at start-up.
  version: 2,
  keysOf,
  evolve: evolveCollaboration,
  patientOf: (doc) => doc.patientId,
  personalFields: ['consultations.*.topic', 'sideEffects.*.symptom'],
};
