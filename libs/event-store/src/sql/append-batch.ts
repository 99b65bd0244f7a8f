import { randomUUID } from 'node:crypto';
import { MAX_EVENTS_PER_BATCH, type AppendResult, type StreamAppend } from '../event-store';
import { InvalidAppend, WrongExpectedVersion } from '../errors';
import { SqlState, sqlStateOf, type SqlDatabase, type SqlQueryable } from './sql-database';

/**
 * Checks a multi-stream append before anything is sent: the batch's size,
 * each stream once, and each stream's own append rules (`assertOne`).
 */
export function assertBatchAppendable(
  appends: readonly StreamAppend[],
  assertOne: (append: StreamAppend) => void,
): void {
  if (appends.length === 0) throw new InvalidAppend('a batch append needs at least one stream');
  const seen = new Set<string>();
  let total = 0;
  for (const append of appends) {
    assertOne(append);
    if (typeof append.expectedVersion !== 'number')
      throw new InvalidAppend(`a batch append states each stream's exact version (${append.streamId})`);
    if (seen.has(append.streamId))
      throw new InvalidAppend(`stream ${append.streamId} appears twice in one batch append`);
    seen.add(append.streamId);
    total += append.events.length;
  }
  if (total > MAX_EVENTS_PER_BATCH)
    throw new InvalidAppend(`a batch append takes at most ${MAX_EVENTS_PER_BATCH} events, got ${total}`);
}

/**
 * Appends to several streams in one transaction (docs/architecture.md,
 * "Batch appends"). The streams' rows are locked in stream-id order (so two
 * batches sharing streams queue instead of deadlocking) and their versions
 * compared with what the writer expects; then the stream rows are moved on
 * and every event is inserted by one statement, each stream's events in
 * version order, so the hash-chain trigger finds every predecessor (rows
 * inserted earlier by the same statement are visible to it). The events take
 * one transaction id, so the gap-safe order is kept as for any append.
 */
export async function appendBatchIn(
  database: SqlDatabase,
  s: string,
  appends: readonly StreamAppend[],
): Promise<AppendResult[]> {
  const streamIds = appends.map((a) => a.streamId);
  const rows: unknown[] = [];
  const eventIds = appends.map((append) =>
    append.events.map((event, i) => {
      const eventId = event.eventId ?? randomUUID();
      rows.push({
        ord: rows.length,
        stream_id: append.streamId,
        stream_version: append.expectedVersion + i + 1,
        event_id: eventId,
        event_type: event.type,
        schema_version: event.schemaVersion ?? 1,
        data: event.data,
        metadata: event.metadata ?? {},
        occurred_at: event.metadata?.occurredAt ?? null,
      });
      return eventId;
    }),
  );
  try {
    return await database.transaction(async (tx) => {
      await checkVersions(tx, s, appends);
      const { rows: moved } = await tx.query<{ stream_id: string }>(
        `WITH req AS (
           SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS r(stream_id, expected, n)
         ), moved AS (
           UPDATE ${s}.streams st SET version = r.expected + r.n FROM req r
           WHERE st.stream_id = r.stream_id AND r.expected > 0 AND st.version = r.expected
           RETURNING st.stream_id
         ), created AS (
           INSERT INTO ${s}.streams (stream_id, version)
           SELECT stream_id, n FROM req WHERE expected = 0 ORDER BY stream_id
           ON CONFLICT (stream_id) DO NOTHING
           RETURNING stream_id
         )
         SELECT stream_id FROM moved UNION ALL SELECT stream_id FROM created`,
        [streamIds, appends.map((a) => a.expectedVersion), appends.map((a) => a.events.length)],
      );
      if (moved.length !== appends.length) {
        // A stream created by another writer between the check and the insert.
        const done = new Set(moved.map((r) => r.stream_id));
        await checkVersions(
          tx,
          s,
          appends.filter((a) => !done.has(a.streamId)),
        );
        throw new Error('batch append: a stream row changed while the batch was appended');
      }
      const { rows: inserted } = await tx.query<{ position: string | number; transaction_id: string }>(
        `INSERT INTO ${s}.events
           (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at)
         SELECT e.stream_id, e.stream_version, e.event_id, e.event_type, e.schema_version, e.data, e.metadata, e.occurred_at
         FROM json_to_recordset($1::json) AS e(
           ord integer, stream_id text, stream_version bigint, event_id uuid, event_type text,
           schema_version integer, data jsonb, metadata jsonb, occurred_at timestamptz)
         ORDER BY e.ord
         RETURNING position, transaction_id::text AS transaction_id`,
        [JSON.stringify(rows)],
      );
      // RETURNING gives no order guarantee; positions follow the insert order, so sorting restores it.
      const positions = inserted.map((r) => Number(r.position)).sort((a, b) => a - b);
      const transactionId = inserted[0]!.transaction_id;
      let next = 0;
      return appends.map((append, i): AppendResult => {
        const taken = positions.slice(next, next + append.events.length);
        next += append.events.length;
        return {
          streamId: append.streamId,
          nextExpectedVersion: append.expectedVersion + append.events.length,
          positions: taken,
          eventIds: eventIds[i]!,
          transactionId,
          replayed: false,
        };
      });
    });
  } catch (error) {
    // The (stream, version) constraint is the last line of defence behind the locked check above.
    if (
      sqlStateOf(error) === SqlState.uniqueViolation &&
      String((error as { constraint?: string }).constraint).includes('stream_version')
    ) {
      const detail = String((error as { detail?: string }).detail ?? '');
      const clash = appends.find((a) => detail.includes(`(${a.streamId}, `)) ?? appends[0]!;
      throw new WrongExpectedVersion(clash.streamId, clash.expectedVersion, Number.NaN);
    }
    throw error;
  }
}

/** Locks the streams' rows (stream-id order) and throws WrongExpectedVersion for the first that moved. */
async function checkVersions(tx: SqlQueryable, s: string, appends: readonly StreamAppend[]): Promise<void> {
  if (appends.length === 0) return;
  const { rows } = await tx.query<{ stream_id: string; version: string | number }>(
    `SELECT stream_id, version FROM ${s}.streams WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE`,
    [appends.map((a) => a.streamId)],
  );
  const current = new Map(rows.map((r) => [r.stream_id, Number(r.version)]));
  for (const append of appends) {
    const actual = current.get(append.streamId) ?? 0;
    if (actual !== append.expectedVersion)
      throw new WrongExpectedVersion(append.streamId, append.expectedVersion, actual);
  }
}
