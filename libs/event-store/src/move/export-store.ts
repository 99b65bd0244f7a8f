import { randomUUID } from 'node:crypto';
import { quoteIdent, type SqlDatabase, type SqlQueryable } from '../sql/sql-database';
import {
  STORE_FILE_FORMAT,
  STORE_FILE_VERSION,
  StoreFileDigest,
  type AccessRecordLine,
  type EventLine,
  type PatientKeyLine,
  type StoreFileHeader,
} from './store-file';

/** The migration whose tables the file carries at the least (the access log's chains). */
const OLDEST_EXPORTABLE = '0008-access-log-chains';
const PAGE = 2000;

export interface ExportProgress {
  section: 'events' | 'patient keys' | 'access records';
  /** Rows written so far, over all sections. */
  done: number;
  /** Rows in the file: events, patient keys and access records. */
  total: number;
}

export interface ExportOptions {
  /** Receives each line with its newline; resolves when the line may be followed by the next (backpressure). */
  write(text: string): Promise<void> | void;
  onProgress?(progress: ExportProgress): void;
}

/** The source's schema is older than the file format needs, or holds no store at all. */
export class StoreNotExportable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreNotExportable';
  }
}

/**
 * Writes the whole store in the `store export` format (./store-file.ts)
 * from one REPEATABLE READ, READ ONLY snapshot, so the counts, the log, the
 * keys and the access log are of one instant, whatever runs meanwhile.
 *
 * It never opens the store for writing, applies no migration and does not
 * check transaction ids: it reads a restored copy that refuses to open
 * (docs/architecture.md, "Backups"). Within one snapshot no row can appear
 * behind the reader, so ordering by the stored (transaction_id, position)
 * gives the source's global order without the gap-safe reader's wait.
 */
export async function exportStore(database: SqlDatabase, options: ExportOptions): Promise<StoreFileHeader> {
  const s = quoteIdent(database.schema);
  return database.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const migrations = await appliedMigrations(tx, database.schema);
    if (!migrations.includes(OLDEST_EXPORTABLE))
      throw new StoreNotExportable(
        `The schema "${database.schema}" is not a CareTrail store at migration ${OLDEST_EXPORTABLE} or later ` +
          `(applied: ${migrations.at(-1) ?? 'none'}); open it once with this release to migrate it, then export.`,
      );
    const header = await headerOf(tx, s, database, migrations);
    const digest = new StoreFileDigest();
    const emit = (line: object) => options.write(digest.add(JSON.stringify(line)));
    await emit(header);
    const hashedTransactionId = migrations.includes('0011-store-import')
      ? 'coalesce(origin_transaction_id, transaction_id)'
      : 'transaction_id';
    const { events, patientKeys, accessRecords } = header.counts;
    const progress = { done: 0, total: events + patientKeys + accessRecords, onProgress: options.onProgress };
    await pages(
      'events',
      (after: { transactionId: string; position: number } | null) =>
        tx.query<EventRow>(
          `SELECT position, transaction_id::text AS transaction_id, ${hashedTransactionId}::text AS hashed_transaction_id,
                  stream_id, stream_version, event_id::text AS event_id, event_type, schema_version,
                  data::text AS data, metadata::text AS metadata, recorded_at, occurred_at,
                  encode(previous_hash, 'hex') AS previous_hash, encode(hash, 'hex') AS hash
           FROM ${s}.events e
           WHERE (e.transaction_id, e.position) > ($1::xid8, $2::bigint)
           ORDER BY e.transaction_id, e.position
           LIMIT ${PAGE}`,
          [after?.transactionId ?? '0', after?.position ?? 0],
        ),
      (row) => ({ transactionId: row.transaction_id, position: Number(row.position) }),
      (row) => emit(eventLine(row)),
      progress,
    );
    await pages(
      'patient keys',
      (after: string | null) =>
        tx.query<KeyRow>(
          `SELECT patient_id, key, created_at, destroyed_at FROM ${s}.patient_keys
           WHERE $1::text IS NULL OR patient_id > $1 ORDER BY patient_id LIMIT ${PAGE}`,
          [after],
        ),
      (row) => row.patient_id,
      (row) => emit(keyLine(row)),
      progress,
    );
    await pages(
      'access records',
      (after: number | null) =>
        tx.query<AccessRow>(
          `SELECT id, chain, recorded_at, user_id, role, patient_id, category, action, outcome, status, method, route,
                  client_address, correlation_id, detail, previous_hash, hash
           FROM ${s}.access_log WHERE id > $1 ORDER BY id LIMIT ${PAGE}`,
          [after ?? 0],
        ),
      (row) => Number(row.id),
      (row) => emit(accessLine(row)),
      progress,
    );
    await options.write(`${JSON.stringify(digest.end())}\n`);
    return header;
  });
}

