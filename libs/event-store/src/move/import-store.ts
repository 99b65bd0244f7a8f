import { migrate } from '../sql/migrations/migrate';
import { quoteIdent, type SqlDatabase, type SqlQueryable } from '../sql/sql-database';
import { StoreFileChecker, type AccessRecordHasher } from './store-file-checker';
import {
  StoreFileInvalid,
  type AccessRecordLine,
  type EventLine,
  type PatientKeyLine,
  type StoreFileHeader,
  type StoreFileLine,
} from './store-file';

export interface ImportProgress {
  section: 'events' | 'patient keys' | 'access records';
  /** Rows of the file written or found already written, over all sections. */
  done: number;
  total: number;
}

export interface ImportOptions {
  accessRecordHash: AccessRecordHasher;
  /** Rows per transaction (default 2,000). */
  batchRows?: number;
  onProgress?(progress: ImportProgress): void;
  /** For tests: stop with `ImportStopped` once this many batches have committed, as a killed process would. */
  stopAfterBatches?: number;
}

export interface ImportResult {
  header: StoreFileHeader;
  fileId: string;
  /** The line an interrupted import of the same file continued from; null for a fresh import. */
  resumedAtLine: number | null;
  written: { events: number; patientKeys: number; accessRecords: number };
  batches: number;
}

/** The target holds data of its own (or of another import): nothing is written. */
export class TargetNotEmpty extends Error {
  constructor(what: string) {
    super(
      `The target store is not empty (${what}). Import into a new, empty store (a new DATA_DIR, or a new ` +
        'database or DATABASE_SCHEMA); an interrupted import continues only with the same file.',
    );
    this.name = 'TargetNotEmpty';
  }
}

export class AlreadyImported extends Error {
  constructor(finishedAt: string) {
    super(`This file was already imported into the target store (finished ${finishedAt}); nothing to do.`);
    this.name = 'AlreadyImported';
  }
}

/** Another import of the same file moved the progress first: two imports must not write one target. */
export class ImportProgressMoved extends Error {
  constructor() {
    super('Another import into this store moved its progress meanwhile; run one import at a time.');
    this.name = 'ImportProgressMoved';
  }
}

/** The test hook `stopAfterBatches` was reached. */
export class ImportStopped extends Error {
  constructor(readonly nextLine: number) {
    super(`import stopped before line ${nextLine}`);
    this.name = 'ImportStopped';
  }
}

type Row = EventLine | PatientKeyLine | AccessRecordLine;

interface Batch {
  kind: Row['kind'];
  rows: Row[];
  /** Line of each row. */
  lines: number[];
}

const SECTION_OF = { event: 'events', 'patient-key': 'patient keys', 'access-record': 'access records' } as const;

/**
 * Writes an export file into an empty store (docs/architecture.md,
 * "Backups"): every line is checked before it is written (`StoreFileChecker`),
 * rows are written in batches of one transaction each, and each batch moves
 * the import's progress in `store_imports` in that same transaction, so an
 * import killed at any point continues after its last committed batch when
 * it is run again with the same file, duplicating and skipping nothing.
 *
 * Events keep their position, id, stream version, instants and the
 * transaction id their hash covers (`origin_transaction_id`); the chain
 * trigger recomputes every hash on the target and the batch fails unless it
 * equals the file's. The target's own transaction ids order them: a batch
 * ends wherever the file's positions go down, so ordering by the target's
 * (transaction_id, position) gives the file's order.
 */
