import { createHash } from 'node:crypto';
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

/** Records written in one round trip at most (the function loops over them under its chains' locks). */
const MAX_BATCH = 200;

/** The record parameters of `append_access_chain` and `append_access_chains`, after the chain(s) in `$1`. */
const RECORD_COLUMNS =
  '$2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], ' +
  '$10::int[], $11::text[], $12::text[], $13::text[], $14::text[], $15::jsonb[]';

function recordColumns(records: AccessRecordInput[]): unknown[] {
  const column = <T>(pick: (r: AccessRecordInput) => T): T[] => records.map(pick);
  return [
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
  ];
}

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
 * How many hash chains new records are spread over (docs/audit.md). Each
 * record stores its chain, so the verifier needs no configuration and the
 * number may change between releases without breaking a chain.
 */
export const ACCESS_CHAINS = 16;

/**
 * The chain of a record: a stable hash of the patient it is about, else of
 * the user, else of the client address. All records about one patient are
 * in one chain, in order; requests about other patients extend other chains
 * under other locks.
 */
export function accessChainOf(record: Pick<AccessRecordInput, 'patientId' | 'userId' | 'clientAddress'>): number {
  const key = record.patientId ?? record.userId ?? record.clientAddress ?? '';
  // FNV-1a over UTF-16 code units: cheap, stable across processes and versions.
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % ACCESS_CHAINS;
}

interface Pending {
  record: AccessRecordInput;
  resolve(stored: AccessRecord): void;
  reject(error: unknown): void;
}

/**
 * The append-only access log (migrations 0005, 0008 and 0014): records
 * spread over ACCESS_CHAINS hash chains by patient. `append` writes the
 * records of concurrent requests together through `append_access_chains`;
 * a record inside a caller's transaction goes through `append_access_chain`,
 * which locks its one chain.
 */
export class AccessLog {
  private readonly s: string;
  /** Records waiting for the next batch, in arrival order; null while no batch is being written. */
  private queue: Pending[] | null = null;

  constructor(private readonly db: AccessLogDatabase) {
    this.s = quoteIdent(db.schema);
  }

  /**
   * Appends one record. Records of concurrent callers are written together
   * (group commit): while one batch is being written the next records queue,
   * whatever their chains, and go out in one call and one commit as soon as
   * it is done. A lone caller waits for nothing. Resolves once the record is
   * committed.
   */
  append(record: AccessRecordInput): Promise<AccessRecord> {
    const clean = sanitised(record);
    return new Promise((resolve, reject) => {
      const pending = { record: clean, resolve, reject };
      if (this.queue) this.queue.push(pending);
      else {
        this.queue = [pending];
        void this.drain(this.queue);
      }
    });
  }

  /**
   * Appends one record with `executor`, inside a transaction the caller holds
   * (the events of the same request): the record commits with them or not at
   * all. Its chain stays locked until that transaction ends.
   */
  async appendWithin(executor: SqlQueryable, record: AccessRecordInput): Promise<AccessRecord> {
    const clean = sanitised(record);
    const [stored] = await this.appendAll(executor, [clean]);
    return stored as AccessRecord;
  }

  /**
   * The call that appends `record` to its chain, for a writer that runs it in
   * its own statement or transaction (the event store's `alongside`): a
   * set-returning function call with parameters from `$1`.
   */
  statementFor(record: AccessRecordInput): { call: string; params: unknown[] } {
    const clean = sanitised(record);
    return this.chainCall(accessChainOf(clean), [clean]);
  }

