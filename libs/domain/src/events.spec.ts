import { eventSchemas, eventTypes, isEventType, streamFor } from './events';
import { streamCategory } from './shared/streams';
import { sampleEvents } from './testing/sample-events';

describe('the event registry', () => {
  it('lists every event type with a positive integer schema version', () => {
    expect(eventTypes).toHaveLength(36);
    for (const type of eventTypes)
      expect(Number.isInteger(eventSchemas[type].version) && eventSchemas[type].version >= 1).toBe(true);
  });

  it('uses past-tense type strings that are their own registry keys', () => {
    for (const type of eventTypes) {
      expect(sampleEvents[type].type).toBe(type);
      expect(type).toMatch(/(ed|Held|Taken|Shared|Set|Error|Late)$/);
    }
  });

  it.each(eventTypes)('%s is written to the stream family the registry names', (type) => {
    const event = sampleEvents[type];
    const stream = streamFor(event);
    const expected = eventSchemas[type].stream;
    if (expected === 'target-stream') expect(stream).toBe((event.data as { stream: string }).stream);
    else expect(streamCategory(stream)).toBe(expected);
  });

  it('knows its own type strings and no others', () => {
    expect(isEventType('DoseMissed')).toBe(true);
    expect(isEventType('DoseMissedV2')).toBe(false);
    expect(isEventType('toString')).toBe(false);
  });

  it('partitions doses by the UTC month of the scheduled dose, not of when it was reported', () => {
    const late = sampleEvents.DoseTakenLate;
    const reportedNextMonth = {
      ...late,
      data: { ...late.data, scheduledFor: '2026-01-31T21:00:00Z', occurredAt: '2026-02-03T08:00:00Z' },
    };
    const offsetCrossesMonth = { ...late, data: { ...late.data, scheduledFor: '2026-01-31T23:30:00-02:00' } };
    expect(streamFor(reportedNextMonth)).toBe('doses-p-1-2026-01');
    expect(streamFor(offsetCrossesMonth)).toBe('doses-p-1-2026-02');
  });
});
