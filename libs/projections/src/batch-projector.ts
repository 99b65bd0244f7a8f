import { isEventType, upcast } from '@caretrail/domain';
import {
  EventHandlingFailed,
  type BatchContext,
  type RecordedEvent,
  type SqlEventStore,
  type SqlQueryable,
  type SubscriptionHandler,
} from '@caretrail/event-store';
import type { PoisonPolicy, ProjectedEvent, ProjectionDefinition } from './projection';
import type { ProjectionTables } from './projection-tables';

/**
 * Applies a batch of the global order to one generation of a read model:
 * one read of the rows the batch touches, evolve in memory, one multi-row
 * upsert, the checkpoint in the same transaction. A crash rolls all of it
 * back, so no event is applied twice or skipped.
 */
export class BatchProjector implements SubscriptionHandler {
  private readonly table: string;

  constructor(
    private readonly store: SqlEventStore,
    private readonly tables: ProjectionTables,
    private readonly definition: ProjectionDefinition,
    private readonly generation: number,
    private readonly poisonPolicy: () => PoisonPolicy,
    /** Called after each committed batch with the number of events read. */
    private readonly afterBatch: (size: number) => Promise<void> = async () => undefined,
  ) {
    this.table = tables.table(definition.name, generation);
  }

  async handle(batch: RecordedEvent[], context: BatchContext): Promise<void> {
    const events = batch.filter((e) => isEventType(e.type)).map(toProjected);
    const touched = events.map((e) => ({ e, keys: this.definition.keysOf(e) })).filter(({ keys }) => keys.length > 0);
    await this.store.database.transaction(async (tx) => {
      if (touched.length > 0) {
        const keys = [...new Set(touched.flatMap(({ keys }) => keys))];
        const { rows } = await tx.query<{ key: string; doc: unknown }>(
          `SELECT key, doc FROM ${this.table} WHERE key = ANY($1::text[])`,
          [keys],
        );
        const docs = new Map<string, unknown>(rows.map((row) => [row.key, row.doc]));
        const positions = new Map<string, number>();
        const parked: Array<{ e: ProjectedEvent; error: unknown }> = [];
        for (const { e, keys: eventKeys } of touched) {
          try {
            const next = eventKeys.map((key) => [key, this.definition.evolve(docs.get(key), e)] as const);
            for (const [key, doc] of next) {
              docs.set(key, doc);
              positions.set(key, e.meta.position);
            }
          } catch (error) {
            if (this.poisonPolicy() === 'stop') {
              throw new EventHandlingFailed({ eventId: e.meta.eventId, type: e.event.type, position: e.meta.position, streamId: e.meta.streamName }, error);
            }
            parked.push({ e, error });
          }
        }
        await this.upsert(tx, [...positions.keys()].map((key) => ({ key, doc: docs.get(key), position: positions.get(key)! })));
        if (parked.length > 0) await this.park(tx, parked);
      }
      await context.saveCheckpoint(tx);
    });
    await this.afterBatch(batch.length);
  }

  private async upsert(
    tx: SqlQueryable,
    rows: Array<{ key: string; doc: unknown; position: number }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO ${this.table} (key, patient_id, doc, position)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::bigint[])
       ON CONFLICT (key) DO UPDATE SET patient_id = EXCLUDED.patient_id, doc = EXCLUDED.doc, position = EXCLUDED.position`,
      [
        rows.map((r) => r.key),
        rows.map((r) => this.definition.patientOf(r.doc)),
        rows.map((r) => JSON.stringify(r.doc)),
        rows.map((r) => r.position),
      ],
    );
  }

  private async park(
    tx: SqlQueryable,
    parked: Array<{ e: ProjectedEvent; error: unknown }>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.tables.parked()} (projection, generation, event_id, position, error)
       SELECT $1, $2, * FROM unnest($3::uuid[], $4::bigint[], $5::text[])
       ON CONFLICT DO NOTHING`,
      [
        this.definition.name,
        this.generation,
        parked.map(({ e }) => e.meta.eventId),
        parked.map(({ e }) => e.meta.position),
        parked.map(({ error }) => (error instanceof Error ? error.message : String(error))),
      ],
    );
  }
}

export function toProjected(e: RecordedEvent): ProjectedEvent {
  return {
    event: upcast(e.type, e.schemaVersion, e.data),
    meta: { eventId: e.eventId, streamName: e.streamId, position: e.position, recordedAt: e.recordedAt, occurredAt: e.occurredAt },
  };
}
