import type { DomainEvent } from '@caretrail/domain';

/** An upcast event as the projection runner delivers it, in the global order. */
export interface ProjectedEvent {
  event: DomainEvent;
  meta: { eventId: string; streamName: string; position: number; recordedAt: string; occurredAt: string | null };
}

/**
 * One read model: functions over plain JSON documents (stored as jsonb rows). The runner
 * (libs/projections' BatchProjector) loads the rows `keysOf` names, folds `evolve` over a working
 * copy it owns for the length of a batch, and writes the rows back with its checkpoint
 * (docs/read-models.md, "Principles").
 */
export interface ReadModel<Doc = unknown> {
  name: string;
  /** Bump when evolve or the row layout changes (a rebuild into new tables follows). */
  version: number;
  /** The row keys an event touches (the patient's row: [patientId]). Empty = ignore. */
  keysOf(e: ProjectedEvent): string[];
  /**
   * The doc after the event; `doc` is undefined for a new row. It may change `doc` in place and
   * return it: the caller owns the working copy and never shares it. Applying an event twice
   * changes nothing. It must not throw after it has started to change `doc` unless the caller can
   * discard the copy (the projector re-derives a row from its stored text when an event fails).
   */
  evolve(doc: Doc | undefined, e: ProjectedEvent): Doc;
  /** The patient a row belongs to (for care-team scoped queries). */
  patientOf(doc: Doc): string;
  /**
   * Where the doc holds personal data (names, contact details, free text): dotted paths, `*` for
   * every key of an object or element of a list. The runner stores these sealed under the patient's
   * key and readers open them, so erasure leaves no plaintext in a table (docs/erasure.md).
   */
  personalFields?: readonly string[];
  /** Set when a patient's doc is stored as several rows (docs/read-models.md, "Row layout"). */
  rows?: RowLayout<Doc>;
}

/** A row beside the patient's row: its key and its stored jsonb. */
export interface DetailRow {
  key: string;
  row: unknown;
}

/**
 * How one patient's doc is stored as a small patient row (key = the patient id, the doc without its
 * details) plus detail rows that events touch one at a time (adherence: one per medication and month).
 * The runner loads only the detail rows the batch's events name, so the cost of an event does not grow
 * with the patient's history. Detail rows hold no personal data (they are not sealed).
 */
export interface RowLayout<Doc> {
  /** Keys of the detail rows `evolve(doc, e)` reads or changes, given the doc as it stands before `e`. */
  detailKeysOf(doc: Doc | undefined, e: ProjectedEvent): string[];
  /** Puts a stored detail row into the working doc (the runner calls it once per row it loads). */
  attach(doc: Doc, row: DetailRow): void;
  /** The patient row to store: the doc without its detail rows. Must not change `doc`. */
  head(doc: Doc): unknown;
  /** The detail rows the working doc holds now, among those attached or created since it was loaded. */
  details(doc: Doc): DetailRow[];
  /** A patient's whole doc from the patient row and all its detail rows (what the views take). */
  assemble(head: unknown, details: readonly DetailRow[]): Doc;
}
