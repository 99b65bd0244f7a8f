import { instruments, streams, type Actor, type Instrument } from '@caretrail/domain';
import { MINUTE } from '../clock';
import type { PatientRecord } from './patient-record';

export function planOutcomes(p: PatientRecord, day: number, at: number, by: Actor): void {
  planOutcome(p, day, at, 'PHQ-9', by);
  if (p.rng.chance(0.85)) planOutcome(p, day, at + 4 * MINUTE, 'GAD-7', by);
}

export function planOutcome(p: PatientRecord, day: number, at: number, instrument: Instrument, by: Actor): void {
  const pid = p.patientId;
  const definition = instruments[instrument];
  const weeks = (day - p.planStartDay) / 7;
  const baseline = instrument === 'PHQ-9' ? p.phqBaseline : p.gadBaseline;
  const expected = baseline * (1 - p.improvement * (1 - Math.exp(-weeks / p.tau)));
  const total = Math.max(0, Math.min(definition.totalMax, Math.round(expected + p.rng.normal() * 1.5)));
  const items = itemsFor(p, total, definition.itemCount, definition.itemMax);
  const mistake = p.rng.chance(0.02);
  p.at(at, async () => {
    if (!mistake) {
      await p.issue({ type: 'RecordOutcome', data: { patientId: pid, instrument, items, total } }, by, at);
      return;
    }
    // Entered with the answers shifted; the therapist voids it and records the right one.
    const wrong = [...items.slice(1), items[0]!];
    const eventId = (
      await p.issue({ type: 'RecordOutcome', data: { patientId: pid, instrument, items: wrong, total } }, by, at)
    )?.[0]?.meta.eventId;
    if (!eventId) return;
    const stream = streams.outcomes(pid, new Date(at).toISOString());
    await p.issue(
      {
        type: 'MarkEnteredInError',
        data: { patientId: pid, stream, eventId, reason: 'Answers entered in the wrong order.' },
      },
      p.therapist,
      at + 20 * MINUTE,
    );
    await p.issue(
      {
        type: 'RecordOutcome',
        data: { patientId: pid, instrument, items, total, occurredAt: new Date(at).toISOString() },
      },
      p.therapist,
      at + 21 * MINUTE,
    );
  });
}

/** Item answers (0..itemMax each) that add up to the total. */
export function itemsFor(p: PatientRecord, total: number, count: number, max: number): number[] {
  const items = new Array<number>(count).fill(0);
  for (let left = total; left > 0; left--) {
    let i = p.rng.int(0, count - 1);
    while (items[i]! >= max) i = (i + 1) % count;
    items[i]!++;
  }
  return items;
}
