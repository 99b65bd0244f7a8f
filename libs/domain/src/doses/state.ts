import type { CorrectionEvent } from '../corrections/events';
import { assertNever } from '../shared/assert-never';
import type { EventMeta } from '../shared/decider';
import { toMillis } from '../shared/time';
import type { DoseEvent } from './events';

export type DoseSlotStatus = 'taken' | 'taken-late' | 'missed';
export type DoseSlot = { readonly status: DoseSlotStatus; readonly eventId: string };

export type DoseStreamEvent = DoseEvent | CorrectionEvent;

/**
 * The writes to a month's slots, shared by every state folded from the same
 * start: a write appends, it never copies the month. Each state sees the
 * writes up to its own `seen`, so an older state still reads as it was
 * (states stay values), and folding a month of n events costs O(n), not
 * O(n²) (docs/performance.md, "Write path").
 */
interface SlotWrites {
  /** Per slot key, its writes oldest first: [write number, the slot, or null once freed]. */
  readonly byKey: Map<string, Array<readonly [number, DoseSlot | null]>>;
  /** Which key an event wrote (event ids are unique). */
  readonly byEvent: Map<string, string>;
  count: number;
}

/** One month of one patient's doses: at most a few hundred slots. Read it with `doseSlotOf`. */
export type DoseMonthState = { readonly writes: SlotWrites; readonly seen: number };

export const initialDoseMonthState = (): DoseMonthState => ({
  writes: { byKey: new Map(), byEvent: new Map(), count: 0 },
  seen: 0,
});

/** The slot recorded under a key in this state of the month, if any. */
export function doseSlotOf(state: DoseMonthState, key: string): DoseSlot | undefined {
  const writes = state.writes.byKey.get(key);
  if (!writes) return undefined;
  const seen = writes.findLast(([n]) => n <= state.seen);
  return seen?.[1] ?? undefined;
}

/** Instants with different offsets name the same slot. */
export function slotKey(medicationId: string, scheduledFor: string): string {
  return `${medicationId}@${toMillis(scheduledFor, 'scheduledFor')}`;
}

export function evolveDoseMonth(state: DoseMonthState, event: DoseStreamEvent, meta: EventMeta): DoseMonthState {
  switch (event.type) {
    case 'DoseTaken':
      return withSlot(state, slotKey(event.data.medicationId, event.data.scheduledFor), {
        status: 'taken',
        eventId: meta.eventId,
      });
    case 'DoseTakenLate':
      return withSlot(state, slotKey(event.data.medicationId, event.data.scheduledFor), {
        status: 'taken-late',
        eventId: meta.eventId,
      });
    case 'DoseMissed':
      return withSlot(state, slotKey(event.data.medicationId, event.data.scheduledFor), {
        status: 'missed',
        eventId: meta.eventId,
      });
    case 'EntryEnteredInError': {
      // A dose entered in error frees its slot so the right fact can be recorded.
      const key = state.writes.byEvent.get(event.data.eventId);
      if (key === undefined || doseSlotOf(state, key)?.eventId !== event.data.eventId) return state;
      return withSlot(state, key, null);
    }
    case 'EntryCorrected':
      return state;
    default:
      return assertNever(event);
  }
}

function withSlot(state: DoseMonthState, key: string, slot: DoseSlot | null): DoseMonthState {
  // Folding on from an older state (rare: a decision that was not kept) starts a copy of what it sees.
  const writes = state.seen === state.writes.count ? state.writes : copyUpTo(state);
  const n = ++writes.count;
  const ofKey = writes.byKey.get(key);
  if (ofKey) ofKey.push([n, slot]);
  else writes.byKey.set(key, [[n, slot]]);
  if (slot) writes.byEvent.set(slot.eventId, key);
  return { writes, seen: n };
}

function copyUpTo({ writes, seen }: DoseMonthState): SlotWrites {
  const byKey = new Map<string, Array<readonly [number, DoseSlot | null]>>();
  for (const [key, list] of writes.byKey) {
    const kept = list.filter(([n]) => n <= seen);
    if (kept.length > 0) byKey.set(key, kept);
  }
  return { byKey, byEvent: new Map(writes.byEvent), count: seen };
}