export async function importStore(
  database: SqlDatabase,
  lines: AsyncIterable<string>,
  options: ImportOptions,
): Promise<ImportResult> {
  // Iterate at once: a line reader emits what it reads whether or not anyone listens yet.
  const input = lines[Symbol.asyncIterator]();
  await migrate(database);
  const s = quoteIdent(database.schema);
  const checker = new StoreFileChecker(options.accessRecordHash);
  const batchRows = options.batchRows ?? 2000;
  let header: StoreFileHeader | null = null;
  let nextLine = 0;
  let resumedAtLine: number | null = null;
  let batch: Batch | null = null;
  let batches = 0;
  let done = 0;
  const written = { events: 0, patientKeys: 0, accessRecords: 0 };

  const flush = async (): Promise<void> => {
    if (!batch || batch.rows.length === 0) return;
    const current = batch;
    batch = null;
    const from = current.lines[0]!;
    const to = current.lines[current.lines.length - 1]! + 1;
    await database.transaction(async (tx) => {
      if (current.kind === 'event') await insertEvents(tx, s, current);
      else if (current.kind === 'patient-key') await insertKeys(tx, s, current.rows as PatientKeyLine[]);
      else await insertAccessRecords(tx, s, current.rows as AccessRecordLine[]);
      await moveProgress(tx, s, checker.fileId, from, to);
    });
    nextLine = to;
    batches++;
    if (current.kind === 'event') written.events += current.rows.length;
    else if (current.kind === 'patient-key') written.patientKeys += current.rows.length;
    else written.accessRecords += current.rows.length;
    if (options.stopAfterBatches !== undefined && batches >= options.stopAfterBatches) throw new ImportStopped(to);
  };

  for (let next = await input.next(); !next.done; next = await input.next()) {
    const text = next.value;
    const line = checker.nextLine;
    const record: StoreFileLine = checker.check(text);
    if (record.kind === 'header') {
      header = record;
      ({ nextLine, resumedAtLine } = await claim(database, s, checker.fileId, header));
      continue;
    }
    if (record.kind === 'end') {
      await flush();
      await finish(database, s, checker.fileId);
      // A bulk load: the planner learns the tables' real sizes now (docs/performance.md, "Planner
      // statistics after a bulk load").
      await database.exec(`ANALYZE ${s}.events, ${s}.streams, ${s}.access_log`);
      await input.return?.();
      break;
    }
    const total = header!.counts.events + header!.counts.patientKeys + header!.counts.accessRecords;
    done++;
    if (line < nextLine) {
      if (done % batchRows === 0) options.onProgress?.({ section: SECTION_OF[record.kind], done, total });
      continue;
    }
    const endsBatch =
      batch !== null &&
      (batch.kind !== record.kind ||
        batch.rows.length >= batchRows ||
        (record.kind === 'event' && record.position < (batch.rows[batch.rows.length - 1] as EventLine).position));
    if (endsBatch) {
      await flush();
      options.onProgress?.({ section: SECTION_OF[record.kind], done: done - 1, total });
    }
    batch ??= { kind: record.kind, rows: [], lines: [] };
    batch.rows.push(record);
    batch.lines.push(line);
  }
  checker.finish();
  return { header: header!, fileId: checker.fileId, resumedAtLine, written, batches };
}

/** Starts a new import on an empty target, or finds where the same file's import stopped. */
async function claim(
  database: SqlDatabase,
  s: string,
  fileId: string,
  header: StoreFileHeader,
): Promise<{ nextLine: number; resumedAtLine: number | null }> {
  const { rows } = await database.query<{ next_line: string | number; finished_at: Date | null }>(
    `SELECT next_line, finished_at FROM ${s}.store_imports WHERE file_id = $1`,
    [fileId],
  );
  const earlier = rows[0];
  if (earlier?.finished_at) throw new AlreadyImported(earlier.finished_at.toISOString());
  if (earlier) return { nextLine: Number(earlier.next_line), resumedAtLine: Number(earlier.next_line) };
  const { rows: held } = await database.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM ${s}.events)::text AS events,
            (SELECT count(*) FROM ${s}.access_log)::text AS "access records",
            (SELECT count(*) FROM ${s}.patient_keys)::text AS "patient keys",
            (SELECT count(*) FROM ${s}.streams)::text AS streams,
            (SELECT count(*) FROM ${s}.idempotency_keys)::text AS "idempotency keys",
            (SELECT count(*) FROM ${s}.store_imports)::text AS "imports of another file"`,
  );
  const nonEmpty = Object.entries(held[0]!).filter(([, count]) => count !== '0');
  if (nonEmpty.length > 0) throw new TargetNotEmpty(nonEmpty.map(([what, count]) => `${count} ${what}`).join(', '));
  await database.query(`INSERT INTO ${s}.store_imports (file_id, header, next_line) VALUES ($1, $2, 2)`, [
    fileId,
    JSON.stringify(header),
  ]);
  return { nextLine: 2, resumedAtLine: null };
}

/** Compare-and-set of the progress, in the batch's transaction. */
async function moveProgress(tx: SqlQueryable, s: string, fileId: string, from: number, to: number): Promise<void> {
  const { rows } = await tx.query(
    `UPDATE ${s}.store_imports SET next_line = $3
     WHERE file_id = $1 AND next_line <= $2 AND finished_at IS NULL RETURNING file_id`,
    [fileId, from, to],
  );
  if (rows.length === 0) throw new ImportProgressMoved();
}

/** The identity columns continue after the imported rows; the import is over. */
async function finish(database: SqlDatabase, s: string, fileId: string): Promise<void> {
  await database.transaction(async (tx) => {
    for (const [table, column] of [
      ['events', 'position'],
      ['access_log', 'id'],
    ] as const) {
      await tx.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), greatest((SELECT max(${column}) FROM ${s}.${table}), 1),
                (SELECT count(*) > 0 FROM ${s}.${table}))`,
        [`${s}.${table}`, column],
      );
    }
    await tx.query(`UPDATE ${s}.store_imports SET finished_at = now() WHERE file_id = $1`, [fileId]);
  });
}

