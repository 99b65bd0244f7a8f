import type { EventMeta } from '../shared/decider';
import type { CarePlanState } from '../care-plan/state';
import type { DomainEvent } from '../events';

export type EntryStatus = 'recorded' | 'entered-in-error';
export type Entry = {
  readonly streamName: string;
  readonly type: DomainEvent['type'];
  readonly patientId: string;
  readonly status: EntryStatus;
};

/**
 * The ids of the entries a correction may point at. Bounded because it only indexes the
 * streams the correction loads: the care-plan stream and the (small) stream of the target.
 */
export type EntryIndex = Readonly<Record<string, Entry>>;

export type CorrectionDecisionState = { readonly plan: CarePlanState; readonly entries: EntryIndex };

export function indexEntry(entries: EntryIndex, event: DomainEvent, meta: EventMeta): EntryIndex {
  const indexed: EntryIndex = {
    ...entries,
    [meta.eventId]: {
      streamName: meta.streamName,
      type: event.type,
      patientId: event.data.patientId,
      status: 'recorded',
    },
  };
  if (event.type !== 'EntryEnteredInError') return indexed;
  const target = indexed[event.data.eventId];
  return target ? { ...indexed, [event.data.eventId]: { ...target, status: 'entered-in-error' } } : indexed;
}
