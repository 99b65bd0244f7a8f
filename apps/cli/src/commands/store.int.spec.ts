import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessLog, verifyAccessChain } from '@caretrail/access-log';
import { encryptEventData, erasureEvent, erasureStream, openReadModelRowWith } from '@caretrail/care-log';
import {
  ImportStopped,
  openEventStoreOn,
  PgliteDatabase,
  PostgresDatabase,
  SqlPatientKeyStore,
  StoreImportUnfinished,
  TransactionIdsWentBackwards,
  verifyEventChain,
  type SqlDatabase,
} from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema, withAdminClient } from '@caretrail/event-store/testing';
import { readModels } from '@caretrail/read-models';
import { seed } from '@caretrail/seed';
import { CachingPatientKeyStore } from '@caretrail/security';
import { runCli } from '../testing/run-cli';
import { buildReadModels } from './store-read-models';
import { storeImport } from './store-import';

/** What must survive a move, in the store's global order. */
async function eventsOf(db: SqlDatabase): Promise<unknown[]> {
  const { rows } = await db.query(
    `SELECT position::text, stream_id, stream_version::text, event_id::text, event_type, schema_version,
            data::text AS data, metadata::text AS metadata, recorded_at, occurred_at,
            encode(previous_hash, 'hex') AS previous_hash, encode(hash, 'hex') AS hash
     FROM "${db.schema}".events e ORDER BY e.transaction_id, e.position`,
  );
  return rows;
}

async function keysOf(db: SqlDatabase): Promise<unknown[]> {
  const { rows } = await db.query(
    `SELECT patient_id, encode(key, 'hex') AS key, created_at, destroyed_at FROM "${db.schema}".patient_keys ORDER BY patient_id`,
  );
  return rows;
}

async function accessRecordsOf(db: SqlDatabase): Promise<Array<{ id: string; route: string }>> {
  const { rows } = await db.query<{ id: string; route: string }>(
    `SELECT id::text, chain, recorded_at, user_id, patient_id, category, action, route, detail, previous_hash, hash
     FROM "${db.schema}".access_log ORDER BY id`,
  );
  return rows;
}

/** Every read model's rows with personal fields opened (sealing draws a fresh IV, so the sealed bytes differ). */
async function readModelRowsOf(db: SqlDatabase): Promise<Record<string, unknown[]>> {
  const keys = new SqlPatientKeyStore(db);
  const all: Record<string, unknown[]> = {};
  for (const model of readModels) {
    const table = `rm_${model.name.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_1`;
    const { rows } = await db.query<{ key: string; patient_id: string; doc: unknown; position: string }>(
      `SELECT key, patient_id, doc, position::text FROM "${db.schema}".${table} ORDER BY key`,
    );
    all[model.name] = await Promise.all(
      rows.map(async (row) => ({
        ...row,
        doc: await openReadModelRowWith(row.doc, keys, { readModel: model.name, patientId: row.patient_id }),
      })),
    );
  }
  return all;
}

interface Snapshot {
  events: unknown[];
  keys: unknown[];
  accessRecords: unknown[];
  readModels: Record<string, unknown[]>;
}

async function snapshotOf(db: SqlDatabase, withReadModels = true): Promise<Snapshot> {
  return {
    events: await eventsOf(db),
    keys: await keysOf(db),
    accessRecords: (await accessRecordsOf(db)).filter((r) => r.route !== 'store export' && r.route !== 'store import'),
    readModels: withReadModels ? await readModelRowsOf(db) : {},
  };
}

/** The store a command would open, opened by the test (the embedded one only while no command holds it). */
async function withDatabase<T>(
  where: { dataDir: string } | { schema: string; url?: string },
  work: (db: SqlDatabase) => Promise<T>,
): Promise<T> {
  const db =
    'dataDir' in where
      ? await PgliteDatabase.open({ dataDir: where.dataDir })
      : new PostgresDatabase({ connectionString: where.url ?? testDatabaseUrl(), schema: where.schema });
  try {
    return await work(db);
  } finally {
    // A store opened on it closes it too: a second close is no failure here.
    await db.close().catch((error: Error) => {
      if (!/closed|more than once/.test(error.message)) throw error;
    });
  }
}