async function insertEvents(tx: SqlQueryable, s: string, batch: Batch): Promise<void> {
  const events = batch.rows as EventLine[];
  const { rows } = await tx.query<{ position: string | number; hash: string }>(
    `INSERT INTO ${s}.events (position, origin_transaction_id, stream_id, stream_version, event_id, event_type,
                              schema_version, data, metadata, recorded_at, occurred_at)
     OVERRIDING SYSTEM VALUE
     SELECT r.position, r."transactionId"::xid8, r."streamId", r."streamVersion", r."eventId", r.type,
            r."schemaVersion", r.data::jsonb, r.metadata::jsonb, r."recordedAt", r."occurredAt"
     FROM json_to_recordset($1::json) AS r(position bigint, "transactionId" text, "streamId" text,
       "streamVersion" bigint, "eventId" uuid, type text, "schemaVersion" integer, data text, metadata text,
       "recordedAt" timestamptz, "occurredAt" timestamptz)
     ORDER BY r.position
     RETURNING position, encode(hash, 'hex') AS hash`,
    [JSON.stringify(events)],
  );
  const computed = new Map(rows.map((row) => [Number(row.position), row.hash]));
  events.forEach((event, i) => {
    if (computed.get(event.position) !== event.hash)
      throw new StoreFileInvalid(
        batch.lines[i]!,
        `the target computed another hash for ${event.streamId} version ${event.streamVersion} than the file holds`,
      );
  });
  await tx.query(
    `INSERT INTO ${s}.streams AS st (stream_id, version)
     SELECT r."streamId", max(r."streamVersion") FROM json_to_recordset($1::json) AS r("streamId" text, "streamVersion" bigint)
     GROUP BY r."streamId"
     ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version WHERE st.version < excluded.version`,
    [JSON.stringify(events.map(({ streamId, streamVersion }) => ({ streamId, streamVersion })))],
  );
}

async function insertKeys(tx: SqlQueryable, s: string, keys: PatientKeyLine[]): Promise<void> {
  await tx.query(
    `INSERT INTO ${s}.patient_keys (patient_id, key, created_at, destroyed_at)
     SELECT r."patientId", decode(r.key, 'base64'), r."createdAt", r."destroyedAt"
     FROM json_to_recordset($1::json) AS r("patientId" text, key text, "createdAt" timestamptz, "destroyedAt" timestamptz)`,
    [JSON.stringify(keys)],
  );
}

async function insertAccessRecords(tx: SqlQueryable, s: string, records: AccessRecordLine[]): Promise<void> {
  await tx.query(
    `INSERT INTO ${s}.access_log (id, chain, recorded_at, user_id, role, patient_id, category, action, outcome, status,
                                  method, route, client_address, correlation_id, detail, previous_hash, hash)
     OVERRIDING SYSTEM VALUE
     SELECT r.id, r.chain, r."recordedAt", r."userId", r.role, r."patientId", r.category, r.action, r.outcome, r.status,
            r.method, r.route, r."clientAddress", r."correlationId", r.detail, r."previousHash", r.hash
     FROM json_to_recordset($1::json) AS r(id bigint, chain smallint, "recordedAt" timestamptz, "userId" text,
       role text, "patientId" text, category text, action text, outcome text, status integer, method text, route text,
       "clientAddress" text, "correlationId" text, detail jsonb, "previousHash" text, hash text)
     ORDER BY r.id`,
    [JSON.stringify(records)],
  );
}
