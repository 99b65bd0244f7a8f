import { isEventType } from '@caretrail/domain';
import {
  EventHandlingFailed,
  SqlPatientKeyStore,
  type BatchContext,
  type EventStore,
  type SqlDatabase,
  type SqlQueryable,
  type StoredEvent,
  type SubscriptionHandler,
} from '@caretrail/event-store';
import {
  decodeStoredEvent,
  decryptEvents,
  holdsPersonalData,
  isErasureEvent,
  openReadModelRow,
  sealReadModelRow,
  type PatientKeyReader,
} from '@caretrail/care-log';
import { CachingPatientKeyStore, PatientKeyDestroyed, type PatientKeyStore } from '@caretrail/security';
import type { ProjectedEvent, ReadModel } from '@caretrail/read-models';
import type { PoisonPolicy } from './projection';
import type { ProjectionTables } from './projection-tables';

/**
 * Patients' keys as the projections use them: read to open events and rows, made to seal a row
 * whose patient has none yet, and forgotten when a patient is erased.
 */
export type ProjectionKeys = PatientKeyReader &
  Pick<PatientKeyStore, 'getOrCreate'> & { forget?(patientId: string): void };

/** Each patient's key for this batch's rows; null once erased. */
type RowKeys = Map<string, Uint8Array | null>;

/** One step of a batch: an event to apply, or an erasure that re-derives a patient's rows. */
type Step =
  | { kind: 'event'; e: ProjectedEvent; keys: string[] }
  | { kind: 'erasure'; patientId: string; history: ProjectedEvent[] };

export interface BatchProjectorOptions {
  /** The log: an erased patient's history is read from it. */
  store: EventStore;
  /** Holds the read-model tables, parked events and the checkpoint, written in one transaction. */
  sql: SqlDatabase;
  tables: ProjectionTables;
  definition: ReadModel;
  generation: number;
  /** Asked at each poison event, so a change of policy applies at once. Default: stop. */
  poisonPolicy?: () => PoisonPolicy;
  /** Default: the `patient_keys` table behind a cache. */
  keys?: ProjectionKeys;
}

/**
 * Applies a batch of the global order to one generation of a read model:
 * one read of the rows the batch touches, evolve in memory, one multi-row
 * upsert, the checkpoint in the same transaction. A crash rolls all of it
 * back, so no event is applied twice or skipped. Personal data is opened
 * (or read as erased) before evolve; a PatientDataErased event replaces the
 * patient's rows by a fold of their history, now erased (docs/erasure.md).
 */
export class BatchProjector implements SubscriptionHandler {
  private readonly store: EventStore;
  private readonly sql: SqlDatabase;
  private readonly tables: ProjectionTables;
  private readonly definition: ReadModel;
  private readonly generation: number;
  private readonly poisonPolicy: () => PoisonPolicy;
  private readonly keys: ProjectionKeys;
  private readonly table: string;

  constructor(options: BatchProjectorOptions) {
    this.store = options.store;
    this.sql = options.sql;
    this.tables = options.tables;
    this.definition = options.definition;
    this.generation = options.generation;
    this.poisonPolicy = options.poisonPolicy ?? (() => 'stop');
    this.keys = options.keys ?? new CachingPatientKeyStore(new SqlPatientKeyStore(options.sql));
    this.table = options.tables.table(options.definition.name, options.generation);
  }

  async handle(batch: StoredEvent[], context: BatchContext): Promise<void> {
    const steps = await this.stepsOf(batch);
    const rowKeys = await this.rowKeysOf(steps);
    await this.sql.transaction(async (tx) => {
      if (steps.length > 0) {
        const keys = [...new Set(steps.flatMap((step) => (step.kind === 'event' ? step.keys : [])))];
        const { rows } = await tx.query<{ key: string; doc: unknown }>(
          `SELECT key, doc FROM ${this.table} WHERE key = ANY($1::text[])`,
          [keys],
        );
        const docs = new Map<string, unknown>(rows.map((row) => [row.key, this.openRow(row.doc, rowKeys)]));
        const positions = new Map<string, number>();
        const parked: Array<{ e: ProjectedEvent; error: unknown }> = [];
        for (const step of steps) {
          if (step.kind === 'event') {
            this.apply(step.e, step.keys, docs, positions, parked);
            continue;
          }
          // Erasure: the patient's rows are dropped and folded again from their whole history,
          // which now reads as erased. Rows belong to one patient each (patientOf).
          const { rows: dropped } = await tx.query<{ key: string }>(
            `DELETE FROM ${this.table} WHERE patient_id = $1 RETURNING key`,
            [step.patientId],
          );
          for (const { key } of dropped) docs.delete(key);
          for (const [key, doc] of docs) if (this.definition.patientOf(doc) === step.patientId) docs.delete(key);
          for (const key of [...positions.keys()]) if (!docs.has(key)) positions.delete(key);
          for (const e of step.history) {
            const eventKeys = this.definition.keysOf(e);
            if (eventKeys.length > 0) this.apply(e, eventKeys, docs, positions, parked);
          }
        }
        await this.upsert(
          tx,
          [...positions.keys()].map((key) => ({
            key,
            doc: this.sealRow(docs.get(key), rowKeys),
            position: positions.get(key)!,
          })),
        );
        if (parked.length > 0) await this.park(tx, parked);
      }
      await context.saveCheckpoint(tx);
    });
  }

