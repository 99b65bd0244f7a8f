import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { tracer, type EventStoreTimings } from '@caretrail/observability';
import {
  MAX_EVENTS_PER_APPEND,
  START,
  type AppendOptions,
  type AppendResult,
  type Checkpoint,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  type IdempotentResult,
  type LogLag,
  type NewEvent,
  type ReadAllOptions,
  type ReadPatientOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type StreamAppend,
  type StoreStatus,
  type VerifiedHead,
  type WaitOptions,
} from '../event-store';
import {
  ChainNotVerified,
  IdempotencyKeyReused,
  InvalidAppend,
  StoreImportUnfinished,
  TransactionIdsWentBackwards,
  WrongExpectedVersion,
} from '../errors';
import { appendBatchIn, assertBatchAppendable } from './append-batch';
import { migrate } from './migrations/migrate';
import { quoteIdent, sqlDetailOf, SqlState, sqlStateOf, type SqlDatabase, type SqlQueryable } from './sql-database';
import { checkReadVersions, runAlongside, singleAppendExtras } from './read-versions';
import { WakeUps } from './wake-ups';
import { verifiedHeadsCte, verifiedHeadsOf } from '../integrity/verified-heads';

const MAX_STREAM_ID_LENGTH = 200;

interface EventRow {
  position: string | number;
  transaction_id: string;
  stream_id: string;
  stream_version: string | number;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  /** ISO 8601 in UTC with milliseconds, as StoredEvent carries it (ISO_INSTANT below). */
  recorded_at: string;
  occurred_at: string | null;
}

/**
 * An instant as the text StoredEvent carries (`2026-11-01T08:00:00.000Z`), formatted by the
 * server: the columns hold milliseconds, and a rebuild reads millions of rows, so the driver
 * neither parses each into a Date nor formats it back (docs/performance.md, "Projections").
 */
const isoInstant = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;

const EVENT_COLUMNS =
  'position, transaction_id::text AS transaction_id, stream_id, stream_version, event_id, event_type, ' +
  `schema_version, data, metadata, ${isoInstant('recorded_at')}, ${isoInstant('occurred_at')}`;

/**
 * The event store over any SQL back end that speaks PostgreSQL: the
 * PostgreSQL and PGlite adapters only differ in how they connect.
 */
export class SqlEventStore implements EventStore {
  private readonly s: string;
  private readonly wakeUps: WakeUps;
  private timings: EventStoreTimings | undefined;

  private constructor(readonly database: SqlDatabase) {
    this.s = quoteIdent(database.schema);
    this.wakeUps = new WakeUps(database, `caretrail_events:${database.schema}`);
  }

  /** Applies pending migrations and checks the log is safe to append to. */
  static async open(database: SqlDatabase): Promise<SqlEventStore> {
    await migrate(database);
    const store = new SqlEventStore(database);
    await store.checkTransactionIds();
    await store.checkNoUnfinishedImport();
    return store;
  }

  /** Reports each append's and each read's time from now on (the process's metrics: docs/deployment.md, Metrics). */
  observe(timings: EventStoreTimings): void {
    this.timings = timings;
  }

