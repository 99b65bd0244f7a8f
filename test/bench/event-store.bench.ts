/**
 * Event store benchmark (docs/performance.md, "Event store"): appends of 1
 * and of 100 events through the port at 1 and 16 concurrent writers, and
 * read-all through the port, each beside raw SQL on the same server in the
 * same run. Runs on PostgreSQL and on PGlite.
 *
 *   npm run bench -- [--events N] [--rounds R] [--backend postgres|pglite|all]
 *
 * --events N   events per round of each 1-event case; the 100-event cases
 *              append 10 x N per round (default 1200)
 * --rounds R   measured rounds after one warm-up round (default 3)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import {
  checkpointOf,
  openEventStoreOn,
  PgliteDatabase,
  PostgresDatabase,
  START,
  type Checkpoint,
  type EventStore,
  type NewEvent,
} from '@caretrail/event-store';
import {
  check,
  compareRounds,
  concurrently,
  formatRatio,
  formatStat,
  machine,
  table,
  timed,
  writeJson,
  type Machine,
  type Options,
  type Round,
  type Stat,
} from './support/bench';
import { createRawEventsTable } from './support/raw-events';

const POOL_SIZE = 20; // the store's default (DATABASE_POOL_SIZE); the raw pool gets the same
const READ_BATCH = 1000;
const STREAM_LENGTH = 200; // a writer starts a new stream when its current one holds this many events
const BATCH_SIZES = [1, 100] as const;
const WRITERS = [1, 16] as const;
const TARGET = 0.7;

type Backend = 'postgres' | 'pglite';

/** Raw SQL on the same back end, bypassing the store (no function, no trigger, no extra constraint). */
interface RawSql {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

interface Target {
  backend: Backend;
  schema: string;
  store: EventStore;
  raw: RawSql;
  versions: Record<string, string>;
  close(): Promise<void>;
}

export interface CaseResult {
  operation: 'append' | 'read-all';
  eventsPerCall: number;
  writers: number;
  eventsPerRound: number;
  careTrail: Stat;
  raw: Stat;
  /** careTrail.median / raw.median */
  ratio: number;
  unit: 'events/s';
  target?: number;
  targetMet?: boolean;
}

export interface BackendReport {
  backend: Backend;
  versions: Record<string, string>;
  poolSize: number;
  cases: CaseResult[];
  eventsInLog: number;
  seconds: number;
}

export async function run(options: Options): Promise<{ name: string; report: unknown; text: string; ok: boolean }> {
  const events = options.int('events', 1200);
  const rounds = options.int('rounds', 3);
  const which = options.string('backend', 'all');
  if (!['postgres', 'pglite', 'all'].includes(which)) throw new Error(`--backend must be postgres, pglite or all`);
  const backends: Backend[] = which === 'all' ? ['postgres', 'pglite'] : [which as Backend];
  const databaseUrl = process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
  const payload = payloadSizes();
  const startedAt = new Date().toISOString();
  const host = machine(); // before the run: its load average is the neighbours'

  const reports: BackendReport[] = [];
  for (const backend of backends) {
    console.log(
      `\nevent store on ${backend}: ${events} events per 1-event round, ${events * 10} per 100-event round, ${rounds} rounds after a warm-up`,
    );
    const target = backend === 'postgres' ? await openPostgres(databaseUrl) : await openPglite();
    try {
      reports.push(await benchBackend(target, events, rounds));
    } finally {
      await target.close();
    }
  }

  const report = {
    benchmark: 'event-store',
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt,
    machine: host,
    parameters: {
      eventsPerRound1: events,
      eventsPerRound100: events * 10,
      rounds,
      warmUpRounds: 1,
      readBatch: READ_BATCH,
      streamLength: STREAM_LENGTH,
      poolSize: POOL_SIZE,
      payload,
    },
    backends: reports,
  };
  const text = render(reports, payload, host);
  const ok = reports.every((r) => r.cases.every((c) => c.targetMet !== false));
  return { name: 'event-store', report, text, ok };
}

async function benchBackend(target: Target, events: number, rounds: number): Promise<BackendReport> {
  const started = process.hrtime.bigint();
  const { store, raw, schema } = target;
  const s = `"${schema}"`;
  await createRawEventsTable((sql) => raw.query(sql), schema);

  const appendedIds = new Set<string>();
  let rawRows = 0;
  const cases: CaseResult[] = [];

  for (const batch of BATCH_SIZES) {
    for (const writers of WRITERS) {
      const perRound = batch === 1 ? events : events * 10;
      const plans = (): Plan[] => planWriters(perRound, batch, writers);
      const stats = await compareRounds(rounds, {
        careTrail: async () => {
          const round = await appendThroughStore(store, plans());
          round.ids.forEach((id) => appendedIds.add(id));
          return round;
        },
        raw: async () => {
          const round = await insertRaw(raw, s, plans());
          rawRows += round.count;
          return round;
        },
      });
      const isTarget = target.backend === 'postgres' && batch === 1 && writers === 16;
      cases.push(caseResult('append', batch, writers, perRound, stats, isTarget));
      console.log(
        `  append ${batch} x ${writers} writers: ${formatStat(stats.careTrail)} vs raw ${formatStat(stats.raw)} events/s`,
      );
    }
  }

  // Correctness: every event appended through the port is in the log, once,
  // in a gap-free global order, and the raw table holds every raw row.
  const inLog = await verifyLog(store, appendedIds);
  const { rows } = await raw.query(`SELECT count(*)::int AS n FROM ${s}.raw_events`);
  check(Number(rows[0]!['n']) === rawRows, `raw_events holds ${String(rows[0]!['n'])} rows, ${rawRows} were inserted`);

  const reads = await compareRounds(rounds, {
    careTrail: () => readAllThroughStore(store, inLog),
    raw: () => readRaw(raw, s, inLog),
  });
  cases.push(caseResult('read-all', READ_BATCH, 1, inLog, reads, target.backend === 'postgres'));
  console.log(`  read-all of ${inLog} events: ${formatStat(reads.careTrail)} vs raw ${formatStat(reads.raw)} events/s`);

  return {
    backend: target.backend,
    versions: target.versions,
    poolSize: target.backend === 'postgres' ? POOL_SIZE : 1,
    cases,
    eventsInLog: inLog,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

function caseResult(
  operation: CaseResult['operation'],
  eventsPerCall: number,
  writers: number,
  eventsPerRound: number,
  stats: { careTrail: Stat; raw: Stat },
  isTarget: boolean,
): CaseResult {
  const ratio = stats.careTrail.median / stats.raw.median;
  return {
    operation,
    eventsPerCall,
    writers,
    eventsPerRound,
    careTrail: stats.careTrail,
    raw: stats.raw,
    ratio,
    unit: 'events/s',
    ...(isTarget ? { target: TARGET, targetMet: ratio >= TARGET } : {}),
  };
}

// ---------------------------------------------------------------- writes

interface Append {
  streamId: string;
  expectedVersion: number;
  events: NewEvent[];
}

/** One writer's appends for a round, built before the clock starts. */
type Plan = Append[];

/**
 * Splits `total` events into appends of `batch` over `writers` writers.
 * Every writer has streams of its own, starts a new one every
 * STREAM_LENGTH events and knows the version it expects.
 */
function planWriters(total: number, batch: number, writers: number): Plan[] {
  const appends = Math.ceil(total / batch);
  const plans: Plan[] = Array.from({ length: writers }, () => []);
  const cursors = Array.from({ length: writers }, () => ({ streamId: '', version: STREAM_LENGTH }));
  for (let i = 0; i < appends; i++) {
    const w = i % writers;
    const cursor = cursors[w]!;
    if (cursor.version + batch > STREAM_LENGTH) {
      cursor.streamId = `patient-${randomUUID()}`;
      cursor.version = 0;
    }
    plans[w]!.push({
      streamId: cursor.streamId,
      expectedVersion: cursor.version,
      events: Array.from({ length: batch }, () => clinicalEvent()),
    });
    cursor.version += batch;
  }
  return plans;
}

async function appendThroughStore(store: EventStore, plans: Plan[]): Promise<Round & { ids: string[] }> {
  const ids: string[] = [];
  let count = 0;
  const { seconds } = await timed(() =>
    concurrently(plans.length, async (w) => {
      for (const append of plans[w]!) {
        const result = await store.append(append.streamId, append.events, { expectedVersion: append.expectedVersion });
        check(
          result.nextExpectedVersion === append.expectedVersion + append.events.length && !result.replayed,
          `append to ${append.streamId} at ${append.expectedVersion} returned version ${result.nextExpectedVersion}`,
        );
        ids.push(...result.eventIds);
        count += append.events.length;
      }
    }),
  );
  return { count, seconds, ids };
}

const RAW_COLUMNS = 'stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at';

/** The same rows as single-row INSERT transactions (1 event) or one multi-row INSERT (100 events). */
async function insertRaw(raw: RawSql, s: string, plans: Plan[]): Promise<Round> {
  let count = 0;
  const { seconds } = await timed(() =>
    concurrently(plans.length, async (w) => {
      for (const append of plans[w]!) {
        const params: unknown[] = [];
        const values: string[] = [];
        append.events.forEach((e, i) => {
          const p = params.length;
          values.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 8})`);
          params.push(
            append.streamId,
            append.expectedVersion + i + 1,
            e.eventId,
            e.type,
            e.schemaVersion ?? 1,
            JSON.stringify(e.data),
            JSON.stringify(e.metadata ?? {}),
            e.metadata?.occurredAt ?? null,
          );
        });
        await raw.query(`INSERT INTO ${s}.raw_events (${RAW_COLUMNS}) VALUES ${values.join(', ')}`, params);
        count += append.events.length;
      }
    }),
  );
  return { count, seconds };
}

// ---------------------------------------------------------------- reads

async function readAllThroughStore(store: EventStore, expected: number): Promise<Round> {
  let count = 0;
  const { seconds } = await timed(async () => {
    let after: Checkpoint = START;
    for (;;) {
      const batch = await store.readAll({ after, limit: READ_BATCH });
      if (batch.length === 0) break;
      count += batch.length;
      after = checkpointOf(batch[batch.length - 1]!);
    }
  });
  check(count === expected, `read-all returned ${count} events, the log holds ${expected}`);
  return { count, seconds };
}

/** Keyset read of the same table by position, no processing. */
async function readRaw(raw: RawSql, s: string, expected: number): Promise<Round> {
  let count = 0;
  const { seconds } = await timed(async () => {
    let after = 0;
    for (;;) {
      const { rows } = await raw.query(
        `SELECT * FROM ${s}.events WHERE position > $1 ORDER BY position LIMIT ${READ_BATCH}`,
        [after],
      );
      if (rows.length === 0) break;
      count += rows.length;
      after = Number(rows[rows.length - 1]!['position']);
    }
  });
  check(count === expected, `raw read returned ${count} events, the log holds ${expected}`);
  return { count, seconds };
}

/** Reads the whole log through the port (untimed) and checks it against what was appended. */
async function verifyLog(store: EventStore, appended: Set<string>): Promise<number> {
  const seen = new Set<string>();
  const versions = new Map<string, number>();
  let after: Checkpoint = START;
  for (;;) {
    const batch = await store.readAll({ after, limit: READ_BATCH });
    if (batch.length === 0) break;
    for (const e of batch) {
      check(appended.has(e.eventId), `read-all returned ${e.eventId}, which was never appended`);
      check(!seen.has(e.eventId), `read-all returned ${e.eventId} twice`);
      seen.add(e.eventId);
      const previous = versions.get(e.streamId) ?? 0;
      check(e.streamVersion === previous + 1, `${e.streamId}: version ${e.streamVersion} after ${previous}`);
      versions.set(e.streamId, e.streamVersion);
    }
    after = checkpointOf(batch[batch.length - 1]!);
  }
  check(seen.size === appended.size, `read-all returned ${seen.size} of ${appended.size} appended events`);
  return seen.size;
}

// ---------------------------------------------------------------- payloads

const TYPES = ['MedicationDoseRecorded', 'TherapySessionCompleted', 'SideEffectReported', 'OutcomeScoreRecorded'];

/** A realistic clinical event: ~300-500 bytes of JSON in data + metadata. */
function clinicalEvent(): NewEvent {
  const type = TYPES[Math.floor(Math.random() * TYPES.length)]!;
  const now = new Date();
  const data: Record<string, unknown> = {
    patientId: randomUUID(),
    medication: { code: 'N06AB06', name: 'sertraline', doseMg: 50 + Math.floor(Math.random() * 4) * 25, route: 'oral' },
    scheduledFor: now.toISOString(),
    note: `Reported ${randomBytes(6).toString('hex')}; tolerating well.`,
  };
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actor: { userId: randomUUID(), role: 'psychiatrist' },
      correlationId: randomUUID(),
      occurredAt: new Date(now.getTime() - 60_000).toISOString(),
      extra: { clientAddress: '10.0.4.17', appVersion: '0.1.0' },
    },
  };
}

function payloadSizes(): { dataBytes: number; metadataBytes: number; totalBytes: number } {
  let data = 0;
  let metadata = 0;
  const n = 200;
  for (let i = 0; i < n; i++) {
    const e = clinicalEvent();
    data += Buffer.byteLength(JSON.stringify(e.data));
    metadata += Buffer.byteLength(JSON.stringify(e.metadata));
  }
  return {
    dataBytes: Math.round(data / n),
    metadataBytes: Math.round(metadata / n),
    totalBytes: Math.round((data + metadata) / n),
  };
}

// ---------------------------------------------------------------- back ends

const benchSchema = (): string => `bench_${randomBytes(4).toString('hex')}`;

async function openPostgres(connectionString: string): Promise<Target> {
  const schema = benchSchema();
  const database = new PostgresDatabase({
    connectionString,
    schema,
    poolSize: POOL_SIZE,
    applicationName: 'caretrail-bench',
  });
  const pool = new Pool({ connectionString, max: POOL_SIZE, application_name: 'caretrail-bench-raw' });
  let store: EventStore | undefined;
  try {
    store = await openEventStoreOn(database);
    const { rows } = await pool.query<{ version: string; sync: string }>(
      `SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS sync`,
    );
    return {
      backend: 'postgres',
      schema,
      store,
      raw: pool,
      versions: { postgresql: rows[0]!.version, synchronousCommit: rows[0]!.sync, pg: packageVersion('pg') },
      async close() {
        await store!.close().catch(() => undefined);
        try {
          await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await pool.end();
        }
      },
    };
  } catch (error) {
    if (store) await store.close().catch(() => undefined);
    else await database.close().catch(() => undefined);
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
    throw error;
  }
}

async function openPglite(): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'caretrail-bench-'));
  const schema = benchSchema();
  try {
    const database = await PgliteDatabase.open({ dataDir, schema });
    const store = await openEventStoreOn(database).catch(async (error: unknown) => {
      await database.close();
      throw error;
    });
    const { rows } = await database
      .query<{ version: string }>(`SELECT current_setting('server_version') AS version`)
      .catch(async (error: unknown) => {
        await store.close();
        throw error;
      });
    return {
      backend: 'pglite',
      schema,
      store,
      raw: database, // the same single connection: PGlite has no other
      versions: { pglite: packageVersion('@electric-sql/pglite'), postgresql: rows[0]!.version },
      async close() {
        try {
          await store.close();
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The installed version (some packages do not export their package.json). */
function packageVersion(name: string): string {
  const path = join(__dirname, '../../node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

// ---------------------------------------------------------------- report

function render(reports: BackendReport[], payload: ReturnType<typeof payloadSizes>, m: Machine): string {
  const rows: string[][] = [];
  for (const r of reports) {
    for (const c of r.cases) {
      rows.push([
        r.backend,
        c.operation === 'append'
          ? `append ${c.eventsPerCall} event${c.eventsPerCall > 1 ? 's' : ''}/call`
          : `read-all, batches of ${c.eventsPerCall}`,
        String(c.writers),
        String(c.eventsPerRound),
        formatStat(c.careTrail),
        formatStat(c.raw),
        formatRatio(c.ratio),
        c.target === undefined ? '' : `>= ${formatRatio(c.target)}: ${c.targetMet ? 'met' : 'MISSED'}`,
      ]);
    }
  }
  const versions = reports.map(
    (r) =>
      `${r.backend}: ${Object.entries(r.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
  );
  return [
    table(
      [
        'back end',
        'operation',
        'writers',
        'events/round',
        'CareTrail events/s',
        'raw events/s',
        'CareTrail/raw',
        'target',
      ],
      rows,
    ),
    '',
    'median (min-max) of the measured rounds; raw = plain table of the same columns, single-row INSERT',
    'transactions (1 event) or one multi-row INSERT (100 events); raw read = keyset on position of the same table.',
    `payload: ~${payload.totalBytes} bytes JSON per event (data ${payload.dataBytes}, metadata ${payload.metadataBytes})`,
    `versions: node ${m.node}; ${versions.join('; ')}`,
    `machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, load average at start ${m.loadAverageAtStart.join(' ')}`,
  ].join('\n');
}
