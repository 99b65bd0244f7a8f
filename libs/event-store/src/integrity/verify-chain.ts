import { createHash } from 'node:crypto';
import { quoteIdent, type SqlQueryable } from '../sql/sql-database';

export type ChainBreakReason =
  /** The stored hash no longer matches the event's content (an edited payload or metadata). */
  | 'content-changed'
  /** The event does not point at its predecessor's hash (an event removed or moved before it). */
  | 'link-broken'
  /** Versions in the stream are not 1, 2, 3, … (an event removed or two swapped). */
  | 'version-gap'
  /** The stream's recorded length differs from the events it holds (its last events removed). */
  | 'stream-length';

export interface ChainBreak {
  reason: ChainBreakReason;
  streamId: string;
  streamVersion: number | null;
  position: number | null;
}

export interface ChainReport {
  ok: boolean;
  eventsChecked: number;
  firstBreak: ChainBreak | null;
}

/**
 * Walks every stream's hash chain: recomputes each event's hash from its
 * stored content and its predecessor's hash, checks the links and the
 * version sequence, and the length each stream is recorded to have. Reports
 * the first break in global position order.
 */
export async function verifyEventChain(executor: SqlQueryable, schema: string): Promise<ChainReport> {
  const s = quoteIdent(schema);
  const { rows: breaks } = await executor.query<ChainCheckRow>(
    `WITH chain AS (
       SELECT position, stream_id, stream_version, hash, previous_hash,
              lag(hash) OVER w AS expected_previous,
              lag(stream_version) OVER w AS prior_version,
              ${recomputedHash(s)} AS recomputed
       FROM ${s}.events
       WINDOW w AS (PARTITION BY stream_id ORDER BY stream_version)
     )
     SELECT position, stream_id, stream_version,
            hash = recomputed AS content_ok,
            previous_hash IS NOT DISTINCT FROM expected_previous AS link_ok,
            stream_version = coalesce(prior_version, 0) + 1 AS version_ok
     FROM chain
     WHERE hash <> recomputed OR previous_hash IS DISTINCT FROM expected_previous
        OR stream_version <> coalesce(prior_version, 0) + 1
     ORDER BY position
     LIMIT 1`,
  );
  const { rows: counted } = await executor.query<{ events: string | number }>(
    `SELECT count(*) AS events FROM ${s}.events`,
  );
  const eventsChecked = Number(counted[0]?.events ?? 0);
  const first = breaks[0];
  if (first) return { ok: false, eventsChecked, firstBreak: chainBreakOf(first) };
  const shortened = await firstShortenedStream(executor, s);
  if (shortened) return { ok: false, eventsChecked, firstBreak: shortened };
  return { ok: true, eventsChecked, firstBreak: null };
}

/** SQL recomputing the hash of the `events` row aliased `e` from its stored content (`s` is the quoted schema). */
export function recomputedHash(s: string, e = ''): string {
  const c = (column: string) => (e === '' ? column : `${e}.${column}`);
  // An imported event hashes the transaction id it was first written under (migration 0011).
  const hashedTransactionId = `coalesce(${c('origin_transaction_id')}, ${c('transaction_id')})`;
  return `${s}.event_hash(${[
    c('previous_hash'),
    c('position'),
    hashedTransactionId,
    ...[
      'stream_id',
      'stream_version',
      'event_id',
      'event_type',
      'schema_version',
      'data',
      'metadata',
      'recorded_at',
      'occurred_at',
    ].map(c),
  ].join(', ')})`;
}

/** One event's checks, as the verifying queries return them. */
export interface ChainCheckRow {
  position: string | number;
  stream_id: string;
  stream_version: string | number;
  /** The stored hash equals the one recomputed from the stored content. */
  content_ok: boolean;
  /** The event points at its predecessor's hash. */
  link_ok: boolean;
  /** Its predecessor in the stream exists (versions 1, 2, 3, …). */
  version_ok: boolean;
}

/** A row that failed one of the checks, as a break; the version sequence is reported before content and links. */
export function chainBreakOf(row: Omit<ChainCheckRow, 'link_ok'>): ChainBreak {
  const reason: ChainBreakReason = !row.version_ok
    ? 'version-gap'
    : !row.content_ok
      ? 'content-changed'
      : 'link-broken';
  return {
    reason,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    position: Number(row.position),
  };
}

/** The first stream (by id) whose recorded length differs from the events it holds: its last events removed. */
export async function firstShortenedStream(executor: SqlQueryable, s: string): Promise<ChainBreak | null> {
  const { rows } = await executor.query<{ stream_id: string }>(
    `SELECT st.stream_id FROM ${s}.streams st
     LEFT JOIN (SELECT stream_id, count(*) AS events FROM ${s}.events GROUP BY stream_id) e USING (stream_id)
     WHERE coalesce(e.events, 0) <> st.version
     ORDER BY st.stream_id LIMIT 1`,
  );
  const stream = rows[0];
  return stream ? { reason: 'stream-length', streamId: stream.stream_id, streamVersion: null, position: null } : null;
}

export interface LogAnchor {
  /** The last position the digest covers. */
  position: number;
  /** SHA-256 over the hashes of every event up to `position`, in position order (hex). */
  digest: string;
  events: number;
}

/**
 * A digest of the whole log up to a position, to keep outside the database
 * (signed, printed, sent to another system). Recomputing it later shows
 * whether anything up to that position was changed, removed or reordered,
 * even by someone able to rewrite every hash in the database.
 */
export async function anchorLog(executor: SqlQueryable, schema: string, upTo?: number): Promise<LogAnchor> {
  const s = quoteIdent(schema);
  const digest = createHash('sha256');
  let after = 0;
  let events = 0;
  const limit = upTo ?? (await settledPosition(executor, s));
  for (;;) {
    const { rows } = await executor.query<{ position: string | number; hash: Buffer | Uint8Array }>(
      `SELECT position, hash FROM ${s}.events WHERE position > $1 AND position <= $2 ORDER BY position LIMIT 5000`,
      [after, limit],
    );
    if (rows.length === 0) break;
    for (const row of rows) digest.update(row.hash);
    events += rows.length;
    after = Number(rows[rows.length - 1]!.position);
  }
  return { position: limit, digest: digest.digest('hex'), events };
}

/*
 * Positions are taken when a transaction inserts, not when it commits: the
 * newest positions may still be joined by an older one committing late. An
 * anchor covers only events at least a minute old from finished
 * transactions, so recomputing it later gives the same digest.
 */
async function settledPosition(executor: SqlQueryable, s: string): Promise<number> {
  const { rows } = await executor.query<{ position: string | number | null }>(
    `SELECT max(position) AS position FROM ${s}.events
     WHERE recorded_at <= now() - interval '60 seconds' AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())`,
  );
  return Number(rows[0]?.position ?? 0);
}