  /**
   * Appends in a span of its own (a child of the command's: docs/deployment.md, Traces) and
   * reports its time and outcome; a refusal because the stream moved is a conflict.
   */
  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const started = performance.now();
    return tracer().startActiveSpan(
      'event-store append',
      { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'caretrail.event_count': events.length } },
      async (span) => {
        try {
          const result = await this.appendUntimed(streamId, events, options);
          this.timings?.appended((performance.now() - started) / 1000, 'ok');
          return result;
        } catch (error) {
          const conflict = error instanceof WrongExpectedVersion;
          this.timings?.appended((performance.now() - started) / 1000, conflict ? 'conflict' : 'error');
          span.setStatus({ code: SpanStatusCode.ERROR, message: conflict ? 'version conflict' : 'append failed' });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  private async appendUntimed(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    // One event without a key is one statement whatever it carries; otherwise a transaction holds the parts.
    const oneStatement =
      (options.readVersions === undefined && options.alongside === undefined && options.verifiedHeads === undefined) ||
      (events.length === 1 && options.idempotencyKey === undefined);
    const result = oneStatement
      ? await this.appendWithin(this.database, streamId, events, options)
      : await this.database.transaction((tx) => this.appendWithAlongside(tx, streamId, events, options));
    if (!result.replayed) this.signalNewEvents();
    return result;
  }

  /** Several streams in one transaction, all or nothing (./append-batch.ts). */
  async appendBatch(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    assertBatchAppendable(appends, (a) => assertAppendable(a.streamId, a.events, a.expectedVersion));
    const results = await appendBatchIn(this.database, this.s, appends);
    this.signalNewEvents();
    return results;
  }

  /** The append with its chains and read versions checked first and its `alongside` work after, in one transaction. */
  private async appendWithAlongside(
    tx: SqlQueryable,
    streamId: string,
    events: NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const verifiedHeads = options.verifiedHeads && (await verifyHeadsWithin(tx, this.s, options.verifiedHeads));
    if (options.readVersions) await checkReadVersions(tx, this.s, options.readVersions);
    const result = await this.appendWithin(tx, streamId, events, {
      ...options,
      readVersions: undefined,
      alongside: undefined,
      verifiedHeads: undefined,
    });
    if (options.alongside) await runAlongside(tx, options.alongside);
    return verifiedHeads ? { ...result, verifiedHeads } : result;
  }

  /**
   * Appends inside a transaction the caller holds. Call signalNewEvents()
   * after committing so that waiting readers wake at once.
   */
  async appendWithin(
    executor: SqlQueryable,
    streamId: string,
    events: NewEvent[],
    { expectedVersion, idempotencyKey, requestHash, readVersions, alongside, verifiedHeads }: AppendOptions,
  ): Promise<AppendResult> {
    assertAppendable(streamId, events, expectedVersion);
    if (events.length === 1 && idempotencyKey === undefined) {
      return this.appendOne(executor, streamId, events[0]!, expectedVersion, {
        readVersions,
        alongside,
        verifiedHeads,
      });
    }
    if (readVersions !== undefined || alongside !== undefined || verifiedHeads !== undefined)
      return this.appendWithAlongside(executor, streamId, events, {
        expectedVersion,
        idempotencyKey,
        requestHash,
        readVersions,
        alongside,
        verifiedHeads,
      });
    const [expected, version] = expectedVersionParams(expectedVersion);
    const eventIds = events.map((e) => e.eventId ?? randomUUID());
    const metadata = events.map((e) =>
      JSON.stringify(idempotencyKey === undefined ? (e.metadata ?? {}) : { ...e.metadata, idempotencyKey }),
    );
    try {
      const { rows } = await executor.query<{ result: AppendResult }>(
        `SELECT ${this.s}.append_events_checked($1, $2, $3, $4::uuid[], $5::text[], $6::int[], $7::jsonb[], $8::jsonb[], $9::timestamptz[], $10, $11) AS result`,
        [
          streamId,
          expected,
          version,
          eventIds,
          events.map((e) => e.type),
          events.map((e) => e.schemaVersion ?? 1),
          events.map((e) => JSON.stringify(e.data)),
          metadata,
          events.map((e) => e.metadata?.occurredAt ?? null),
          idempotencyKey ?? null,
          requestHash ?? null,
        ],
      );
      return rows[0]!.result;
    } catch (error) {
      throw this.translate(error, streamId, expectedVersion, idempotencyKey);
    }
  }

  /*
   * The common case (a phone reporting one dose) in one plain statement with
   * scalar parameters: the stream's conditional write and the insert in one
   * round trip, without the function's array handling. The same guarantees
   * hold: the stream row is the lock, (stream, version) is unique.
   */
  private async appendOne(
    executor: SqlQueryable,
    streamId: string,
    event: NewEvent,
    expected: ExpectedVersion,
    with_: Pick<AppendOptions, 'readVersions' | 'alongside' | 'verifiedHeads'> = {},
  ): Promise<AppendResult> {
    // The read versions and the chains guard the stream's write; the alongside call joins the inserted
    // event (./read-versions.ts, ../integrity/verified-heads.ts).
    const extras = singleAppendExtras(this.s, with_, 8);
    const chain = with_.verifiedHeads && verifiedHeadsCte(this.s, with_.verifiedHeads, 8 + extras.params.length);
    const guard = chain ? `${extras.guard} AND ${chain.ok}` : extras.guard;
    const streamWrite =
      expected === 0 || expected === 'no-stream'
        ? `INSERT INTO ${this.s}.streams (stream_id, version) SELECT $1, 1 WHERE ${guard} ON CONFLICT (stream_id) DO NOTHING RETURNING version`
        : expected === 'any'
          ? `INSERT INTO ${this.s}.streams AS st (stream_id, version) SELECT $1, 1 WHERE ${guard}
             ON CONFLICT (stream_id) DO UPDATE SET version = st.version + 1 RETURNING version`
          : expected === 'stream-exists'
            ? `UPDATE ${this.s}.streams SET version = version + 1 WHERE stream_id = $1 AND ${guard} RETURNING version`
            : `UPDATE ${this.s}.streams SET version = version + 1 WHERE stream_id = $1 AND version = ${Number(expected)} AND ${guard} RETURNING version`;
    const eventId = event.eventId ?? randomUUID();
    let rows: Array<{
      position: string | number;
      version: string | number;
      transaction_id: string;
      verified?: unknown;
    }>;
    try {
      ({ rows } = await executor.query(
        `WITH ${chain ? `${chain.cte},` : ''} stream AS (${streamWrite}),
         inserted AS (
           INSERT INTO ${this.s}.events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at)
           SELECT $1, stream.version, $2, $3, $4, $5, $6, $7 FROM stream
           RETURNING position, stream_version AS version, transaction_id::text AS transaction_id)
         SELECT inserted.*${chain ? `, ${chain.verified} AS verified` : ''} FROM inserted ${extras.join}`,
        [
          streamId,
          eventId,
          event.type,
          event.schemaVersion ?? 1,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata ?? {}),
          event.metadata?.occurredAt ?? null,
          ...extras.params,
          ...(chain?.params ?? []),
        ],
      ));
    } catch (error) {
      throw this.translate(error, streamId, expected, undefined);
    }
    const row = rows[0];
    if (!row) {
      // A stream read that moved is named rather than the target (its write was refused for it).
      if (with_.readVersions) await checkReadVersions(executor, this.s, with_.readVersions);
      // Asked on the caller's executor: on PGlite a query outside its open transaction would wait for it.
      const { rows: current } = await executor.query<{ version: string | number }>(
        `SELECT version FROM ${this.s}.streams WHERE stream_id = $1`,
        [streamId],
      );
      const actual = Number(current[0]?.version ?? 0);
      // Every version held: the chains are what refused the write.
      if (with_.verifiedHeads && versionHolds(expected, actual))
        throw new ChainNotVerified(Object.keys(with_.verifiedHeads));
      throw new WrongExpectedVersion(streamId, expected, actual);
    }
    return {
      streamId,
      nextExpectedVersion: Number(row.version),
      positions: [Number(row.position)],
      eventIds: [eventId],
      transactionId: row.transaction_id,
      replayed: false,
      ...(chain ? { verifiedHeads: verifiedHeadsOf(row.verified) } : {}),
    };
  }

  signalNewEvents(): void {
    this.wakeUps.signal();
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const started = performance.now();
    const { rows } = await this.database.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.s}.events
       WHERE stream_id = $1 AND stream_version >= $2
         AND ($3::bigint IS NULL OR position <= $3)
         AND ($4::timestamptz IS NULL OR recorded_at <= $4)
       ORDER BY stream_version
       LIMIT $5`,
      [
        streamId,
        options.fromVersion ?? 1,
        options.toPosition ?? null,
        options.recordedUntil ?? null,
        options.limit ?? null,
      ],
    );
    this.timings?.read('stream', (performance.now() - started) / 1000);
    return rows.map(toStoredEvent);
  }

  async idempotentResult(idempotencyKey: string): Promise<IdempotentResult | undefined> {
    // An append still in flight stores '{}' until it commits; only other
    // sessions see that row, and only once it is complete.
    const { rows } = await this.database.query<{ result: AppendResult; request_hash: string | null }>(
      `SELECT result || '{"replayed": true}'::jsonb AS result, request_hash
       FROM ${this.s}.idempotency_keys WHERE idempotency_key = $1`,
      [idempotencyKey],
    );
    const row = rows[0];
    if (!row) return undefined;
    return row.request_hash === null ? row.result : { ...row.result, requestHash: row.request_hash };
  }

  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.database.query<{ version: string | number }>(
      `SELECT version FROM ${this.s}.streams WHERE stream_id = $1`,
      [streamId],
    );
    return rows.length === 0 ? 0 : Number(rows[0]!.version);
  }

  /*
   * Gap-safe global order. Positions are handed out when a transaction
   * inserts, not when it commits, so a reader ordering by position alone can
   * pass a position whose transaction commits later and never see it. Here a
   * reader only takes rows whose writing transaction is older than the
   * oldest one still running: every such transaction has finished, so
   * nothing can appear behind the checkpoint any more.
   */
  async readAll({ after, limit = 500 }: ReadAllOptions): Promise<StoredEvent[]> {
    // The ORDER BY names the table's columns (e.): a bare `transaction_id`
    // would bind to the output column `transaction_id::text` and sort the ids
    // as strings ('10000' < '9999'), which skips events once ids change
    // length, and defeats the (transaction_id, position) index (a scan and
    // sort of every remaining row for each batch).
    const started = performance.now();
    const { rows } = await this.database.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.s}.events e
       WHERE (e.transaction_id, e.position) > ($1::xid8, $2::bigint)
         AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY e.transaction_id, e.position
       LIMIT $3`,
      [after.transactionId, after.position, limit],
    );
    this.timings?.read('all', (performance.now() - started) / 1000);
    return rows.map(toStoredEvent);
  }

  /**
   * One patient's events (every domain event's data names its patient), in
   * the global order, through the index of migration 0004: what time travel
   * replays. `recordedUntil`: only events recorded at or before that instant
   * (what the clinic knew then); `occurredUntil`: only events whose
   * occurredAt, else recordedAt, is at or before it (late reports included).
   * `excludeTypes` leaves out event types the caller will not fold (the daily
   * doses, for every view but adherence); `occurredFrom` keeps only events
   * whose occurredAt, else recordedAt, is at or after it (adherence as of a
   * day reads only the recent doses, docs/analytics.md). Only committed rows are visible, and
   * a patient's rows are few, so they are simply sorted.
   */
  async readPatient(patientId: string, options: ReadPatientOptions = {}): Promise<StoredEvent[]> {
    // Without metadata (actor, correlation ids) the rows are about half the size to send and parse.
    const columns =
      options.metadata === false ? EVENT_COLUMNS.replace('metadata', `'{}'::jsonb AS metadata`) : EVENT_COLUMNS;
    const started = performance.now();
    const { rows } = await this.database.query<EventRow>(
      `SELECT ${columns} FROM ${this.s}.events e
       WHERE (e.data->>'patientId') = $1
         AND ($2::timestamptz IS NULL OR e.recorded_at <= $2)
         AND ($3::timestamptz IS NULL OR coalesce(e.occurred_at, e.recorded_at) <= $3)
         AND ($4::text[] IS NULL OR NOT (e.event_type = ANY($4::text[])))
         AND ($5::timestamptz IS NULL OR coalesce(e.occurred_at, e.recorded_at) >= $5)
       ORDER BY e.transaction_id, e.position`,
      [
        patientId,
        options.recordedUntil ?? null,
        options.occurredUntil ?? null,
        options.excludeTypes ?? null,
        options.occurredFrom ?? null,
      ],
    );
    this.timings?.read('patient', (performance.now() - started) / 1000);
    return rows.map(toStoredEvent);
  }

  /** The backward end of the (transaction_id, position) index, below the oldest running transaction. */
  async lastReadable(): Promise<Checkpoint> {
    const { rows } = await this.database.query<{ transaction_id: string; position: string | number }>(
      `SELECT e.transaction_id::text AS transaction_id, e.position FROM ${this.s}.events e
       WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY e.transaction_id DESC, e.position DESC
       LIMIT 1`,
    );
    const last = rows[0];
    return last ? { transactionId: last.transaction_id, position: Number(last.position) } : START;
  }

  /**
   * A loose scan of the patient index (migration 0004): one index probe per patient, however
   * many events each has, where `SELECT DISTINCT` would read every event.
   */
  async patientIds(): Promise<string[]> {
    const { rows } = await this.database.query<{ id: string }>(
      `WITH RECURSIVE patients(id) AS (
         (SELECT e.data->>'patientId' FROM ${this.s}.events e
          WHERE (e.data->>'patientId') > '' ORDER BY (e.data->>'patientId') LIMIT 1)
         UNION ALL
         SELECT (SELECT e.data->>'patientId' FROM ${this.s}.events e
                 WHERE (e.data->>'patientId') > p.id ORDER BY (e.data->>'patientId') LIMIT 1)
         FROM patients p WHERE p.id IS NOT NULL
       )
       SELECT id FROM patients WHERE id IS NOT NULL`,
    );
    return rows.map((row) => row.id);
  }

  /**
   * Through the patient index; the rows of a few patients are few, so they are simply sorted. The
   * head is checked after the patients' rows are found (OFFSET 0 keeps it out of the scan): given
   * both, the planner ANDs the patient index with a scan of the global-order index up to the head,
   * which is the whole log (1.4 s a batch at 1M events instead of milliseconds).
   */
  async readPatientsUpTo(patientIds: readonly string[], upTo: Checkpoint): Promise<StoredEvent[]> {
    if (patientIds.length === 0) return [];
    const { rows } = await this.database.query<EventRow>(
      `SELECT ${EVENT_COLUMNS}
       FROM (SELECT * FROM ${this.s}.events p WHERE (p.data->>'patientId') = ANY($1::text[]) OFFSET 0) e
       WHERE (e.transaction_id, e.position) <= ($2::xid8, $3::bigint)
       ORDER BY (e.data->>'patientId'), e.transaction_id, e.position`,
      [patientIds, upTo.transactionId, upTo.position],
    );
    return rows.map(toStoredEvent);
  }

  async afterBulkLoad(): Promise<void> {
    await this.database.exec(`ANALYZE ${this.s}.events, ${this.s}.streams`);
  }

  async lagAfter(checkpoint: Checkpoint): Promise<LogLag> {
    const { rows } = await this.database.query<{ events: string | number; oldest: Date | null }>(
      `SELECT count(*) AS events, min(recorded_at) AS oldest FROM ${this.s}.events e
       WHERE (e.transaction_id, e.position) > ($1::xid8, $2::bigint)`,
      [checkpoint.transactionId, checkpoint.position],
    );
    const oldest = rows[0]?.oldest ?? null;
    return { events: Number(rows[0]?.events ?? 0), oldestRecordedAt: oldest === null ? null : oldest.toISOString() };
  }

  async covers(checkpoint: Checkpoint, position: number): Promise<boolean> {
    const { rows } = await this.database.query<{ covered: boolean }>(
      `SELECT (e.transaction_id, e.position) <= ($2::xid8, $3::bigint) AS covered
       FROM ${this.s}.events e WHERE e.position = $1`,
      [position, checkpoint.transactionId, checkpoint.position],
    );
    return rows[0]?.covered ?? false;
  }

  waitForEvents(options: WaitOptions): Promise<void> {
    return this.wakeUps.wait(options);
  }

  async status(): Promise<StoreStatus> {
    const { rows } = await this.database.query<{ head: string | number }>(
      `SELECT coalesce(max(position), 0) AS head FROM ${this.s}.events`,
    );
    return {
      backend: this.database.backend,
      headPosition: Number(rows[0]!.head),
      oldestOpenTransactionSeconds: await this.oldestOpenTransactionSeconds(),
    };
  }

  async close(): Promise<void> {
    await this.wakeUps.close();
    await this.database.close();
  }

  private async oldestOpenTransactionSeconds(): Promise<number | null> {
    if (this.database.backend === 'pglite') return null; // one connection: nothing else can be open
    const { rows } = await this.database.query<{ seconds: string | null }>(
      `SELECT extract(epoch FROM now() - min(xact_start))::text AS seconds
       FROM pg_stat_activity
       WHERE backend_xid IS NOT NULL AND datname = current_database() AND pid <> pg_backend_pid()`,
    );
    const seconds = rows[0]?.seconds;
    return seconds === null || seconds === undefined ? null : Number(seconds);
  }

  private async checkTransactionIds(): Promise<void> {
    const { rows } = await this.database.query<{ highest: string | null; next: string }>(
      `SELECT (SELECT max(transaction_id) FROM ${this.s}.events)::text AS highest,
              pg_snapshot_xmax(pg_current_snapshot())::text AS next`,
    );
    const { highest, next } = rows[0]!;
    if (highest !== null && BigInt(highest) >= BigInt(next)) {
      throw new TransactionIdsWentBackwards(highest, next);
    }
  }

  /** A half-imported log is a prefix of another store's: nothing may be appended after it. */
  private async checkNoUnfinishedImport(): Promise<void> {
    const { rows } = await this.database.query<{ next_line: string | number }>(
      `SELECT next_line FROM ${this.s}.store_imports WHERE finished_at IS NULL LIMIT 1`,
    );
    if (rows[0]) throw new StoreImportUnfinished(Number(rows[0].next_line));
  }

  private translate(
    error: unknown,
    streamId: string,
    expected: ExpectedVersion,
    idempotencyKey: string | undefined,
  ): unknown {
    switch (sqlStateOf(error)) {
      case SqlState.wrongExpectedVersion:
        return new WrongExpectedVersion(streamId, expected, Number(sqlDetailOf(error) ?? 0));
      case SqlState.idempotencyKeyReused:
        return new IdempotencyKeyReused(idempotencyKey ?? '', sqlDetailOf(error) ?? '');
      case SqlState.uniqueViolation:
        // The (stream, version) constraint is the last line of defence; the
        // function's conditional write normally reports the conflict first.
        if (String((error as { constraint?: string }).constraint).includes('stream_version')) {
          return new WrongExpectedVersion(streamId, expected, Number.NaN);
        }
        return error;
      default:
        return error;
    }
  }
}

