import type { DomainEvent } from '@caretrail/domain';

/** An upcast event as the projection runner delivers it, in the global order. */
export interface ProjectedEvent {
  event: DomainEvent;
  meta: { eventId: string; streamName: string; position: number; recordedAt: string; occurredAt: string | null };
}

/**
 * One read model: pure functions over plain JSON documents (stored as jsonb, one row per key).
 * The runner (libs/projections' ProjectionHost) loads the rows `keysOf` names, folds `evolve` and
 * writes them back with its checkpoint.
 */
export interface ReadModel<Doc = unknown> {
  name: string;
  /** Bump when evolve or the doc shape changes (a rebuild into new tables follows). */
  version: number;
  /** The row keys an event touches (usually [patientId]). Empty = ignore. */
  keysOf(e: ProjectedEvent): string[];
  /** Pure: the row after the event; `doc` is undefined for a new row. Applying an event twice changes nothing. */
  evolve(doc: Doc | undefined, e: ProjectedEvent): Doc;
  /** The patient a row belongs to (for care-team scoped queries). */
  patientOf(doc: Doc): string;
  /**
   * Where the doc holds personal data (names, contact details, free text): dotted paths, `*` for
   * every key of an object or element of a list. The runner stores these sealed under the patient's
   * key and readers open them, so erasure leaves no plaintext in a table (docs/erasure.md).
   */
  personalFields?: readonly string[];
}