  private async drain(queue: Pending[]): Promise<void> {
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, MAX_BATCH);
        try {
          const stored = await this.appendAll(
            this.db,
            batch.map((b) => b.record),
          );
          batch.forEach((b, i) => b.resolve(stored[i] as AccessRecord));
        } catch (error) {
          const [only] = batch;
          if (batch.length === 1 && only) {
            only.reject(error);
            continue;
          }
          // One bad record must not fail the requests that shared its batch: write them one by one.
          for (const b of batch)
            await this.appendAll(this.db, [b.record]).then(([stored]) => b.resolve(stored as AccessRecord), b.reject);
        }
      }
    } finally {
      this.queue = null;
    }
  }

  /** Writes `records` in one statement: one chain's call for one record, else every chain's. */
  private async appendAll(executor: SqlQueryable, records: AccessRecordInput[]): Promise<AccessRecord[]> {
    const [first] = records;
    const { call, params } =
      records.length === 1 && first ? this.chainCall(accessChainOf(first), records) : this.chainsCall(records);
    const { rows } = await executor.query<{ id: string | number; previous_hash: string; hash: string }>(
      `SELECT id, previous_hash, hash FROM ${call}`,
      params,
    );
    if (rows.length !== records.length)
      throw new Error(`the access log wrote ${rows.length} of ${records.length} records`);
    return rows.map((row, i) => ({
      ...(records[i] as AccessRecordInput),
      id: Number(row.id),
      previousHash: row.previous_hash,
      hash: row.hash,
    }));
  }

  /** `append_access_chain` (0008): records of one chain, under that chain's lock only. */
  private chainCall(chain: number, records: AccessRecordInput[]): { call: string; params: unknown[] } {
    return {
      call: `${this.s}.append_access_chain($1::int, ${RECORD_COLUMNS})`,
      params: [chain, ...recordColumns(records)],
    };
  }

  /** `append_access_chains` (0014): records of any chains, every chain locked in ascending order. */
  private chainsCall(records: AccessRecordInput[]): { call: string; params: unknown[] } {
    return {
      call: `${this.s}.append_access_chains($1::int[], ${RECORD_COLUMNS})`,
      params: [records.map(accessChainOf), ...recordColumns(records)],
    };
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

export interface AccessChainBreak {
  reason: AccessChainBreakReason;
  /** The first record of the chain that does not verify. */
  id: number;
  chain: number;
}

export interface AccessChainHead {
  chain: number;
  records: number;
  /** The newest record of the chain that verified. */
  last: { id: number; hash: string } | null;
  /** The chain's first break; records after it in that chain are not checked. */
  firstBreak: AccessChainBreak | null;
}

export interface AccessChainReport {
  ok: boolean;
  recordsChecked: number;
  /** The break with the lowest id over all chains. */
  firstBreak: AccessChainBreak | null;
  /** The first break of each broken chain, by chain. */
  breaks: AccessChainBreak[];
  /** The newest record walked over all chains. */
  last: { id: number; hash: string } | null;
  /** Every chain's head, by chain. */
  chains: AccessChainHead[];
  /**
   * sha256 over every chain's number, length and head hash: a checkpoint of
   * the whole log. Keep it outside the database; removing the newest records
   * of any chain changes it.
   */
  checkpoint: string;
}

/**
 * Walks the access log's hash chains in id order, recomputing every hash
 * from the stored columns, and reports the first break of each chain with
 * its id (docs/audit.md). Removing the newest records of a chain leaves a
 * valid shorter chain: compare `checkpoint` (or the chains' `last`) with a
 * copy kept outside the database to catch that.
 */
export async function verifyAccessChain(
  executor: SqlQueryable & { readonly schema?: string },
  schema = executor.schema,
): Promise<AccessChainReport> {
  if (schema === undefined) throw new TypeError('verifyAccessChain needs the schema of the access log');
  const s = quoteIdent(schema);
  const chains = new Map<number, AccessChainHead & { expectedPrevious: string }>();
  let after = 0;
  let recordsChecked = 0;
  let last: AccessChainReport['last'] = null;
  for (;;) {
    const { rows } = await executor.query<AccessRow & { chain: number }>(
      `SELECT ${COLUMNS}, chain FROM ${s}.access_log WHERE id > $1 ORDER BY id LIMIT 5000`,
      [after],
    );
    for (const row of rows) {
      const record = toRecord(row);
      const chain = Number(row.chain);
      let head = chains.get(chain);
      if (!head) {
        head = { chain, records: 0, last: null, firstBreak: null, expectedPrevious: GENESIS_HASH };
        chains.set(chain, head);
      }
      last = { id: record.id, hash: record.hash };
      if (head.firstBreak) continue;
      recordsChecked++;
      head.records++;
      if (record.previousHash !== head.expectedPrevious)
        head.firstBreak = { reason: 'link-broken', id: record.id, chain };
      else if (accessRecordHash(record.previousHash, record) !== record.hash)
        head.firstBreak = { reason: 'content-changed', id: record.id, chain };
      else {
        head.expectedPrevious = record.hash;
        head.last = { id: record.id, hash: record.hash };
      }
    }
    const lastRow = rows[rows.length - 1];
    if (!lastRow) break;
    after = Number(lastRow.id);
  }
  const heads = [...chains.values()]
    .sort((x, y) => x.chain - y.chain)
    .map(({ expectedPrevious: _next, ...head }) => head);
  const breaks = heads.flatMap((head) => (head.firstBreak ? [head.firstBreak] : []));
  const firstBreak = breaks.reduce<AccessChainBreak | null>((a, b) => (a === null || b.id < a.id ? b : a), null);
  const checkpoint = createHash('sha256')
    .update(heads.map((head) => `${head.chain}:${head.records}:${head.last?.hash ?? GENESIS_HASH}`).join('\n'))
    .digest('hex');
  return { ok: firstBreak === null, recordsChecked, firstBreak, breaks, last, chains: heads, checkpoint };
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
