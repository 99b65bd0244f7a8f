import type { CorrectionEvent } from '../corrections/events';
import { assertNever } from '../shared/assert-never';
import type { EventMeta } from '../shared/decider';
import { toMillis } from '../shared/time';
import type { DoseEvent } from './events';

export type DoseSlotStatus = 'taken' | 'taken-late' | 'missed';
export type DoseSlot = { readonly status: DoseSlotStatus; readonly eventId: string };

/** One month of one patient's doses: at most a few hundred slots. */
export type DoseMonthState = { readonly slots: Readonly<Record<string, DoseSlot>> };

export type DoseStreamEvent = DoseEvent | CorrectionEvent;

export const initialDoseMonthState = (): DoseMonthState => ({ slots: {} });

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
      const entry = Object.entries(state.slots).find(([, slot]) => slot.eventId === event.data.eventId);
      if (!entry) return state;
      const { [entry[0]]: _voided, ...slots } = state.slots;
      return { slots };
    }
    case 'EntryCorrected':
      return state;
    default:
      return assertNever(event);
  }
}

function withSlot(state: DoseMonthState, key: string, slot: DoseSlot): DoseMonthState {
  return { slots: { ...state.slots, [key]: slot } };
}