/** Keyset pages of one section, each row written before the next page is asked for. */
async function pages<Row, Key>(
  section: ExportProgress['section'],
  page: (after: Key | null) => Promise<{ rows: Row[] }>,
  keyOf: (row: Row) => Key,
  write: (row: Row) => Promise<void> | void,
  progress: { done: number; total: number; onProgress: ExportOptions['onProgress'] },
): Promise<void> {
  let after: Key | null = null;
  for (;;) {
    const { rows } = await page(after);
    for (const row of rows) await write(row);
    progress.done += rows.length;
    progress.onProgress?.({ section, done: progress.done, total: progress.total });
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < PAGE) return;
    after = keyOf(last);
  }
}

async function appliedMigrations(tx: SqlQueryable, schema: string): Promise<string[]> {
  const { rows: found } = await tx.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    `${quoteIdent(schema)}.schema_migrations`,
  ]);
  if (!found[0]?.present) return [];
  const { rows } = await tx.query<{ name: string }>(
    `SELECT name FROM ${quoteIdent(schema)}.schema_migrations ORDER BY name`,
  );
  return rows.map((r) => r.name);
}

async function headerOf(
  tx: SqlQueryable,
  s: string,
  database: SqlDatabase,
  migrations: string[],
): Promise<StoreFileHeader> {
  const { rows } = await tx.query<{ events: string; keys: string; records: string; head: string }>(
    `SELECT (SELECT count(*) FROM ${s}.events)::text AS events,
            (SELECT count(*) FROM ${s}.patient_keys)::text AS keys,
            (SELECT count(*) FROM ${s}.access_log)::text AS records,
            (SELECT coalesce(max(position), 0) FROM ${s}.events)::text AS head`,
  );
  const counts = rows[0]!;
  return {
    kind: 'header',
    format: STORE_FILE_FORMAT,
    version: STORE_FILE_VERSION,
    exportId: randomUUID(),
    exportedAt: new Date().toISOString(),
    source: { backend: database.backend, schema: database.schema, migrations },
    counts: { events: Number(counts.events), patientKeys: Number(counts.keys), accessRecords: Number(counts.records) },
    headPosition: Number(counts.head),
  };
}

interface EventRow {
  position: string | number;
  transaction_id: string;
  hashed_transaction_id: string;
  stream_id: string;
  stream_version: string | number;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: Date;
  occurred_at: Date | null;
  previous_hash: string | null;
  hash: string;
}

function eventLine(row: EventRow): EventLine {
  return {
    kind: 'event',
    position: Number(row.position),
    transactionId: row.hashed_transaction_id,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    eventId: row.event_id,
    type: row.event_type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at.toISOString(),
    occurredAt: row.occurred_at === null ? null : row.occurred_at.toISOString(),
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

interface KeyRow {
  patient_id: string;
  key: Uint8Array | null;
  created_at: Date;
  destroyed_at: Date | null;
}

function keyLine(row: KeyRow): PatientKeyLine {
  return {
    kind: 'patient-key',
    patientId: row.patient_id,
    key: row.key === null ? null : Buffer.from(row.key).toString('base64'),
    createdAt: row.created_at.toISOString(),
    destroyedAt: row.destroyed_at === null ? null : row.destroyed_at.toISOString(),
  };
}

interface AccessRow {
  id: string | number;
  chain: number;
  recorded_at: Date;
  user_id: string | null;
  role: string | null;
  patient_id: string | null;
  category: string;
  action: string;
  outcome: string;
  status: number;
  method: string;
  route: string;
  client_address: string | null;
  correlation_id: string;
  detail: Record<string, unknown>;
  previous_hash: string;
  hash: string;
}

function accessLine(row: AccessRow): AccessRecordLine {
  return {
    kind: 'access-record',
    id: Number(row.id),
    chain: Number(row.chain),
    recordedAt: new Date(row.recorded_at).toISOString(),
    userId: row.user_id,
    role: row.role,
    patientId: row.patient_id,
    category: row.category,
    action: row.action,
    outcome: row.outcome,
    status: row.status,
    method: row.method,
    route: row.route,
    clientAddress: row.client_address,
    correlationId: row.correlation_id,
    detail: row.detail,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}
