import { currentSchemaVersion, type DomainEvent } from '@caretrail/domain';
import type { StoredEvent } from '@caretrail/event-store';
import { PATIENT_DATA_ERASED } from '../personal-data/erasure-event';
import { encodeDomainEvents, storePlain } from './domain-to-stored';
import { decodeDomainEvents, decodeStoredEvent } from './stored-to-domain';

function stored(type: string, schemaVersion: number, data: Record<string, unknown>, position = 1): StoredEvent {
  return {
    eventId: `e-${position}`,
    type,
    schemaVersion,
    streamId: 'sideeffect-p-1-s-1',
    streamVersion: position,
    position,
    transactionId: '7',
    recordedAt: '2026-03-01T08:00:00.000Z',
    occurredAt: '2026-03-01T07:00:00.000Z',
    data,
    metadata: {},
  };
}

const reportedV1 = {
  patientId: 'p-1',
  sideEffectId: 's-1',
  medicationId: 'm-1',
  symptom: 'nausea',
  severity: 'severe',
  reportedBy: { userId: 'p-1', role: 'patient' },
  occurredAt: '2026-03-01T07:00:00.000Z',
};

describe('stored to domain', () => {
  it('upcasts to the current shape and keeps where and when the store put the event', () => {
    expect(decodeStoredEvent(stored('SideEffectReported', 1, reportedV1))).toEqual({
      event: { type: 'SideEffectReported', data: { ...reportedV1, fibser: null, urgent: true } },
      meta: {
        eventId: 'e-1',
        streamName: 'sideeffect-p-1-s-1',
        position: 1,
        recordedAt: '2026-03-01T08:00:00.000Z',
        occurredAt: '2026-03-01T07:00:00.000Z',
      },
    });
  });

  it('leaves administrative events out of what the domain folds', () => {
    const decoded = decodeDomainEvents([
      stored('SideEffectReported', 1, reportedV1, 1),
      stored(PATIENT_DATA_ERASED, 1, { patientId: 'p-1' }, 2),
    ]);
    expect(decoded.map((e) => e.meta.eventId)).toEqual(['e-1']);
  });
});

describe('domain to stored', () => {
  const taken = (scheduledFor: string): DomainEvent =>
    ({
      type: 'DoseTaken',
      data: { patientId: 'p-1', medicationId: 'm-1', scheduledFor, occurredAt: '2026-03-01T08:05:00.000Z' },
    }) as DomainEvent;

  it('writes the current schema version, the provenance and the ids in event order', async () => {
    const ids = ['id-1', 'id-2'];
    const events = await encodeDomainEvents(
      [taken('2026-03-01T08:00:00.000Z'), taken('2026-03-01T20:00:00.000Z')],
      {
        actor: { userId: 'p-1', role: 'patient' },
        commandType: 'RecordDoseTaken',
        correlationId: 'c-1',
        extra: { source: 'seed' },
        newEventId: () => ids.shift()!,
      },
      storePlain,
    );
    expect(events.map((e) => e.eventId)).toEqual(['id-1', 'id-2']);
    expect(events[0]).toEqual({
      eventId: 'id-1',
      type: 'DoseTaken',
      schemaVersion: currentSchemaVersion('DoseTaken'),
      data: taken('2026-03-01T08:00:00.000Z').data,
      metadata: {
        actor: { userId: 'p-1', role: 'patient' },
        correlationId: 'c-1',
        causationId: 'c-1',
        occurredAt: '2026-03-01T08:05:00.000Z',
        extra: { command: 'RecordDoseTaken', source: 'seed' },
      },
    });
  });

  it('round-trips through the store’s shape', async () => {
    const [event] = await encodeDomainEvents(
      [taken('2026-03-01T08:00:00.000Z')],
      { actor: { userId: 'p-1', role: 'patient' }, commandType: 'RecordDoseTaken', correlationId: 'c' },
      storePlain,
    );
    expect(event!.eventId).toBeUndefined();
    const back = decodeStoredEvent({ ...stored(event!.type, event!.schemaVersion!, event!.data), streamId: 'doses' });
    expect(back.event).toEqual(taken('2026-03-01T08:00:00.000Z'));
  });
});
