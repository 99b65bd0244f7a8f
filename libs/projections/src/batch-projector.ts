import { SpanStatusCode, type Link } from '@opentelemetry/api';
import { spanContextOf, tracer } from '@caretrail/observability';
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
import { ParkedEvents, type Failure } from './parked-events';
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

/**
 * The batch's working copies: each row as loaded (text, to undo a failed event), its detail rows,
 * the events applied to it so far and the position of the last one. A detail row carries the
 * position of the last event that named it, so its stored position does not depend on where the
 * batches (or the shards of several processes) happened to cut the log.
 */
interface Working {
  rowKeys: RowKeys;
  docs: Map<string, unknown>;
  stored: Map<string, string>;
  details: Map<string, { requested: Set<string>; stored: Map<string, string> }>;
  applied: Map<string, ProjectedEvent[]>;
  positions: Map<string, number>;
  detailPositions: Map<string, number>;
}

function emptyWork(rowKeys: RowKeys): Working {
  return {
    rowKeys,
    docs: new Map(),
    stored: new Map(),
    details: new Map(),
    applied: new Map(),
    positions: new Map(),
    detailPositions: new Map(),
  };
}

function detailsOf(work: Working, key: string): { requested: Set<string>; stored: Map<string, string> } {
  let details = work.details.get(key);
  if (!details) {
    details = { requested: new Set(), stored: new Map() };
    work.details.set(key, details);
  }
  return details;
}

