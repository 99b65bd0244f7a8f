import type { SqlQueryable } from '@caretrail/event-store';
import {
  accessRecordHash,
  canonicalContent,
  GENESIS_HASH,
  type AccessAction,
  type AccessOutcome,
  type AccessRecord,
  type AccessRecordInput,
} from './access-record';

/** A connection or pool with the schema holding CareTrail's tables (a SqlDatabase). */
export type AccessLogDatabase = SqlQueryable & { readonly schema: string };

export interface AccessLogFilter {
  patientId?: string;
  userId?: string;
  action?: AccessAction;
  outcome?: AccessOutcome;
  /** Records written at or after this instant (ISO 8601). */
  from?: string;
  /** Records written before this instant (ISO 8601, exclusive). */
  to?: string;
}

export type AccessLogOrder = 'asc' | 'desc';

export interface AccessLogPageRequest {
  order?: AccessLogOrder;
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface AccessLogPage {
  items: AccessRecord[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

interface AccessRow {
  id: string | number;
  recorded_at: Date | string;
  user_id: string | null;
  role: string | null;
  patient_id: string | null;
  category: string;
  action: AccessAction;
  outcome: AccessOutcome;
  status: number;
  method: string;
  route: string;
  client_address: string | null;
  correlation_id: string;
  detail: Record<string, unknown>;
  previous_hash: string;
  hash: string;
}

/** Records written in one round trip at most (the function loops over them under one lock). */
const MAX_BATCH = 200;

const COLUMNS =
  'id, recorded_at, user_id, role, patient_id, category, action, outcome, status, method, route, ' +
  'client_address, correlation_id, detail, previous_hash, hash';

/** A cursor is the id of the last record of a page: ids only grow, so keyset paging never skips or repeats. */
const CURSOR = /^[1-9]\d{0,17}$/;

export class InvalidCursor extends Error {
  constructor() {
    super('cursor must be a nextCursor this API returned');
    this.name = 'InvalidCursor';
  }
}

/**
 * The append-only access log (migration 0005): one global hash chain,
 * written one record per statement through `append_access_record`.
 */
export class AccessLog {
  private readonly s: string;

  constructor(private readonly db: AccessLogDatabase) {
    this.s = quoteIdent(db.schema);
  }

  /**
   * Appends one record. Records of concurrent callers are written together
   * (group commit): while one batch is being written the next ones queue,
   * and the next batch goes out as soon as it is done. A lone caller waits
   * for nothing; under load one lock and one commit serve many requests.
   * Resolves once the record is committed.
   */
  append(record: AccessRecordInput): Promise<AccessRecord> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record: sanitised(record), resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private readonly queue: Array<{
    record: AccessRecordInput;
    resolve(stored: AccessRecord): void;
    reject(error: unknown): void;
  }> = [];
  private writing = false;

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const stored = await this.appendAll(batch.map((b) => b.record));
          batch.forEach((b, i) => b.resolve(stored[i] as AccessRecord));
        } catch (error) {
          const [only] = batch;
          if (batch.length === 1 && only) {
            only.reject(error);
            continue;
          }
          // One bad record must not fail the requests that shared its batch: write them one by one.
          for (const b of batch)
            await this.appendAll([b.record]).then(([stored]) => b.resolve(stored as AccessRecord), b.reject);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async appendAll(records: AccessRecordInput[]): Promise<AccessRecord[]> {
    const column = <T>(pick: (r: AccessRecordInput) => T): T[] => records.map(pick);
    const { rows } = await this.db.query<{ id: string | number; previous_hash: string; hash: string }>(
      `SELECT id, previous_hash, hash FROM ${this.s}.append_access_records(
         $1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::int[], $10::text[], $11::text[], $12::text[], $13::text[], $14::jsonb[])`,
      [
        column(canonicalContent),
        column((r) => r.recordedAt),
        column((r) => r.userId),
        column((r) => r.role),
        column((r) => r.patientId),
        column((r) => r.category),
        column((r) => r.action),
        column((r) => r.outcome),
        column((r) => r.status),
        column((r) => r.method),
        column((r) => r.route),
        column((r) => r.clientAddress),
        column((r) => r.correlationId),
        column((r) => JSON.stringify(r.detail)),
      ],
    );
    if (rows.length !== records.length)
      throw new Error(`append_access_records wrote ${rows.length} of ${records.length} records`);
    return rows.map((row, i) => ({
      ...(records[i] as AccessRecordInput),
      id: Number(row.id),
      previousHash: row.previous_hash,
      hash: row.hash,
    }));
  }

  async page(
    filter: AccessLogFilter,
    { order = 'desc', limit = 100, cursor }: AccessLogPageRequest = {},
  ): Promise<AccessLogPage> {
    if (cursor !== undefined && !CURSOR.test(cursor)) throw new InvalidCursor();
    const items = await this.select(filter, order, limit + 1, cursor === undefined ? undefined : Number(cursor));
    const more = items.length > limit;
    const page = more ? items.slice(0, limit) : items;
    const last = page[page.length - 1];
    return { items: page, nextCursor: more && last ? String(last.id) : null };
  }

  /** Every matching record, read in pages of `batchSize` (an export of any size in bounded memory). */
  async *stream(
    filter: AccessLogFilter,
    order: AccessLogOrder = 'asc',
    batchSize = 1000,
  ): AsyncGenerator<AccessRecord> {
    let after: number | undefined;
    for (;;) {
      const batch = await this.select(filter, order, batchSize, after);
      yield* batch;
      const last = batch[batch.length - 1];
      if (!last || batch.length < batchSize) return;
      after = last.id;
    }
  }

  private async select(
    filter: AccessLogFilter,
    order: AccessLogOrder,
    limit: number,
    after: number | undefined,
  ): Promise<AccessRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (condition: (n: string) => string, value: unknown): void => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    if (filter.patientId !== undefined) add((n) => `patient_id = ${n}`, filter.patientId);
    if (filter.userId !== undefined) add((n) => `user_id = ${n}`, filter.userId);
    if (filter.action !== undefined) add((n) => `action = ${n}`, filter.action);
    if (filter.outcome !== undefined) add((n) => `outcome = ${n}`, filter.outcome);
    if (filter.from !== undefined) add((n) => `recorded_at >= ${n}::timestamptz`, filter.from);
    if (filter.to !== undefined) add((n) => `recorded_at < ${n}::timestamptz`, filter.to);
    if (after !== undefined) add((n) => (order === 'asc' ? `id > ${n}` : `id < ${n}`), after);
    params.push(limit);
    const { rows } = await this.db.query<AccessRow>(
      `SELECT ${COLUMNS} FROM ${this.s}.access_log
       ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
       ORDER BY id ${order === 'asc' ? 'ASC' : 'DESC'}
       LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRecord);
  }
}

export type AccessChainBreakReason =
  /** The stored hash does not match the record's content: a field was edited. */
  | 'content-changed'
  /** The record does not point at its predecessor's hash: a record before it was removed, inserted or moved. */
  | 'link-broken';

export interface AccessChainReport {
  ok: boolean;
  recordsChecked: number;
  firstBreak: { reason: AccessChainBreakReason; id: number } | null;
  /** The last record walked: keep its hash outside the database to detect later removal of the tail. */
  last: { id: number; hash: string } | null;
}

/**
 * Walks the access log's hash chain in id order, recomputing every hash
 * from the stored columns, and reports the first broken link with its id.
 * Removing the newest records leaves a valid shorter chain: compare `last`
 * with an anchor kept outside the database to catch that.
 */
export async function verifyAccessChain(
  executor: SqlQueryable & { readonly schema?: string },
  schema = executor.schema,
): Promise<AccessChainReport> {
  if (schema === undefined) throw new TypeError('verifyAccessChain needs the schema of the access log');
  const s = quoteIdent(schema);
  let expectedPrevious = GENESIS_HASH;
  let after = 0;
  let recordsChecked = 0;
  let last: AccessChainReport['last'] = null;
  for (;;) {
    const { rows } = await executor.query<AccessRow>(
      `SELECT ${COLUMNS} FROM ${s}.access_log WHERE id > $1 ORDER BY id LIMIT 5000`,
      [after],
    );
    for (const row of rows) {
      const record = toRecord(row);
      recordsChecked++;
      if (record.previousHash !== expectedPrevious)
        return { ok: false, recordsChecked, firstBreak: { reason: 'link-broken', id: record.id }, last };
      if (accessRecordHash(record.previousHash, record) !== record.hash) {
        return { ok: false, recordsChecked, firstBreak: { reason: 'content-changed', id: record.id }, last };
      }
      expectedPrevious = record.hash;
      last = { id: record.id, hash: record.hash };
    }
    const lastRow = rows[rows.length - 1];
    if (!lastRow) return { ok: true, recordsChecked, firstBreak: null, last };
    after = Number(lastRow.id);
  }
}

function toRecord(row: AccessRow): AccessRecord {
  return {
    id: Number(row.id),
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

/**
 * PostgreSQL text holds no U+0000 and the driver turns an unpaired surrogate
 * into U+FFFD: either would make the stored row differ from what was hashed
 * (or fail the insert). Request-derived strings (a patient id from the URL)
 * are made storable first, so what is hashed is exactly what is stored.
 */
function sanitised(record: AccessRecordInput): AccessRecordInput {
  return clean(record) as AccessRecordInput;
}

// eslint-disable-next-line no-control-regex -- finding U+0000 is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function clean(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(UNSTORABLE, '\uFFFD');
  if (Array.isArray(value)) return value.map(clean);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), clean(v)]));
  return value;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
