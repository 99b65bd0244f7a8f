import { instruments, type EventType } from '@caretrail/domain';
import type { ProjectedEvent, ReadModel } from '../contract';
import { amend, changesField, correctionOf, correctsOneOf, type Correction } from '../shared/corrections';
import { DEFAULT_TIME_ZONE, isValidTimeZone } from '@caretrail/domain';
import { isInstant } from '../shared/instants';
import { isIntInRange } from '../shared/validation';
import type { RegistryDoc, ScoreFact } from './registry-doc';

const TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'PatientEnrolled',
  'CarePlanStarted',
  'CarePlanClosed',
  'OutcomeMeasured',
]);

export function emptyRegistryDoc(patientId: string): RegistryDoc {
  return { patientId, timeZone: DEFAULT_TIME_ZONE, enrolmentEventId: null, episodes: [], scores: [] };
}

export function evolveRegistry(current: RegistryDoc | undefined, { event, meta }: ProjectedEvent): RegistryDoc {
  const doc = current ?? emptyRegistryDoc(event.data.patientId);
  switch (event.type) {
    case 'PatientEnrolled':
      return {
        ...doc,
        timeZone: event.data.timeZone,
        enrolmentEventId: meta.eventId,
      };
    case 'CarePlanStarted':
      if (doc.episodes.some((e) => e.startEventId === meta.eventId)) return doc;
      return {
        ...doc,
        episodes: [
          ...doc.episodes,
          {
            carePlanId: event.data.carePlanId,
            startEventId: meta.eventId,
            startedAt: event.data.occurredAt,
            closeEventId: null,
            closedAt: null,
            voided: false,
          },
        ],
      };
    case 'CarePlanClosed':
      return {
        ...doc,
        episodes: doc.episodes.map((e) =>
          e.carePlanId === event.data.carePlanId && !e.voided
            ? { ...e, closeEventId: meta.eventId, closedAt: event.data.occurredAt }
            : e,
        ),
      };
    case 'OutcomeMeasured': {
      if (doc.scores.some((s) => s.eventId === meta.eventId)) return doc;
      const { instrument, items, total, occurredAt } = event.data;
      const score: ScoreFact = {
        eventId: meta.eventId,
        position: meta.position,
        instrument,
        occurredAt,
        items: [...(items ?? [])],
        total,
        voided: false,
      };
      return { ...doc, scores: [...doc.scores, score] };
    }
    case 'EntryCorrected':
    case 'EntryEnteredInError': {
      const correction = correctionOf(event);
      return correction ? corrected(doc, correction) : doc;
    }
    default:
      return doc;
  }
}

function corrected(doc: RegistryDoc, correction: Correction): RegistryDoc {
  const { targetId } = correction;
  switch (correction.targetType) {
    case 'PatientEnrolled': {
      if (correction.kind !== 'amend' || targetId !== doc.enrolmentEventId) return doc;
      return {
        ...doc,
        timeZone: amend({ timeZone: doc.timeZone }, correction.changes, (c) => isValidTimeZone(c.timeZone)).timeZone,
      };
    }
    case 'CarePlanStarted':
      return {
        ...doc,
        episodes: doc.episodes.map((e) => {
          if (e.startEventId !== targetId) return e;
          if (correction.kind === 'void') return { ...e, voided: true };
          return {
            ...e,
            startedAt: amend({ occurredAt: e.startedAt }, correction.changes, (c) => isInstant(c.occurredAt))
              .occurredAt,
          };
        }),
      };
    case 'CarePlanClosed':
      return {
        ...doc,
        episodes: doc.episodes.map((e) => {
          if (e.closeEventId !== targetId || e.closedAt === null) return e;
          if (correction.kind === 'void') return { ...e, closeEventId: null, closedAt: null };
          return {
            ...e,
            closedAt: amend({ occurredAt: e.closedAt }, correction.changes, (c) => isInstant(c.occurredAt)).occurredAt,
          };
        }),
      };
    case 'OutcomeMeasured':
      return { ...doc, scores: doc.scores.map((s) => (s.eventId === targetId ? correctScore(s, correction) : s)) };
    default:
      return doc;
  }
}

/**
 * A corrected outcome uses the corrected values. The write side keeps total = sum of items; an
 * amendment of the items alone therefore also amends the total, while an explicit total wins.
 */
function correctScore(score: ScoreFact, correction: Correction): ScoreFact {
  if (correction.kind === 'void') return { ...score, voided: true };
  const { itemCount, itemMax, totalMax } = instruments[score.instrument];
  const fact = amend(
    { occurredAt: score.occurredAt, items: score.items, total: score.total },
    correction.changes,
    (c) =>
      isInstant(c.occurredAt) &&
      isIntInRange(c.total, 0, totalMax) &&
      Array.isArray(c.items) &&
      c.items.length === itemCount &&
      c.items.every((i) => isIntInRange(i, 0, itemMax)),
  );
  const total =
    changesField(correction.changes, 'items') && !changesField(correction.changes, 'total')
      ? fact.items.reduce((a, b) => a + b, 0)
      : fact.total;
  return { ...score, occurredAt: fact.occurredAt, items: fact.items, total };
}

function keysOf({ event }: ProjectedEvent): string[] {
  return TYPES.has(event.type) || correctsOneOf(event, TYPES) ? [event.data.patientId] : [];
}

export const registryModel: ReadModel<RegistryDoc> = {
  name: 'registry',
  version: 1,
  keysOf,
  evolve: evolveRegistry,
  patientOf: (doc) => doc.patientId,
};
