import type { SqlQueryable } from '@caretrail/event-store';
import type { ProjectedEvent } from '@caretrail/read-models';
import type { ProjectionTables } from './projection-tables';

/** An event a read model could not apply, as an operator sees it (docs/read-models.md, "Parked events"). */
export interface ParkedEvent {
  eventId: string;
  position: number;
  streamId: string | null;
  patientId: string | null;
  type: string | null;
  recordedAt: string | null;
  /** The message of the error it failed with, the last time it was applied. */
  error: string;
  parkedAt: string;
  lastRetriedAt: string | null;
  /** `skipped`: an operator decided it stays unapplied. */
  state: 'parked' | 'skipped';
  skippedBy: string | null;
  skippedAt: string | null;
  reason: string | null;
  /** A retry asked for and not carried out yet: the holder of the patient's shard will. */
  retryRequestedAt: string | null;
}

/** A failure while applying an event: what parks it. */
export interface Failure {
  e: ProjectedEvent;
  error: unknown;
}

interface Row {
  event_id: string;
  position: string | number;
  stream_id: string | null;
  patient_id: string | null;
  event_type: string | null;
  recorded_at: Date | null;
  error: string;
  parked_at: Date;
  last_retried_at: Date | null;
  skipped_by: string | null;
  skipped_at: Date | null;
  skip_reason: string | null;
  retry_requested_at: Date | null;
}

/** The columns of a parked event `p`, with its pending retry request's time. */
const columns = (tables: ProjectionTables): string =>
  `p.event_id::text AS event_id, p.position, p.stream_id, p.patient_id, p.event_type, p.recorded_at, p.error,
  p.parked_at, p.last_retried_at, p.skipped_by, p.skipped_at, p.skip_reason,
  (SELECT r.requested_at FROM ${tables.parkedRetries()} AS r
   WHERE r.projection = p.projection AND r.generation = p.generation AND r.event_id = p.event_id
     AND r.carried_out_at IS NULL) AS retry_requested_at`;

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The `parked_events` table of one read model's generation: what the projector parks, what an
 * operator lists, skips and retries. A parked event belongs to the generation that parked it; a
 * rebuild applies the log again into a new one.
 */
export class ParkedEvents {
  private readonly table: string;
  private readonly columns: string;

  constructor(
    tables: ProjectionTables,
    private readonly projection: string,
    private readonly generation: number,
  ) {
    this.table = tables.parked();
    this.columns = columns(tables);
  }

