import { personalDataFields, streamFor, type DomainEvent, type EventType } from '@caretrail/domain';
import { sampleEvents } from '@caretrail/domain/testing';
import { sealReadModelRow } from '@caretrail/care-log';
import { readModels, type ProjectedEvent } from '@caretrail/read-models';
import { generateDataKey } from '@caretrail/security';

const MARK = 'Zyx-personal';

/** Every string of a personal field's value replaced by the marker (codes of listed conditions stay codes). */
function marked(value: unknown): unknown {
  if (typeof value === 'string') return MARK;
  if (Array.isArray(value)) return value.map(marked);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'code' ? v : marked(v)]));
  return value;
}

function withMarkedPersonalFields(event: DomainEvent): DomainEvent {
  const data = structuredClone(event.data) as Record<string, unknown>;
  for (const path of personalDataFields[event.type]) {
    const keys = path.split('.');
    const last = keys.pop()!;
    let node: Record<string, unknown> | undefined = data;
    for (const key of keys) node = node?.[key] as Record<string, unknown> | undefined;
    if (node && node[last] !== null && node[last] !== undefined) node[last] = marked(node[last]);
  }
  return { ...event, data } as DomainEvent;
}

/** A correction that writes the marker into a personal field of an earlier event. */
function correctionOf(target: EventType, field: string): DomainEvent {
  const event = sampleEvents[target];
  return {
    type: 'EntryCorrected',
    data: {
      patientId: event.data.patientId,
      stream: streamFor(event),
      eventId: `evt-${target}`,
      eventType: target,
      changes: [{ field, value: MARK }],
      reason: 'typo',
      correctedBy: { userId: 'u-therapist', role: 'therapist' },
      occurredAt: '2026-03-03T08:00:00Z',
    },
  } as DomainEvent;
}

const events: DomainEvent[] = [
  ...(Object.keys(sampleEvents) as EventType[])
    .filter((type) => type !== 'EntryCorrected' && type !== 'EntryEnteredInError')
    .map((type) => withMarkedPersonalFields(sampleEvents[type])),
  correctionOf('TreatmentGoalSet', 'description'),
  correctionOf('MedicationPrescribed', 'instructions'),
  correctionOf('SideEffectReported', 'symptom'),
];

const projected: ProjectedEvent[] = events.map((event, i) => ({
  event,
  meta: {
    eventId: i < events.length - 3 ? `evt-${event.type}` : `evt-correction-${i}`,
    streamName: streamFor(event),
    position: i + 1,
    recordedAt: '2026-03-03T09:00:00Z',
    occurredAt: 'occurredAt' in event.data ? String(event.data.occurredAt) : null,
  },
}));

/** Paths inside `value` of the strings holding the marker. */
function markedPaths(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return value.includes(MARK) ? [path] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => markedPaths(v, path ? `${path}.${k}` : k));
}

/**
 * A read model's `personalFields` must cover every place its rows keep
 * personal data: otherwise the projections would store it in plaintext
 * (docs/erasure.md, "Read models"). Each model folds one event of every type
 * with every personal field (and corrections to them) set to a marker; once
 * sealed, the row holds the marker nowhere.
 */
describe('personal fields of the read models', () => {
  it.each(readModels.map((model) => [model.name, model] as const))('%s seals all it keeps', (_name, model) => {
    let doc: unknown;
    for (const e of projected) if (model.keysOf(e).length > 0) doc = model.evolve(doc, e);
    const sealed = sealReadModelRow(doc, model.personalFields ?? [], generateDataKey(), {
      readModel: model.name,
      patientId: model.patientOf(doc),
    });
    expect(markedPaths(sealed)).toEqual([]);
  });

  it('checks rows that do keep personal data', () => {
    const kept = readModels.filter((model) => {
      let doc: unknown;
      for (const e of projected) if (model.keysOf(e).length > 0) doc = model.evolve(doc, e);
      return markedPaths(doc).length > 0;
    });
    expect(kept.map((model) => model.name)).toEqual(['current-plan', 'collaboration']);
  });
});