/** An erased patient's row: dropped from the table, folded again from nothing. */
function forgetRow(work: Working, key: string): void {
  work.docs.delete(key);
  work.stored.delete(key);
  work.details.delete(key);
  work.applied.delete(key);
  work.positions.delete(key);
}

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
 * one read of the rows the batch touches (and one of the detail rows its
 * events name, docs/read-models.md "Row layout"), evolve on working copies
 * in memory, one multi-row upsert, the checkpoint in the same transaction. A crash rolls all of it
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
  /** This generation's parked events. */
  readonly parked: ParkedEvents;

  constructor(options: BatchProjectorOptions) {
    this.store = options.store;
    this.sql = options.sql;
    this.tables = options.tables;
    this.definition = options.definition;
    this.generation = options.generation;
    this.poisonPolicy = options.poisonPolicy ?? (() => 'stop');
    this.keys = options.keys ?? new CachingPatientKeyStore(new SqlPatientKeyStore(options.sql));
    this.table = options.tables.table(options.definition.name, options.generation);
    this.parked = new ParkedEvents(options.tables, options.definition.name, options.generation);
  }

  /**
   * Applies one batch in a span of its own, linked to the spans that wrote its events (their stored
   * traceparent: docs/deployment.md, Traces). The links are gathered only when the span records.
   */
  handle(batch: StoredEvent[], context: BatchContext): Promise<void> {
    return tracer().startActiveSpan(
      `project ${this.definition.name}`,
      { attributes: { 'caretrail.read_model': this.definition.name, 'caretrail.event_count': batch.length } },
      async (span) => {
        if (span.isRecording()) span.addLinks(linksOf(batch));
        try {
          await this.applyBatch(batch, context);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'batch not applied' });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  private async applyBatch(batch: StoredEvent[], context: BatchContext): Promise<void> {
    const steps = await this.stepsOf(batch);
    const rowKeys = await this.rowKeysOf(steps);
    await this.sql.transaction(async (tx) => {
      if (steps.length > 0) {
        const keys = [...new Set(steps.flatMap((step) => (step.kind === 'event' ? step.keys : [])))];
        const { rows } = await tx.query<{ key: string; doc: string }>(
          `SELECT key, doc::text AS doc FROM ${this.table} WHERE key = ANY($1::text[])`,
          [keys],
        );
        const work = emptyWork(rowKeys);
        for (const row of rows) work.stored.set(row.key, row.doc);
        for (const [key, text] of work.stored) work.docs.set(key, this.openRow(JSON.parse(text), rowKeys));
        await this.prefetchDetails(tx, steps, work);
        const parked: Failure[] = [];
        for (const step of steps) {
          if (step.kind === 'event') await this.apply(tx, step.e, step.keys, work, parked, this.poisonPolicy);
          // Erasure: the patient's history now reads as erased.
          else await this.refold(tx, work, step.patientId, step.history, parked, this.poisonPolicy);
        }
        await this.write(tx, work);
        await this.parked.park(tx, parked);
      }
      await context.saveCheckpoint(tx);
    });
  }

  /**
   * Re-derives one patient's rows from `history` (docs/read-models.md, "Parked events"): the
   * patient's events up to the shard's checkpoint, without those that stay unapplied (skipped, or
   * parked and not retried now). The shard's holder calls it between batches; `fence` checks its
   * lease inside the transaction, and `settle` records the outcome there too. Every event that
   * fails is left out of the rows, whatever the poison policy: the failures are returned.
   */
  async rederivePatient(
    patientId: string,
    history: readonly StoredEvent[],
    fence: (tx: SqlQueryable) => Promise<void>,
    settle: (tx: SqlQueryable, failures: readonly Failure[]) => Promise<void>,
  ): Promise<Failure[]> {
    // Keys and plaintext before the transaction (PGlite has one connection, see stepsOf).
    const opened = await decryptEvents(
      history.filter((e) => isEventType(e.type)),
      this.keys,
    );
    const events = opened.map(decodeStoredEvent);
    const rowKeys = await this.rowKeysOf([{ kind: 'erasure', patientId, history: events }]);
    const failures: Failure[] = [];
    await this.sql.transaction(async (tx) => {
      await fence(tx);
      const work = emptyWork(rowKeys);
      await this.refold(tx, work, patientId, events, failures, () => 'park');
      await this.write(tx, work);
      await settle(tx, failures);
    });
    return failures;
  }

  /**
   * Drops a patient's rows and folds them again from `history`, from nothing. Rows belong to one
   * patient each (patientOf), so no other patient's row changes.
   */
  private async refold(
    tx: SqlQueryable,
    work: Working,
    patientId: string,
    history: readonly ProjectedEvent[],
    parked: Failure[],
    policy: () => PoisonPolicy,
  ): Promise<void> {
    const { rows: dropped } = await tx.query<{ key: string }>(
      `DELETE FROM ${this.table} WHERE patient_id = $1 RETURNING key`,
      [patientId],
    );
    const gone = new Set(dropped.map(({ key }) => key));
    for (const [key, doc] of work.docs) if (this.definition.patientOf(doc) === patientId) gone.add(key);
    for (const key of gone) forgetRow(work, key);
    for (const e of history) {
      const eventKeys = this.definition.keysOf(e);
      if (eventKeys.length > 0) await this.apply(tx, e, eventKeys, work, parked, policy);
    }
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

  /**
   * The erased patient's domain events up to the erasure, in the global order, as read models see
   * them now; without the events of this generation that stay unapplied (parked or skipped).
   */
  private async historyUpTo(erasure: StoredEvent): Promise<ProjectedEvent[]> {
    const patientId = patientIdOf(erasure);
    const events = await this.store.readPatient(patientId);
    const unapplied = new Set((await this.parked.ofPatient(this.sql, patientId)).map((p) => p.eventId));
    const end = events.findIndex((e) => e.eventId === erasure.eventId);
    const before = (end < 0 ? events : events.slice(0, end)).filter(
      (e) => isEventType(e.type) && !unapplied.has(e.eventId),
    );
    return (await decryptEvents(before, this.keys)).map(decodeStoredEvent);
  }

  /**
   * Folds one event into the working copy of each row it names. `evolve` may change the copy in
   * place (docs/read-models.md, "Principles"), so an event that throws part-way is undone by
   * re-deriving its rows from the text they were loaded with and the batch's earlier events for
   * them: poison costs a replay, and nothing is copied per event.
   */
  private async apply(
    tx: SqlQueryable,
    e: ProjectedEvent,
    eventKeys: string[],
    work: Working,
    parked: Failure[],
    policy: () => PoisonPolicy,
  ): Promise<void> {
    const layout = this.definition.rows;
    let needed: Array<[string, string[]]> = [];
    try {
      if (layout) needed = eventKeys.map((key) => [key, layout.detailKeysOf(work.docs.get(key), e)]);
    } catch (error) {
      // Nothing has changed yet: the event alone is poison.
      this.poisoned(e, error, parked, policy);
      return;
    }
    // Reading rows is not the event's fault: a failure fails the batch, whatever the poison policy.
    for (const [key, detailKeys] of needed) await this.loadDetails(tx, work, key, detailKeys);
    try {
      for (const key of eventKeys) {
        work.docs.set(key, this.definition.evolve(work.docs.get(key), e));
        work.positions.set(key, e.meta.position);
      }
    } catch (error) {
      for (const key of eventKeys) this.rederive(work, key);
      this.poisoned(e, error, parked, policy);
      return;
    }
    for (const [, detailKeys] of needed)
      for (const detailKey of detailKeys) work.detailPositions.set(detailKey, e.meta.position);
    for (const key of eventKeys) {
      const applied = work.applied.get(key);
      if (applied) applied.push(e);
      else work.applied.set(key, [e]);
    }
  }

  private poisoned(e: ProjectedEvent, error: unknown, parked: Failure[], policy: () => PoisonPolicy): void {
    if (policy() === 'stop') {
      throw new EventHandlingFailed(
        { eventId: e.meta.eventId, type: e.event.type, position: e.meta.position, streamId: e.meta.streamName },
        error,
      );
    }
    parked.push({ e, error });
  }

  /** The row as loaded, its detail rows as loaded, and the batch's events before the failed one. */
  private rederive(work: Working, key: string): void {
    const text = work.stored.get(key);
    let doc: unknown = text === undefined ? undefined : this.openRow(JSON.parse(text), work.rowKeys);
    const details = work.details.get(key);
    if (doc !== undefined && details) {
      for (const [detailKey, detailText] of details.stored) {
        this.definition.rows?.attach(doc, { key: detailKey, row: JSON.parse(detailText) });
      }
    }
    for (const e of work.applied.get(key) ?? []) doc = this.definition.evolve(doc, e);
    if (doc === undefined) work.docs.delete(key);
    else work.docs.set(key, doc);
  }

  /**
   * Reads, in one query, the detail rows the batch's events name as the rows stood before it;
   * `apply` reads any other one (a zone or an index changed by an earlier event of the batch).
   */
  private async prefetchDetails(tx: SqlQueryable, steps: Step[], work: Working): Promise<void> {
    const layout = this.definition.rows;
    if (!layout) return;
    const wanted = new Map<string, Set<string>>();
    for (const step of steps) {
      if (step.kind !== 'event') continue;
      for (const key of step.keys) {
        const doc = work.docs.get(key);
        if (doc === undefined) continue;
        let detailKeys: string[];
        try {
          detailKeys = layout.detailKeysOf(doc, step.e);
        } catch {
          continue; // apply meets the same error and applies the poison policy
        }
        const set = wanted.get(key) ?? new Set<string>();
        for (const detailKey of detailKeys) set.add(detailKey);
        wanted.set(key, set);
      }
    }
    const owners = new Map<string, string>();
    for (const [key, detailKeys] of wanted) for (const detailKey of detailKeys) owners.set(detailKey, key);
    if (owners.size === 0) return;
    const { rows } = await tx.query<{ key: string; doc: string }>(
      `SELECT key, doc::text AS doc FROM ${this.table} WHERE key = ANY($1::text[])`,
      [[...owners.keys()]],
    );
    for (const [key, detailKeys] of wanted) detailsOf(work, key).requested = new Set(detailKeys);
    for (const row of rows) {
      const owner = owners.get(row.key);
      if (owner !== undefined) this.attach(work, owner, row.key, row.doc);
    }
  }

  private async loadDetails(tx: SqlQueryable, work: Working, key: string, detailKeys: string[]): Promise<void> {
    const details = detailsOf(work, key);
    const missing = detailKeys.filter((detailKey) => !details.requested.has(detailKey));
    if (missing.length === 0) return;
    for (const detailKey of missing) details.requested.add(detailKey);
    // A patient row new in this batch has no stored detail rows.
    if (!work.stored.has(key) || !work.docs.has(key)) return;
    const { rows } = await tx.query<{ key: string; doc: string }>(
      `SELECT key, doc::text AS doc FROM ${this.table} WHERE key = ANY($1::text[])`,
      [missing],
    );
    for (const row of rows) this.attach(work, key, row.key, row.doc);
  }

  private attach(work: Working, key: string, detailKey: string, text: string): void {
    detailsOf(work, key).stored.set(detailKey, text);
    this.definition.rows?.attach(work.docs.get(key), { key: detailKey, row: JSON.parse(text) });
  }

  /**
   * Writes every row the batch changed with set-based statements: one upsert (one array parameter
   * per column) and one delete for the detail rows that no longer hold anything.
   */
  private async write(tx: SqlQueryable, work: Working): Promise<void> {
    const layout = this.definition.rows;
    const rows: Array<{ key: string; patientId: string; doc: unknown; position: number }> = [];
    const deletes: string[] = [];
    for (const [key, position] of work.positions) {
      const doc = work.docs.get(key);
      if (doc === undefined) continue;
      const patientId = this.definition.patientOf(doc);
      rows.push({ key, patientId, doc: this.sealRow(layout ? layout.head(doc) : doc, work.rowKeys), position });
      if (!layout) continue;
      const present = new Set<string>();
      for (const detail of layout.details(doc)) {
        present.add(detail.key);
        rows.push({
          key: detail.key,
          patientId,
          doc: detail.row,
          position: work.detailPositions.get(detail.key) ?? position,
        });
      }
      for (const detailKey of work.details.get(key)?.stored.keys() ?? []) {
        if (!present.has(detailKey)) deletes.push(detailKey);
      }
    }
    if (deletes.length > 0) await tx.query(`DELETE FROM ${this.table} WHERE key = ANY($1::text[])`, [deletes]);
    await this.upsert(tx, rows);
  }

  private async upsert(
    tx: SqlQueryable,
    rows: Array<{ key: string; patientId: string; doc: unknown; position: number }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    // One jsonb parameter for the whole batch: node-postgres sends it as one string, where a
    // jsonb[] array literal is escaped character by character (docs/performance.md).
    await tx.query(
      `INSERT INTO ${this.table} (key, patient_id, doc, position)
       SELECT key, patient_id, doc, position
       FROM jsonb_to_recordset($1::jsonb) AS r(key text, patient_id text, doc jsonb, position bigint)
       ON CONFLICT (key) DO UPDATE SET patient_id = EXCLUDED.patient_id, doc = EXCLUDED.doc, position = EXCLUDED.position`,
      [JSON.stringify(rows.map((r) => ({ key: r.key, patient_id: r.patientId, doc: r.doc, position: r.position })))],
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

/** The most links one batch span carries: a batch of a thousand events names a few writers' traces. */
const MAX_LINKS = 32;

/** Links to the distinct writing spans of a batch's events, at most MAX_LINKS. */
function linksOf(batch: readonly StoredEvent[]): Link[] {
  const links = new Map<string, Link>();
  for (const event of batch) {
    if (links.size >= MAX_LINKS) break;
    const traceparent = event.metadata.traceparent;
    const spanContext = traceparent === undefined || links.has(traceparent) ? undefined : spanContextOf(traceparent);
    if (spanContext) links.set(traceparent!, { context: spanContext });
  }
  return [...links.values()];
}