  /** Records failures in the batch's transaction; an event parked already keeps its first record. */
  async park(tx: SqlQueryable, failures: readonly Failure[]): Promise<void> {
    if (failures.length === 0) return;
    await tx.query(
      `INSERT INTO ${this.table}
         (projection, generation, event_id, position, error, stream_id, patient_id, event_type, recorded_at)
       SELECT $1, $2, * FROM unnest($3::uuid[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [
        this.projection,
        this.generation,
        failures.map(({ e }) => e.meta.eventId),
        failures.map(({ e }) => e.meta.position),
        failures.map(({ error }) => messageOf(error)),
        failures.map(({ e }) => e.meta.streamName),
        failures.map(({ e }) => patientOf(e)),
        failures.map(({ e }) => e.event.type),
        failures.map(({ e }) => e.meta.recordedAt),
      ],
    );
  }

  /** In the log's order, `after` a position, at most `limit`. */
  async list(executor: SqlQueryable, { limit, after }: { limit: number; after?: number }): Promise<ParkedEvent[]> {
    const { rows } = await executor.query<Row>(
      `SELECT ${this.columns} FROM ${this.table} AS p
       WHERE p.projection = $1 AND p.generation = $2 AND p.position > $3
       ORDER BY p.position LIMIT $4`,
      [this.projection, this.generation, after ?? 0, limit],
    );
    return rows.map(parkedEventOf);
  }

  async get(executor: SqlQueryable, eventId: string): Promise<ParkedEvent | undefined> {
    const { rows } = await executor.query<Row>(
      `SELECT ${this.columns} FROM ${this.table} AS p
       WHERE p.projection = $1 AND p.generation = $2 AND p.event_id = $3::uuid`,
      [this.projection, this.generation, eventId],
    );
    return rows[0] && parkedEventOf(rows[0]);
  }

  /** Every parked or skipped event of one patient: the events a re-derivation of their rows leaves out. */
  async ofPatient(executor: SqlQueryable, patientId: string): Promise<ParkedEvent[]> {
    const { rows } = await executor.query<Row>(
      `SELECT ${this.columns} FROM ${this.table} AS p
       WHERE p.projection = $1 AND p.generation = $2 AND p.patient_id = $3
       ORDER BY p.position`,
      [this.projection, this.generation, patientId],
    );
    return rows.map(parkedEventOf);
  }

  /** Marks a parked event skipped; undefined when it is not parked (unknown, or skipped already). */
  async skip(executor: SqlQueryable, eventId: string, by: string, reason: string): Promise<ParkedEvent | undefined> {
    const { rows } = await executor.query<Row>(
      `UPDATE ${this.table} AS p SET skipped_by = $4, skipped_at = now(), skip_reason = $5
       WHERE p.projection = $1 AND p.generation = $2 AND p.event_id = $3::uuid AND p.skipped_at IS NULL
       RETURNING ${this.columns}`,
      [this.projection, this.generation, eventId, by, reason],
    );
    return rows[0] && parkedEventOf(rows[0]);
  }

  /**
   * After a retry, in its transaction: a retried event that applied leaves the table, one that
   * failed again keeps its row with the new error; an event that had applied before and fails in
   * the re-derivation is parked now (it is no longer in the rows).
   */
  async settle(tx: SqlQueryable, retried: ReadonlySet<string>, failures: readonly Failure[]): Promise<void> {
    const failed = new Map(failures.map((f) => [f.e.meta.eventId, f]));
    const applied = [...retried].filter((eventId) => !failed.has(eventId));
    if (applied.length > 0)
      await tx.query(
        `DELETE FROM ${this.table} WHERE projection = $1 AND generation = $2 AND event_id = ANY($3::uuid[])`,
        [this.projection, this.generation, applied],
      );
    const again = [...retried].filter((eventId) => failed.has(eventId));
    if (again.length > 0)
      await tx.query(
        `UPDATE ${this.table} AS p SET error = f.error, last_retried_at = now()
         FROM unnest($3::uuid[], $4::text[]) AS f(event_id, error)
         WHERE p.projection = $1 AND p.generation = $2 AND p.event_id = f.event_id`,
        [this.projection, this.generation, again, again.map((eventId) => messageOf(failed.get(eventId)!.error))],
      );
    await this.park(
      tx,
      failures.filter((f) => !retried.has(f.e.meta.eventId)),
    );
  }
}

/** Events awaiting a decision (not skipped), per read model and generation: `name:generation`. */
export async function parkedCounts(executor: SqlQueryable, tables: ProjectionTables): Promise<Map<string, number>> {
  const { rows } = await executor.query<{ projection: string; generation: number; count: string | number }>(
    `SELECT projection, generation, count(*) AS count FROM ${tables.parked()}
     WHERE skipped_at IS NULL GROUP BY projection, generation`,
  );
  return new Map(rows.map((r) => [`${r.projection}:${r.generation}`, Number(r.count)]));
}

function patientOf(e: ProjectedEvent): string | null {
  const patientId = (e.event.data as { patientId?: unknown }).patientId;
  return typeof patientId === 'string' && patientId !== '' ? patientId : null;
}

const iso = (value: Date | null): string | null => (value === null ? null : new Date(value).toISOString());

function parkedEventOf(row: Row): ParkedEvent {
  return {
    eventId: row.event_id,
    position: Number(row.position),
    streamId: row.stream_id,
    patientId: row.patient_id,
    type: row.event_type,
    recordedAt: iso(row.recorded_at),
    error: row.error,
    parkedAt: iso(row.parked_at)!,
    lastRetriedAt: iso(row.last_retried_at),
    state: row.skipped_at === null ? 'parked' : 'skipped',
    skippedBy: row.skipped_by,
    skippedAt: iso(row.skipped_at),
    reason: row.skip_reason,
    retryRequestedAt: iso(row.retry_requested_at),
  };
}