function envFor(where: { dataDir: string } | { schema: string; url?: string }): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, DATABASE_SCHEMA: _schema, ...rest } = process.env;
  return 'dataDir' in where
    ? { ...rest, DATA_DIR: where.dataDir }
    : { ...rest, DATABASE_URL: where.url ?? testDatabaseUrl(), DATABASE_SCHEMA: where.schema };
}

async function cli(where: { dataDir: string } | { schema: string; url?: string }, ...argv: string[]) {
  const saved = process.env;
  process.env = envFor(where);
  try {
    return await runCli(...argv);
  } finally {
    process.env = saved;
  }
}

async function buildOn(db: SqlDatabase): Promise<void> {
  const store = await openEventStoreOn(db);
  await buildReadModels(store, db);
  // The store owns the database: the caller's close after this one is harmless.
  await store.close();
}

describe('store export and store import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'caretrail-store-move-'));
  const source = { dataDir: join(dir, 'source') };
  const onPostgres = { schema: uniqueSchema('move_pg') };
  const back = { dataDir: join(dir, 'back') };
  const schemas = [onPostgres.schema];
  let original: Snapshot;
  let erasedPatient: string;

  beforeAll(async () => {
    await withDatabase(source, async (db) => {
      const store = await openEventStoreOn(db);
      const keys = new CachingPatientKeyStore(new SqlPatientKeyStore(db));
      const seeded = await seed(store, {
        patients: 6,
        days: 90,
        seed: 'move',
        until: Date.parse('2026-11-28T18:00:00Z'),
        concurrency: 1,
        seal: (type, data) => encryptEventData(type, data, keys),
      });
      expect(seeded.refused).toEqual({});
      // An erased patient: the key destroyed first, then the event (docs/erasure.md).
      erasedPatient = seeded.firstPatientId!;
      const { destroyedAt } = await new SqlPatientKeyStore(db).destroy(erasedPatient);
      await store.append(
        erasureStream(erasedPatient),
        [
          erasureEvent(
            {
              patientId: erasedPatient,
              reason: 'GDPR Art. 17 request 2026-041',
              erasedBy: { userId: 'admin-1', role: 'admin' },
              erasedAt: destroyedAt,
            },
            { correlationId: randomUUID() },
          ),
        ],
        { expectedVersion: 'any' },
      );
      const log = new AccessLog(db);
      for (const patientId of [erasedPatient, 'p-2', 'p-3', null])
        await log.append({
          recordedAt: new Date().toISOString(),
          userId: 'dr-theo',
          role: 'therapist',
          patientId,
          category: 'care plan',
          action: 'read',
          outcome: 'allowed',
          status: 200,
          method: 'GET',
          route: '/patients/:patientId/plan',
          clientAddress: '10.0.0.7',
          correlationId: randomUUID(),
          detail: { note: 'seeded for the move test' },
        });
      await buildReadModels(store, db);
      original = await snapshotOf(db);
      await store.close();
    });
    expect(original.events.length).toBeGreaterThan(500);
    expect(original.events.some((e) => (e as { event_type: string }).event_type === 'EntryEnteredInError')).toBe(true);
  }, 300_000);

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const schema of schemas) await dropSchema(schema);
  });

  it('moves the embedded store to PostgreSQL: same events, order and hashes, chains verify, read models rebuild equal', async () => {
    const file = join(dir, 'embedded.ndjson');
    const exported = await cli(source, 'store', 'export', '--out', file);
    expect(exported.err).toContain(`Exported the embedded store in ${source.dataDir}`);
    expect(exported.code).toBe(0);
    const header = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!);
    expect(header).toMatchObject({ format: 'caretrail-store', version: 1, source: { backend: 'pglite' } });
    // Sealed at rest in the source, sealed in the file: no plaintext name, and the erased patient's key is null.
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(`"patientId":"${erasedPatient}","key":null`);

    const imported = await cli(onPostgres, 'store', 'import', '--from', file);
    expect(imported.err).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('every chain intact');

    await withDatabase(onPostgres, async (db) => {
      expect(await verifyEventChain(db, db.schema)).toMatchObject({ ok: true, eventsChecked: original.events.length });
      // The import analyzed what it loaded: the planner knows the log's size (never analyzed is -1).
      const { rows } = await db.query<{ n: number }>(
        `SELECT reltuples::int AS n FROM pg_class WHERE oid = '"${db.schema}".events'::regclass`,
      );
      expect(rows[0]!.n).toBe(original.events.length);
      expect((await verifyAccessChain(db)).ok).toBe(true);
      await buildOn(db);
    });
    await withDatabase(onPostgres, async (db) => expect(await snapshotOf(db)).toEqual(original));
    // The erased patient stays erased: no key, and their read-model fields read as erased on the target.
    await withDatabase(onPostgres, async (db) =>
      expect(await new SqlPatientKeyStore(db).get(erasedPatient)).toBeNull(),
    );
  }, 300_000);

  it('moves it back from PostgreSQL to a new embedded store, from standard input, with --rebuild', async () => {
    const file = join(dir, 'postgres.ndjson');
    expect((await cli(onPostgres, 'store', 'export', '--out', file)).code).toBe(0);
    const out: string[] = [];
    const err: string[] = [];
    const saved = process.env;
    process.env = envFor(back);
    let code: number;
    try {
      const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
      code = await storeImport(['--from', '-', '--rebuild'], io, createReadStream(file));
    } finally {
      process.env = saved;
    }
    expect(err).toEqual([]);
    expect(out).toContain('Read models built from the imported log.');
    expect(code).toBe(0);
    await withDatabase(back, async (db) => {
      expect(await snapshotOf(db)).toEqual(original);
      // The moved store takes new events after the imported ones, in the global order too.
      const store = await openEventStoreOn(db);
      const appended = await store.append('careplan-after-move', [{ type: 'Noted', data: { patientId: 'p-9' } }], {
        expectedVersion: 0,
      });
      const last = await store.readAll({ after: { transactionId: '0', position: 0 }, limit: 100_000 });
      expect(last.at(-1)!.position).toBe(appended.positions[0]);
      expect(appended.positions[0]).toBeGreaterThan(
        Math.max(...original.events.map((e) => Number((e as { position: string }).position))),
      );
      expect(await verifyEventChain(db, db.schema)).toMatchObject({ ok: true });
      await store.close();
    });
  }, 300_000);

  it('restores a logical dump the store refuses to open: export from it, import into a fresh database', async () => {
    const database = `t_restore_${randomUUID().slice(0, 8)}`;
    const url = testDatabaseUrl().replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
    await withAdminClient((client) => client.query(`CREATE DATABASE ${database}`));
    try {
      const dump = execFileSync('pg_dump', ['--no-owner', '-n', onPostgres.schema, testDatabaseUrl()], {
        maxBuffer: 1 << 28,
      });
      execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', url], { input: dump, stdio: ['pipe', 'ignore', 'pipe'] });
      const restored = { schema: onPostgres.schema, url };
      // The dump came from a cluster further along than this one: its last event's transaction id is ahead of ours.
      await withDatabase(restored, async (db) => {
        await db.query(`INSERT INTO "${db.schema}".streams (stream_id, version) VALUES ('careplan-ahead', 1)`);
        await db.query(
          `INSERT INTO "${db.schema}".events (transaction_id, stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
           VALUES ('9000000000000'::xid8, 'careplan-ahead', 1, $1, 'Noted', 1, '{"patientId":"p-ahead"}', '{}')`,
          [randomUUID()],
        );
      });
      await withDatabase(restored, (db) =>
        expect(openEventStoreOn(db)).rejects.toBeInstanceOf(TransactionIdsWentBackwards),
      );

      const file = join(dir, 'restored.ndjson');
      const exported = await cli(restored, 'store', 'export', '--out', file);
      expect(exported.code).toBe(0);
      const fresh = { schema: uniqueSchema('move_restored') };
      schemas.push(fresh.schema);
      expect((await cli(fresh, 'store', 'import', '--from', file)).code).toBe(0);
      await withDatabase(fresh, async (db) => {
        const events = await eventsOf(db);
        expect(events.slice(0, original.events.length)).toEqual(original.events);
        expect(events).toHaveLength(original.events.length + 1);
        const store = await openEventStoreOn(db); // opens: the ids it orders by are this cluster's
        await store.append('careplan-ahead', [{ type: 'Noted', data: { patientId: 'p-ahead' } }], {
          expectedVersion: 1,
        });
        expect(await verifyEventChain(db, db.schema)).toMatchObject({ ok: true });
        await store.close();
      });
    } finally {
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    }
  }, 300_000);

  it('resumes an interrupted import where it stopped, duplicating and skipping nothing', async () => {
    const file = join(dir, 'embedded.ndjson');
    const target = { schema: uniqueSchema('move_resume') };
    schemas.push(target.schema);
    const saved = process.env;
    process.env = envFor(target);
    try {
      await expect(
        storeImport(['--from', file], { out: () => undefined, err: () => undefined }, process.stdin, {
          batchRows: 100,
          stopAfterBatches: 3,
        }),
      ).rejects.toBeInstanceOf(ImportStopped);
    } finally {
      process.env = saved;
    }
    await withDatabase(target, async (db) => {
      expect(await eventsOf(db)).toEqual(original.events.slice(0, 300));
      await expect(openEventStoreOn(db)).rejects.toBeInstanceOf(StoreImportUnfinished);
    });
    // Another file is refused by the half-imported store.
    const other = join(dir, 'postgres.ndjson');
    const refused = await cli(target, 'store', 'import', '--from', other);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('The target store is not empty (300 events');

    const resumed = await cli(target, 'store', 'import', '--from', file);
    expect(resumed.out).toContain('continuing an interrupted import at line 302');
    expect(resumed.code).toBe(0);
    await withDatabase(target, async (db) =>
      expect(await snapshotOf(db, false)).toEqual({ ...original, readModels: {} }),
    );
  }, 300_000);

  it('refuses to import into a store that is not empty, writing nothing', async () => {
    const before = await withDatabase(onPostgres, (db) => eventsOf(db));
    const { code, err } = await cli(onPostgres, 'store', 'import', '--from', join(dir, 'postgres.ndjson'));
    expect(code).toBe(1);
    expect(err).toMatch(
      /The target store is not empty \(\d+ events, \d+ access records, \d+ patient keys, \d+ streams/,
    );
    expect(await withDatabase(onPostgres, (db) => eventsOf(db))).toEqual(before);
  });

  it('refuses a truncated or changed file, naming the line, and writes nothing', async () => {
    const lines = readFileSync(join(dir, 'embedded.ndjson'), 'utf8').trimEnd().split('\n');
    const target = { schema: uniqueSchema('move_bad') };
    schemas.push(target.schema);

    const truncated = join(dir, 'truncated.ndjson');
    writeFileSync(truncated, `${lines.slice(0, 120).join('\n')}\n`);
    const cut = await cli(target, 'store', 'import', '--from', truncated);
    expect(cut.code).toBe(3);
    expect(cut.err).toContain(
      'line 121: the file ends after line 120 without its end line: it is incomplete (truncated)',
    );

    const changed = join(dir, 'changed.ndjson');
    const event = JSON.parse(lines[40]!) as { data: string; streamId: string; streamVersion: number };
    event.data = event.data.replace(/"patientId": "/, '"patientId": "x');
    writeFileSync(changed, `${[...lines.slice(0, 40), JSON.stringify(event), ...lines.slice(41)].join('\n')}\n`);
    const edited = await cli(target, 'store', 'import', '--from', changed);
    expect(edited.code).toBe(3);
    expect(edited.err).toContain(
      `line 41: the hash of ${event.streamId} version ${event.streamVersion} does not match its content`,
    );

    const keyChanged = join(dir, 'key-changed.ndjson');
    const keyLine = lines.findIndex((l) => l.includes('"kind":"patient-key"') && !l.includes('"key":null'));
    const key = JSON.parse(lines[keyLine]!) as { key: string };
    key.key = Buffer.alloc(32, 7).toString('base64');
    writeFileSync(
      keyChanged,
      `${[...lines.slice(0, keyLine), JSON.stringify(key), ...lines.slice(keyLine + 1)].join('\n')}\n`,
    );
    const swapped = await cli(target, 'store', 'import', '--from', keyChanged);
    expect(swapped.code).toBe(3);
    expect(swapped.err).toContain(`line ${lines.length}: the digest does not match the lines before it`);

    const written = await withAdminClient((client) =>
      client.query(`SELECT to_regclass('"${target.schema}".events') IS NULL AS none`),
    );
    // Checked before the target is opened: not even its schema was created.
    expect(written.rows[0].none).toBe(true);
  });
});