function assertAppendable(streamId: string, events: NewEvent[], expected: ExpectedVersion): void {
  if (streamId.length === 0 || streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new InvalidAppend(`stream id must be 1 to ${MAX_STREAM_ID_LENGTH} characters`);
  }
  if (events.length === 0 || events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidAppend(`an append takes 1 to ${MAX_EVENTS_PER_APPEND} events, got ${events.length}`);
  }
  if (typeof expected === 'number' && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw new InvalidAppend(`expected version must be a non-negative integer, got ${expected}`);
  }
}

function expectedVersionParams(expected: ExpectedVersion): [string, number | null] {
  return typeof expected === 'number' ? ['exact', expected] : [expected, null];
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    type: row.event_type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    position: Number(row.position),
    transactionId: row.transaction_id,
    recordedAt: row.recorded_at,
    occurredAt: row.occurred_at,
    data: row.data,
    metadata: row.metadata,
  };
}

function versionHolds(expected: ExpectedVersion, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'stream-exists') return actual > 0;
  return actual === (expected === 'no-stream' ? 0 : expected);
}

/** The chains of AppendOptions.verifiedHeads checked on their own, in the append's transaction. */
async function verifyHeadsWithin(
  executor: SqlQueryable,
  s: string,
  heads: Readonly<Record<string, VerifiedHead>>,
): Promise<Record<string, VerifiedHead>> {
  const chain = verifiedHeadsCte(s, heads, 1);
  const { rows } = await executor.query<{ ok: boolean; verified: unknown }>(
    `WITH ${chain.cte} SELECT ${chain.ok} AS ok, ${chain.verified} AS verified`,
    chain.params,
  );
  if (!rows[0]?.ok) throw new ChainNotVerified(Object.keys(heads));
  return verifiedHeadsOf(rows[0].verified);
}
