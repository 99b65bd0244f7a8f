import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Checkpoint, EventStore, SqlDatabase } from '@caretrail/event-store';
import type { ProjectionHost } from '@caretrail/projections';
import { openReadModelRowWith, type PatientKeyReader } from '@caretrail/care-log';
import {
  readModels,
  type AdherenceDoc,
  type CaseReviewRow,
  type CollaborationDoc,
  type DetailRow,
  type RegistryDoc,
  type RowLayout,
} from '@caretrail/read-models';
import { EVENT_STORE, SQL_DATABASE, PROJECTION_HOST, PATIENT_KEYS } from '../http/tokens';
import { Problem } from '../http/problems/problem';

export type ReadModelName = 'current-plan' | 'adherence' | 'collaboration' | 'registry';

/** The models stored as several rows per patient, by name. */
const LAYOUTS = new Map<string, RowLayout<unknown>>(
  readModels.flatMap((m) => (m.rows ? [[m.name, m.rows] as const] : [])),
);

/** How long a read-your-writes query waits for its read model before answering 503. */
const MAX_WAIT_MS = 2000;

/**
 * Rows of the read models as they stand, and the point of the log they reflect. Rows keep
 * personal fields sealed under the patient's key; they are opened here, for the answer only
 * (read as erased once the key is destroyed, docs/erasure.md).
 */
@Injectable()
export class ReadModelReader {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    /** The read models' tables; the log itself is only asked through the port. */
    @Inject(SQL_DATABASE) private readonly sql: SqlDatabase,
    @Inject(PROJECTION_HOST) private readonly host: ProjectionHost,
    @Inject(PATIENT_KEYS) private readonly keys: PatientKeyReader,
  ) {}

  /** The doc of one patient in one read model (every model keys its rows by patient). */
  async patientRow<Doc>(
    model: ReadModelName,
    patientId: string,
    minPosition?: number,
  ): Promise<{ doc: Doc | undefined; position: number }> {
    const checkpoint = await this.reach(model, minPosition);
    const docs = await this.docsOf<Doc>(model, [patientId]);
    return { doc: docs.get(patientId), position: checkpoint.position };
  }

  /** Docs of several patients in one read model. */
  async patientRows<Doc>(model: ReadModelName, patientIds: readonly string[]): Promise<Map<string, Doc>> {
    return this.docsOf<Doc>(model, patientIds);
  }

  /**
   * A model stored as a patient row plus detail rows (docs/read-models.md, "Row layout") is read by
   * the patient_id index in one query and assembled; the others are one row per patient.
   */
  private async docsOf<Doc>(model: ReadModelName, patientIds: readonly string[]): Promise<Map<string, Doc>> {
    const { table } = await this.host.activeTable(model);
    const layout = LAYOUTS.get(model);
    if (!layout) {
      const { rows } = await this.sql.query<{ key: string; doc: Doc }>(
        `SELECT key, doc FROM ${table} WHERE key = ANY($1::text[])`,
        [[...patientIds]],
      );
      return new Map(await Promise.all(rows.map(async (r) => [r.key, await this.open(model, r.key, r.doc)] as const)));
    }
    const { rows } = await this.sql.query<{ key: string; patient_id: string; doc: unknown }>(
      `SELECT key, patient_id, doc FROM ${table} WHERE patient_id = ANY($1::text[])`,
      [[...patientIds]],
    );
    const byPatient = new Map<string, { head?: unknown; details: DetailRow[] }>();
    for (const row of rows) {
      const patient = byPatient.get(row.patient_id) ?? { details: [] };
      if (row.key === row.patient_id) patient.head = row.doc;
      else patient.details.push({ key: row.key, row: row.doc });
      byPatient.set(row.patient_id, patient);
    }
    const docs = new Map<string, Doc>();
    for (const [patientId, { head, details }] of byPatient) {
      if (head === undefined) continue;
      details.sort((a, b) => a.key.localeCompare(b.key));
      docs.set(patientId, layout.assemble(await this.open(model, patientId, head), details) as Doc);
    }
    return docs;
  }

  /**
   * A patient's doc as the projection stores it now, and when the oldest event it has not applied yet
   * was recorded (null when none): what adherence as of a day starts from (docs/analytics.md).
   */
  async storedDoc<Doc>(
    model: ReadModelName,
    patientId: string,
  ): Promise<{ doc: Doc | undefined; unprojectedSince: string | null }> {
    const { checkpoint } = await this.host.activeTable(model);
    const [docs, lag] = await Promise.all([this.docsOf<Doc>(model, [patientId]), this.store.lagAfter(checkpoint)]);
    return { doc: docs.get(patientId), unprojectedSince: lag.events === 0 ? null : lag.oldestRecordedAt };
  }

  /** The rows the case-review queue is computed from, for patients with a registry row. */
  async caseReviewRows(patientIds: readonly string[]): Promise<CaseReviewRow[]> {
    const [registry, adherence, collaboration] = await Promise.all([
      this.patientRows<RegistryDoc>('registry', patientIds),
      this.patientRows<AdherenceDoc>('adherence', patientIds),
      this.patientRows<CollaborationDoc>('collaboration', patientIds),
    ]);
    return patientIds.flatMap((id) => {
      const doc = registry.get(id);
      return doc
        ? [{ registry: doc, adherence: adherence.get(id) ?? null, collaboration: collaboration.get(id) ?? null }]
        : [];
    });
  }

  private open<Doc>(model: ReadModelName, patientId: string, doc: Doc): Promise<Doc> {
    return openReadModelRowWith(doc, this.keys, { readModel: model, patientId });
  }

  /** Patients on whose care team this clinician is now (from the current-plan read model). */
  async caseloadOf(userId: string): Promise<string[]> {
    const { table } = await this.host.activeTable('current-plan');
    const { rows } = await this.sql.query<{ key: string }>(
      `SELECT key FROM ${table} WHERE doc->'plan'->'careTeam' @> $1::jsonb ORDER BY key`,
      [JSON.stringify([{ userId }])],
    );
    return rows.map((r) => r.key);
  }

  /**
   * Read-your-writes: waits until the read model has applied the event at
   * `minPosition` (a position a write returned), or answers 503.
   */
  async reach(model: ReadModelName, minPosition?: number): Promise<Checkpoint> {
    const deadline = Date.now() + MAX_WAIT_MS;
    for (;;) {
      const { checkpoint } = await this.host.activeTable(model);
      if (minPosition === undefined || (await this.store.covers(checkpoint, minPosition))) return checkpoint;
      if (Date.now() >= deadline) {
        throw new Problem(
          503,
          'READ_MODEL_BEHIND',
          'The read model has not caught up yet',
          `The ${model} read model has not reached position ${minPosition}; retry shortly.`,
          undefined,
          { 'Retry-After': '1' },
        );
      }
      await sleep(25);
    }
  }
}
