import { isEventType, upcast, type DomainEvent } from '@caretrail/domain';
import type { StoredEvent } from '@caretrail/event-store';

/**
 * A stored event in the domain's current shape (upcast), with where and when
 * the store put it. It is what deciders fold (they read `eventId` and
 * `streamName`) and what read models evolve over.
 */
export interface DecodedEvent {
  readonly event: DomainEvent;
  readonly meta: {
    readonly eventId: string;
    readonly streamName: string;
    readonly position: number;
    readonly recordedAt: string;
    readonly occurredAt: string | null;
  };
}

/** Whether a stored event is one of the domain's; administrative ones (PatientDataErased) are not. */
export function isDomainEvent(stored: Pick<StoredEvent, 'type'>): boolean {
  return isEventType(stored.type);
}

/**
 * The one translation from stored to domain events. Personal data must have
 * been opened first (`decryptEvents`): the domain never sees ciphertext.
 * Throws UpcastError for a type or version this code cannot read.
 */
export function decodeStoredEvent(stored: StoredEvent): DecodedEvent {
  return {
    event: upcast(stored.type, stored.schemaVersion, stored.data),
    meta: {
      eventId: stored.eventId,
      streamName: stored.streamId,
      position: stored.position,
      recordedAt: stored.recordedAt,
      occurredAt: stored.occurredAt,
    },
  };
}

/** The domain's events among `stored`, decoded, in the same order; administrative events are left out. */
export function decodeDomainEvents(stored: readonly StoredEvent[]): DecodedEvent[] {
  return stored.filter(isDomainEvent).map(decodeStoredEvent);
}
