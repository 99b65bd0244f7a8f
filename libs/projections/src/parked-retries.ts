import type { SqlQueryable } from '@caretrail/event-store';
import type { ProjectionTables } from './projection-tables';

/** What the holder of the patient's shard made of a retry request (docs/read-models.md, "Parked events"). */
export type RetryResult = 'applied' | 'still-failing' | 'skipped';

/** A request not carried out yet. */
export interface PendingRetry {
  id: number;
  eventId: string;
}

/** A request's outcome; `outcome` null while it is pending. */
export interface RetryState {
  outcome: RetryResult | null;
  error: string | null;
}

/** A patient whose rows a holder has retry requests to re-derive for. */
export interface PatientToRetry {
  projection: string;
  generation: number;
  patientId: string;
}

/**
 * The `parked_event_retries` table: the process that receives a retry records a request; the
 * process that holds the patient's shard carries it out between two of its batches and records the
 * outcome in the re-derivation's transaction. At most one request per event is pending.
 */
export class RetryRequests {
  private readonly table: string;

  constructor(tables: ProjectionTables) {
    this.table = tables.parkedRetries();
  }

  /** Records a request per event, or joins the one pending for it; answers each event's request id. */
  async request(
    executor: SqlQueryable,
    projection: string,
    generation: number,
    events: ReadonlyArray<{ eventId: string; patientId: string }>,
    by: string,
  ): Promise<Map<string, number>> {
    if (events.length === 0) return new Map();
    const { rows } = await executor.query<{ id: string | number; event_id: string }>(
      `INSERT INTO ${this.table} AS t (projection, generation, event_id, patient_id, requested_by)
       SELECT $1, $2, r.event_id, r.patient_id, $5 FROM unnest($3::uuid[], $4::text[]) AS r(event_id, patient_id)
       ON CONFLICT (projection, generation, event_id) WHERE carried_out_at IS NULL
       DO UPDATE SET requested_by = t.requested_by
       RETURNING id, event_id::text AS event_id`,
      [projection, generation, events.map((e) => e.eventId), events.map((e) => e.patientId), by],
    );
    return new Map(rows.map((r) => [r.event_id, Number(r.id)]));
  }

  /** The patients with pending requests in these generations of read models. */
  async patientsToRetry(
    executor: SqlQueryable,
    generations: ReadonlyArray<{ projection: string; generation: number }>,
  ): Promise<PatientToRetry[]> {
    if (generations.length === 0) return [];
    const { rows } = await executor.query<{ projection: string; generation: number; patient_id: string }>(
      `SELECT DISTINCT projection, generation, patient_id FROM ${this.table}
       WHERE carried_out_at IS NULL
         AND (projection, generation) IN (SELECT * FROM unnest($1::text[], $2::int[]))`,
      [generations.map((g) => g.projection), generations.map((g) => g.generation)],
    );
    return rows.map((r) => ({ projection: r.projection, generation: r.generation, patientId: r.patient_id }));
  }

  /** One patient's pending requests in one generation. */
  async pendingOf(
    executor: SqlQueryable,
    projection: string,
    generation: number,
    patientId: string,
  ): Promise<PendingRetry[]> {
    const { rows } = await executor.query<{ id: string | number; event_id: string }>(
      `SELECT id, event_id::text AS event_id FROM ${this.table}
       WHERE projection = $1 AND generation = $2 AND patient_id = $3 AND carried_out_at IS NULL ORDER BY id`,
      [projection, generation, patientId],
    );
    return rows.map((r) => ({ id: Number(r.id), eventId: r.event_id }));
  }

  /** Records what became of requests, by the process that carried them out; a request settles once. */
  async settle(
    tx: SqlQueryable,
    member: string,
    outcomes: ReadonlyArray<{ id: number; outcome: RetryResult; error: string | null }>,
  ): Promise<void> {
    if (outcomes.length === 0) return;
    await tx.query(
      `UPDATE ${this.table} AS t
       SET carried_out_at = now(), carried_out_by = $1, outcome = o.outcome, error = o.error
       FROM unnest($2::bigint[], $3::text[], $4::text[]) AS o(id, outcome, error)
       WHERE t.id = o.id AND t.carried_out_at IS NULL`,
      [member, outcomes.map((o) => o.id), outcomes.map((o) => o.outcome), outcomes.map((o) => o.error)],
    );
  }

  /** An operator skipped the event: its pending request is closed, nothing is retried. */
  async closeSkipped(
    tx: SqlQueryable,
    projection: string,
    generation: number,
    eventId: string,
    by: string,
  ): Promise<void> {
    await tx.query(
      `UPDATE ${this.table} SET carried_out_at = now(), carried_out_by = $4, outcome = 'skipped'
       WHERE projection = $1 AND generation = $2 AND event_id = $3::uuid AND carried_out_at IS NULL`,
      [projection, generation, eventId, by],
    );
  }

  async states(executor: SqlQueryable, ids: readonly number[]): Promise<Map<number, RetryState>> {
    if (ids.length === 0) return new Map();
    const { rows } = await executor.query<{ id: string | number; outcome: RetryResult | null; error: string | null }>(
      `SELECT id, outcome, error FROM ${this.table} WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    return new Map(rows.map((r) => [Number(r.id), { outcome: r.outcome, error: r.error }]));
  }
}
