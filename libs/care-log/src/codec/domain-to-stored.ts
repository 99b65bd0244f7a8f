import { currentSchemaVersion, type Actor, type DomainEvent } from '@caretrail/domain';
import type { NewEvent } from '@caretrail/event-store';

/** Seals an event's personal-data fields before it is stored (docs/erasure.md). */
export type SealPersonalData = (type: string, data: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** For writers that store personal data in the clear (encryption switched off, tests). */
export const storePlain: SealPersonalData = (_type, data) => Promise.resolve(data);

/** Who wrote events and why: the metadata every stored event carries. */
export interface EventProvenance {
  readonly actor: Actor;
  /** The command that decided the events; recorded as `extra.command`. */
  readonly commandType: string;
  readonly correlationId: string;
  /** The W3C trace context of the writing span, when the write is traced (docs/deployment.md, Traces). */
  readonly traceparent?: string;
  /** More to keep in `extra` (the client's address, the writing tool). */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** Ids for the events when the writer must know them in advance; the store makes them otherwise. */
  readonly newEventId?: () => string;
}

/**
 * The one translation from domain to stored events: the current schema
 * version, personal data sealed under the patient's key, and the metadata
 * (actor, correlation, when it happened) every reader relies on.
 */
export async function encodeDomainEvents(
  events: readonly DomainEvent[],
  provenance: EventProvenance,
  seal: SealPersonalData,
): Promise<NewEvent[]> {
  const { actor, commandType, correlationId, traceparent, extra, newEventId } = provenance;
  // Ids are drawn in event order before sealing runs concurrently, so a deterministic source stays deterministic.
  const ids = events.map(() => newEventId?.());
  return Promise.all(
    events.map(async (event, i): Promise<NewEvent> => {
      const data = event.data as Record<string, unknown>;
      const occurredAt = (data as { occurredAt?: unknown }).occurredAt;
      const eventId = ids[i];
      return {
        ...(eventId === undefined ? {} : { eventId }),
        type: event.type,
        schemaVersion: currentSchemaVersion(event.type),
        data: await seal(event.type, data),
        metadata: {
          actor: { userId: actor.userId, role: actor.role },
          correlationId,
          causationId: correlationId,
          ...(traceparent === undefined ? {} : { traceparent }),
          ...(typeof occurredAt === 'string' ? { occurredAt } : {}),
          extra: { command: commandType, ...extra },
        },
      };
    }),
  );
}