  /**
   * Opens personal data and reads erased patients' histories before the
   * transaction (PGlite has one connection: a read beside an open
   * transaction would wait for it).
   */
  private async stepsOf(batch: StoredEvent[]): Promise<Step[]> {
    const erasures = batch.filter(isErasureEvent);
    // Erased keys must not be served from a cache, here or in the histories below.
    for (const e of erasures) this.keys.forget?.(patientIdOf(e));
    const opened = await decryptEvents(
      batch.filter((e) => isEventType(e.type) || isErasureEvent(e)),
      this.keys,
    );
    const steps: Step[] = [];
    for (const e of opened) {
      if (isErasureEvent(e)) {
        steps.push({ kind: 'erasure', patientId: patientIdOf(e), history: await this.historyUpTo(e) });
        continue;
      }
      const projected = decodeStoredEvent(e);
      const keys = this.definition.keysOf(projected);
      if (keys.length > 0) steps.push({ kind: 'event', e: projected, keys });
    }
    return steps;
  }

  /**
   * The keys of the patients whose rows this batch touches (every read model keeps a patient's
   * rows apart, docs/read-models.md), fetched before the transaction for the reason above. A
   * patient without a key yet gets one, so a row is never stored with plaintext; an erased one
   * gets null, and the row's personal fields are written as erased.
   */
  private async rowKeysOf(steps: Step[]): Promise<RowKeys> {
    const rowKeys: RowKeys = new Map();
    if (!this.definition.personalFields?.length) return rowKeys;
    const patients = new Set(
      steps.map((step) => (step.kind === 'event' ? step.e.event.data.patientId : step.patientId)),
    );
    await Promise.all(
      [...patients].map(async (patientId) => {
        const key = (await this.keys.get(patientId)) ?? (await this.keys.getOrCreate(patientId).catch(destroyedAsNull));
        rowKeys.set(patientId, key);
      }),
    );
    return rowKeys;
  }

  private openRow(doc: unknown, rowKeys: RowKeys): unknown {
    if (!this.definition.personalFields?.length) return doc;
    return openReadModelRow(doc, this.keyOfRow(doc, rowKeys), this.ownerOf(doc));
  }

  private sealRow(doc: unknown, rowKeys: RowKeys): unknown {
    const fields = this.definition.personalFields ?? [];
    if (!holdsPersonalData(doc, fields)) return doc;
    return sealReadModelRow(doc, fields, this.keyOfRow(doc, rowKeys), this.ownerOf(doc));
  }

  private keyOfRow(doc: unknown, rowKeys: RowKeys): Uint8Array | null {
    const patientId = this.definition.patientOf(doc);
    const key = rowKeys.get(patientId);
    // Refuse rather than store or serve a row whose patient the batch did not name.
    if (key === undefined) throw new Error(`${this.definition.name}: no key was fetched for patient ${patientId}`);
    return key;
  }

  private ownerOf(doc: unknown): { readModel: string; patientId: string } {
    return { readModel: this.definition.name, patientId: this.definition.patientOf(doc) };
  }

  /** The erased patient's domain events up to the erasure, in the global order, as read models see them now. */
  private async historyUpTo(erasure: StoredEvent): Promise<ProjectedEvent[]> {
    const events = await this.store.readPatient(patientIdOf(erasure));
    const end = events.findIndex((e) => e.eventId === erasure.eventId);
    const before = (end < 0 ? events : events.slice(0, end)).filter((e) => isEventType(e.type));
    return (await decryptEvents(before, this.keys)).map(decodeStoredEvent);
  }

  private apply(
    e: ProjectedEvent,
    eventKeys: string[],
    docs: Map<string, unknown>,
    positions: Map<string, number>,
    parked: Array<{ e: ProjectedEvent; error: unknown }>,
  ): void {
    try {
      const next = eventKeys.map((key) => [key, this.definition.evolve(docs.get(key), e)] as const);
      for (const [key, doc] of next) {
        docs.set(key, doc);
        positions.set(key, e.meta.position);
      }
    } catch (error) {
      if (this.poisonPolicy() === 'stop') {
        throw new EventHandlingFailed(
          { eventId: e.meta.eventId, type: e.event.type, position: e.meta.position, streamId: e.meta.streamName },
          error,
        );
      }
      parked.push({ e, error });
    }
  }

  private async upsert(tx: SqlQueryable, rows: Array<{ key: string; doc: unknown; position: number }>): Promise<void> {
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

  private async park(tx: SqlQueryable, parked: Array<{ e: ProjectedEvent; error: unknown }>): Promise<void> {
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

function patientIdOf(e: StoredEvent): string {
  return String(e.data['patientId'] ?? '');
}

function destroyedAsNull(error: unknown): null {
  if (error instanceof PatientKeyDestroyed) return null;
  throw error;
}
