import type { DomainEvent } from '@caretrail/domain';

/** An event as a read model sees it: upcast to its current shape, with what the store knows. */
export interface ProjectedEvent {
  event: DomainEvent;
  meta: { eventId: string; streamName: string; position: number; recordedAt: string; occurredAt: string | null };
}

/**
 * A read model: a pure function from (row, event) to row. The projection
 * host stores rows as JSON documents keyed by `keysOf`, in batches.
 */
export interface ProjectionDefinition<Doc = unknown> {
  name: string;
  /** Bumped when evolve or the row shape changes: the host then rebuilds into new tables. */
  version: number;
  /** The rows an event touches; empty when it does not concern this model. */
  keysOf(e: ProjectedEvent): string[];
  evolve(doc: Doc | undefined, e: ProjectedEvent): Doc;
  /** The patient a row belongs to (queries are scoped to care teams). */
  patientOf(doc: Doc): string;
}

/** What to do with an event whose evolve throws. */
export type PoisonPolicy = 'stop' | 'park';

export type ProjectionState =
  'starting' | 'running' | 'catching-up' | 'rebuilding' | 'paused' | 'failed' | 'standby' | 'stopped';
