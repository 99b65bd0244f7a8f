import type { EventMeta } from '../shared/decider';
import type { DoseStreamEvent } from './state';
import { doseSlotOf, evolveDoseMonth, initialDoseMonthState, slotKey } from './state';

const meta = (eventId: string): EventMeta => ({ eventId, streamName: 'doses-p-1-2026-03' });
const taken = (day: number): DoseStreamEvent =>
  ({
    type: 'DoseTaken',
    data: {
      patientId: 'p-1',
      medicationId: 'm-1',
      scheduledFor: `2026-03-${String(day).padStart(2, '0')}T08:00:00.000Z`,
      occurredAt: `2026-03-${String(day).padStart(2, '0')}T08:05:00.000Z`,
      recordedBy: { userId: 'p-1', role: 'patient' },
    },
  }) as DoseStreamEvent;
const key = (day: number): string => slotKey('m-1', `2026-03-${String(day).padStart(2, '0')}T08:00:00.000Z`);
const enteredInError = (eventId: string): DoseStreamEvent =>
  ({ type: 'EntryEnteredInError', data: { patientId: 'p-1', eventId, reason: 'wrong-patient' } }) as DoseStreamEvent;

describe('the dose month state', () => {
  it('folds a month without copying it, and every earlier state still reads as it was', () => {
    const states = [initialDoseMonthState()];
    for (let day = 1; day <= 28; day++) states.push(evolveDoseMonth(states.at(-1)!, taken(day), meta(`e-${day}`)));
    const last = states.at(-1)!;
    expect(doseSlotOf(last, key(28))).toEqual({ status: 'taken', eventId: 'e-28' });
    // All share one set of writes: no state copied the month.
    expect(new Set(states.slice(1).map((s) => s.writes)).size).toBe(1);
    expect(doseSlotOf(states[10]!, key(10))).toEqual({ status: 'taken', eventId: 'e-10' });
    expect(doseSlotOf(states[10]!, key(11))).toBeUndefined();
  });

  it('frees a slot entered in error, and folding on from an older state leaves the newer one unchanged', () => {
    const one = evolveDoseMonth(initialDoseMonthState(), taken(1), meta('e-1'));
    const two = evolveDoseMonth(one, taken(2), meta('e-2'));
    const voided = evolveDoseMonth(two, enteredInError('e-1'), meta('e-3'));
    expect(doseSlotOf(voided, key(1))).toBeUndefined();
    expect(doseSlotOf(two, key(1))).toEqual({ status: 'taken', eventId: 'e-1' });
    // A branch from `one`: it must not see `two`'s dose, nor change what `two` and `voided` read.
    const branch = evolveDoseMonth(one, taken(3), meta('e-4'));
    expect(doseSlotOf(branch, key(2))).toBeUndefined();
    expect(doseSlotOf(branch, key(3))).toEqual({ status: 'taken', eventId: 'e-4' });
    expect(doseSlotOf(two, key(3))).toBeUndefined();
    expect(doseSlotOf(voided, key(2))).toEqual({ status: 'taken', eventId: 'e-2' });
    // Entered in error of an event the state does not hold changes nothing.
    expect(evolveDoseMonth(one, enteredInError('e-2'), meta('e-5'))).toBe(one);
  });
});
