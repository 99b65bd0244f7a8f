import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  openEventStoreOn,
  PgliteDatabase,
  PostgresDatabase,
  type EventStore,
  type SqlDatabase,
} from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema, withAdminClient } from '@caretrail/event-store/testing';
import { AccessLog, accessChainOf, verifyAccessChain } from './access-log';
import { accessRecordHash, GENESIS_HASH, type AccessRecord, type AccessRecordInput } from './access-record';
import { csvHeader, csvLine, ndjsonLine } from './export-format';

let n = 0;
const record = (overrides: Partial<AccessRecordInput> = {}): AccessRecordInput => ({
  recordedAt: new Date(Date.UTC(2026, 2, 1, 8, 0, 0, n++)).toISOString(),
  userId: 'dr-theo',
  role: 'therapist',
  patientId: 'p-1',
  category: 'doses',
  action: 'create',
  outcome: 'allowed',
  status: 201,
  method: 'POST',
  route: '/patients/:patientId/doses/taken',
  clientAddress: '127.0.0.1',
  correlationId: randomUUID(),
  detail: {},
  ...overrides,
});

describe('the access log on PostgreSQL', () => {
  const schema = uniqueSchema('access');
  let database: SqlDatabase;
  let store: EventStore;
  let log: AccessLog;
  /** Runs SQL as the owner, the way an operator with psql would, triggers disabled. */
  const tamper = (sql: string, params: unknown[] = []) =>
    withAdminClient(async (client) => {
      await client.query(`ALTER TABLE "${schema}".access_log DISABLE TRIGGER USER`);
      try {
        await client.query(sql, params);
      } finally {
        await client.query(`ALTER TABLE "${schema}".access_log ENABLE TRIGGER USER`);
      }
    });

  beforeAll(async () => {
    database = new PostgresDatabase({ connectionString: testDatabaseUrl(), schema, poolSize: 20 });
    store = await openEventStoreOn(database);
    log = new AccessLog(database);
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('chains every record to its predecessor, starting from 64 zeros', async () => {
    const first = await log.append(record());
    const second = await log.append(
      record({ action: 'read', status: 200, method: 'GET', detail: { items: ['a', 'b'], n: 2 } }),
    );
    expect(first.previousHash).toBe(GENESIS_HASH);
    expect(first.hash).toBe(accessRecordHash(GENESIS_HASH, first));
    expect(second.previousHash).toBe(first.hash);
    expect(second.hash).toBe(accessRecordHash(first.hash, second));
    await expect(verifyAccessChain(database)).resolves.toMatchObject({
      ok: true,
      recordsChecked: 2,
      last: { id: second.id, hash: second.hash },
    });
  });

  it('keeps one unbroken chain under concurrent writers', async () => {
    await Promise.all(Array.from({ length: 60 }, (_, i) => log.append(record({ userId: `u-${i}` }))));
    const report = await verifyAccessChain(database);
    expect(report).toMatchObject({ ok: true, firstBreak: null });
    expect(report.recordsChecked).toBeGreaterThanOrEqual(62);
  });

  it('stores request-derived text it could not otherwise hold as written, so the chain still verifies', async () => {
    const odd = await log.append(record({ patientId: 'p\u0000x\ud800', detail: { note: '\u0000' } }));
    expect(odd.patientId).toBe('p\uFFFDx\uFFFD');
    await expect(verifyAccessChain(database)).resolves.toMatchObject({ ok: true });
  });

  it('writes concurrent records in shared batches, and one bad record fails alone', async () => {
    const results = await Promise.allSettled([
      log.append(record({ userId: 'batch-1' })),
      log.append(record({ userId: 'batch-2', action: 'delete' as never })),
      log.append(record({ userId: 'batch-3' })),
      log.append(record({ userId: 'batch-4' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    await expect(verifyAccessChain(database)).resolves.toMatchObject({ ok: true });
  });

  it('refuses UPDATE, DELETE and TRUNCATE, even from the table owner', async () => {
    for (const sql of [
      `UPDATE "${schema}".access_log SET outcome = 'allowed'`,
      `DELETE FROM "${schema}".access_log`,
      `TRUNCATE "${schema}".access_log`,
    ]) {
      await expect(withAdminClient((client) => client.query(sql))).rejects.toMatchObject({ code: 'CT003' });
    }
  });

  it('pages with a cursor, newest first or oldest first, and filters', async () => {
    const patientId = `p-${randomUUID()}`;
    const written: AccessRecord[] = [];
    for (let i = 0; i < 5; i++)
      written.push(await log.append(record({ patientId, outcome: i % 2 ? 'denied' : 'allowed' })));
    const first = await log.page({ patientId }, { order: 'asc', limit: 2 });
    const second = await log.page({ patientId }, { order: 'asc', limit: 2, cursor: first.nextCursor! });
    const third = await log.page({ patientId }, { order: 'asc', limit: 2, cursor: second.nextCursor! });
    expect([...first.items, ...second.items, ...third.items].map((r) => r.id)).toEqual(written.map((r) => r.id));
    expect(third.nextCursor).toBeNull();
    const newest = await log.page({ patientId, outcome: 'denied' }, { order: 'desc', limit: 10 });
    expect(newest.items.map((r) => r.id)).toEqual([written[3]!.id, written[1]!.id]);
    const window = await log.page(
      { patientId, from: written[1]!.recordedAt, to: written[3]!.recordedAt },
      { order: 'asc' },
    );
    expect(window.items.map((r) => r.id)).toEqual([written[1]!.id, written[2]!.id]);
    const streamed: number[] = [];
    for await (const r of log.stream({ patientId }, 'desc', 2)) streamed.push(r.id);
    expect(streamed).toEqual(written.map((r) => r.id).reverse());
  });

  it('exports CSV a spreadsheet cannot turn into a formula, and NDJSON', () => {
    const stored = {
      ...record({ userId: '=HYPERLINK("x")', detail: { q: 'a,b' } }),
      id: 7,
      previousHash: GENESIS_HASH,
      hash: 'f'.repeat(64),
    };
    expect(csvHeader()).toMatch(/^id,recordedAt,userId,role,patientId,category,action,outcome,status/);
    const line = csvLine(stored);
    expect(line).toContain(`"'=HYPERLINK(""x"")"`);
    expect(line).toContain(`"{""q"":""a,b""}"`);
    expect(line.endsWith('\r\n')).toBe(true);
    expect(JSON.parse(ndjsonLine(stored))).toEqual(stored);
  });

  it('spreads records over chains by patient, each chained on its own', async () => {
    const other = await freshLog();
    const patients = Array.from({ length: 40 }, (_, i) => `chained-${i}`);
    await Promise.all(patients.flatMap((patientId) => [0, 1, 2].map(() => other.log.append(record({ patientId })))));
    const report = await verifyAccessChain(other.db);
    expect(report).toMatchObject({ ok: true, firstBreak: null, breaks: [], recordsChecked: 120 });
    expect(report.chains.length).toBeGreaterThan(1);
    const { rows } = await other.db.query<{ patient_id: string; chains: string }>(
      `SELECT patient_id, count(DISTINCT chain) AS chains FROM "${other.schema}".access_log GROUP BY patient_id`,
    );
    // All records about one patient are in the chain accessChainOf names.
    expect(rows.every((row) => Number(row.chains) === 1)).toBe(true);
    const { rows: chainOfFirst } = await other.db.query<{ chain: number }>(
      `SELECT chain FROM "${other.schema}".access_log WHERE patient_id = $1 LIMIT 1`,
      [patients[0]],
    );
    expect(chainOfFirst[0]!.chain).toBe(accessChainOf({ patientId: patients[0]!, userId: null, clientAddress: null }));
    await other.close();
  });

  it('commits the records of concurrent requests about different patients together, every chain still unbroken', async () => {
    const other = await freshLog();
    const patients = Array.from({ length: 48 }, (_, i) => `shared-${i}`);
    await Promise.all(patients.map((patientId) => other.log.append(record({ patientId }))));
    await expect(verifyAccessChain(other.db)).resolves.toMatchObject({ ok: true, recordsChecked: 48 });
    // Rows inserted by one transaction share its xmin: fewer commits than records, and one of
    // them wrote records of several chains.
    const { rows } = await other.db.query<{ records: string; chains: string }>(
      `SELECT count(*) AS records, count(DISTINCT chain) AS chains
         FROM "${other.schema}".access_log GROUP BY xmin::text`,
    );
    expect(rows.length).toBeLessThan(48);
    expect(Math.max(...rows.map((row) => Number(row.chains)))).toBeGreaterThan(1);
    await other.close();
  });

  it('a shared batch waits for a chain held by a write in progress, then commits; two processes never deadlock', async () => {
    const other = await freshLog();
    const second = new AccessLog(other.db);
    const patients = Array.from({ length: 32 }, (_, i) => `wait-${i}`);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const isHolding = new Promise<void>((resolve) => (holding = resolve));
    // A write holds the chain of patients[0] in its open transaction.
    const write = other.db.transaction(async (tx) => {
      await other.log.appendWithin(tx, record({ patientId: patients[0], userId: 'the-write' }));
      holding();
      await held;
    });
    await isHolding;
    // Two "processes" append records of every chain at once, patients[0]'s among them.
    const appends = patients.flatMap((patientId) => [
      other.log.append(record({ patientId })),
      second.append(record({ patientId, userId: 'second-process' })),
    ]);
    // A batch holding patients[0]'s record waits for the write's transaction: its lock is not granted.
    const waiting = async (): Promise<number> => {
      const { rows } = await other.db.query<{ waiting: string }>(
        `SELECT count(*) AS waiting FROM pg_locks
          WHERE locktype = 'advisory' AND NOT granted AND objid = $1 AND classid = hashtext($2)::oid`,
        [
          accessChainOf({ patientId: patients[0]!, userId: null, clientAddress: null }),
          `caretrail-access-log:"${other.schema}"`,
        ],
      );
      return Number(rows[0]!.waiting);
    };
    for (let tries = 0; (await waiting()) === 0 && tries < 200; tries++) await new Promise((r) => setTimeout(r, 50));
    expect(await waiting()).toBeGreaterThan(0);
    release();
    await write;
    await Promise.all(appends);
    const report = await verifyAccessChain(other.db);
    expect(report).toMatchObject({ ok: true, breaks: [], recordsChecked: 65 });
    const firstChain = accessChainOf({ patientId: patients[0]!, userId: null, clientAddress: null });
    const { rows } = await other.db.query<{ patient_id: string; user_id: string }>(
      `SELECT patient_id, user_id FROM "${other.schema}".access_log WHERE chain = $1 ORDER BY id LIMIT 1`,
      [firstChain],
    );
    // The write's record came first in its chain: the batch read that chain's head after it committed.
    expect(rows[0]).toMatchObject({ patient_id: patients[0], user_id: 'the-write' });
    await other.close();
  });

  it('writes a record inside a transaction the caller holds: it commits with that transaction or not at all', async () => {
    const other = await freshLog();
    await expect(
      other.db.transaction(async (tx) => {
        await other.log.appendWithin(tx, record({ userId: 'rolled-back' }));
        throw new Error('the events of the request failed');
      }),
    ).rejects.toThrow('the events of the request failed');
    const committed = await other.db.transaction((tx) => other.log.appendWithin(tx, record({ userId: 'committed' })));
    expect(committed.previousHash).toBe(GENESIS_HASH);
    const { items } = await other.log.page({});
    expect(items.map((r) => r.userId)).toEqual(['committed']);
    await expect(verifyAccessChain(other.db)).resolves.toMatchObject({ ok: true, recordsChecked: 1 });
    await other.close();
  });

  describe('detects tampering by someone who bypasses the triggers', () => {
    it('an edited field', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 4; i++) ids.push((await log.append(record({ patientId: 'tamper' }))).id);
      await expect(verifyAccessChain(database)).resolves.toMatchObject({ ok: true });

      await tamper(`UPDATE "${schema}".access_log SET outcome = 'allowed', status = 200 WHERE id = $1`, [ids[1]]);
      expect(await verifyAccessChain(database)).toMatchObject({
        ok: false,
        firstBreak: { reason: 'content-changed', id: ids[1] },
      });
    });

    it('a removed record breaks the link of the one after it', async () => {
      const other = await freshLog();
      const ids: number[] = [];
      for (let i = 0; i < 4; i++) ids.push((await other.log.append(record())).id);
      await withAdminClient(async (client) => {
        await client.query(`ALTER TABLE "${other.schema}".access_log DISABLE TRIGGER USER`);
        await client.query(`DELETE FROM "${other.schema}".access_log WHERE id = $1`, [ids[1]]);
      });
      expect(await verifyAccessChain(other.db)).toMatchObject({
        ok: false,
        firstBreak: { reason: 'link-broken', id: ids[2] },
      });
      await other.close();
    });

    it('two swapped records', async () => {
      const other = await freshLog();
      const ids: number[] = [];
      for (let i = 0; i < 4; i++) ids.push((await other.log.append(record({ userId: `user-${i}` }))).id);
      await withAdminClient(async (client) => {
        const t = `"${other.schema}".access_log`;
        await client.query(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
        // The two rows trade places in the log, hashes and all.
        await client.query('BEGIN');
        const { rows } = await client.query(`DELETE FROM ${t} WHERE id IN ($1, $2) RETURNING *`, [ids[1], ids[2]]);
        for (const row of rows) {
          const id = row.id === String(ids[1]) ? ids[2] : ids[1];
          await client.query(
            `INSERT INTO ${t} OVERRIDING SYSTEM VALUE SELECT (jsonb_populate_record(NULL::${t}, $1::jsonb)).* `,
            [JSON.stringify({ ...row, id })],
          );
        }
        await client.query('COMMIT');
      });
      expect(await verifyAccessChain(other.db)).toMatchObject({
        ok: false,
        firstBreak: { reason: 'link-broken', id: ids[1] },
      });
      await other.close();
    });

    it('names the first break of each chain, and the chains nobody touched still verify', async () => {
      const other = await freshLog();
      // Patients whose records land in different chains.
      const byChain = new Map<number, string>();
      for (let i = 0; byChain.size < 3; i++) {
        const patientId = `per-chain-${i}`;
        const chain = accessChainOf({ patientId, userId: null, clientAddress: null });
        if (!byChain.has(chain)) byChain.set(chain, patientId);
      }
      const [a, b, c] = [...byChain.entries()];
      const ids = new Map<string, number[]>();
      for (let i = 0; i < 3; i++)
        for (const [, patientId] of [a!, b!, c!]) {
          const stored = await other.log.append(record({ patientId }));
          ids.set(patientId, [...(ids.get(patientId) ?? []), stored.id]);
        }
      await withAdminClient(async (client) => {
        const t = `"${other.schema}".access_log`;
        await client.query(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
        await client.query(`UPDATE ${t} SET status = 200 WHERE id = $1`, [ids.get(a![1])![1]]);
        await client.query(`DELETE FROM ${t} WHERE id = $1`, [ids.get(b![1])![0]]);
      });
      const report = await verifyAccessChain(other.db);
      const expected = [
        { chain: a![0], reason: 'content-changed', id: ids.get(a![1])![1]! },
        { chain: b![0], reason: 'link-broken', id: ids.get(b![1])![1]! },
      ].sort((x, y) => x.chain - y.chain);
      expect(report.ok).toBe(false);
      expect(report.breaks).toEqual(expected);
      expect(report.firstBreak).toEqual([...expected].sort((x, y) => x.id - y.id)[0]);
      const untouched = report.chains.find((head) => head.chain === c![0])!;
      expect(untouched).toMatchObject({ firstBreak: null, records: 3, last: { id: ids.get(c![1])![2] } });
      await other.close();
    });

    it('the checkpoint over all chains changes when the newest record of any chain is removed', async () => {
      const other = await freshLog();
      const stored: AccessRecord[] = [];
      for (let i = 0; i < 6; i++) stored.push(await other.log.append(record({ patientId: `checkpoint-${i}` })));
      const before = await verifyAccessChain(other.db);
      // Not the newest record overall, but the newest of its own chain.
      const victim = stored.find(
        (r) => !stored.some((later) => later.id > r.id && accessChainOf(later) === accessChainOf(r)),
      )!;
      expect(victim.id).not.toBe(before.last!.id);
      await withAdminClient(async (client) => {
        await client.query(`ALTER TABLE "${other.schema}".access_log DISABLE TRIGGER USER`);
        await client.query(`DELETE FROM "${other.schema}".access_log WHERE id = $1`, [victim.id]);
      });
      const after = await verifyAccessChain(other.db);
      expect(after.ok).toBe(true);
      expect(after.last).toEqual(before.last);
      expect(after.checkpoint).not.toBe(before.checkpoint);
      await other.close();
    });

    it('records removed from the end leave a shorter valid chain: only an anchor kept outside catches it', async () => {
      const other = await freshLog();
      for (let i = 0; i < 3; i++) await other.log.append(record());
      const anchor = (await verifyAccessChain(other.db)).last!;
      await withAdminClient(async (client) => {
        await client.query(`ALTER TABLE "${other.schema}".access_log DISABLE TRIGGER USER`);
        await client.query(`DELETE FROM "${other.schema}".access_log WHERE id = $1`, [anchor.id]);
      });
      const report = await verifyAccessChain(other.db);
      expect(report.ok).toBe(true);
      expect(report.last).not.toEqual(anchor);
      await other.close();
    });
  });

  describe('deployed with a separate owner: the application role may only INSERT and SELECT', () => {
    const appRole = `ct_app_${randomBytes(4).toString('hex')}`;
    let app: Client;

    beforeAll(async () => {
      // The grants of docs/audit.md, "Deployment with separate database roles".
      await withAdminClient(async (client) => {
        const s = `"${schema}"`;
        const database = new URL(testDatabaseUrl()).pathname.slice(1);
        await client.query(`CREATE ROLE ${appRole} LOGIN`);
        await client.query(`GRANT CONNECT, CREATE ON DATABASE "${database}" TO ${appRole}`);
        await client.query(`GRANT USAGE, CREATE ON SCHEMA ${s} TO ${appRole}`);
        await client.query(`GRANT SELECT ON ${s}.schema_migrations, ${s}.store_imports TO ${appRole}`);
        await client.query(`GRANT SELECT, INSERT ON ${s}.events, ${s}.access_log TO ${appRole}`);
        await client.query(
          `GRANT SELECT, INSERT, UPDATE ON ${s}.streams, ${s}.idempotency_keys, ${s}.checkpoints, ${s}.projections TO ${appRole}`,
        );
        await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${s}.parked_events TO ${appRole}`);
        await client.query(`GRANT SELECT, INSERT, UPDATE ON ${s}.parked_event_retries TO ${appRole}`);
        await client.query(`GRANT USAGE ON SEQUENCE ${s}.parked_event_retries_id_seq TO ${appRole}`);
        await client.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${s} TO ${appRole}`);
      });
      const url = new URL(testDatabaseUrl());
      url.username = appRole;
      url.password = '';
      app = new Client({ connectionString: url.toString() });
      await app.connect();
    });
    afterAll(async () => {
      await app.end();
      await withAdminClient(async (client) => {
        await client.query(`REVOKE ALL ON DATABASE "${new URL(testDatabaseUrl()).pathname.slice(1)}" FROM ${appRole}`);
        await client.query(`DROP OWNED BY ${appRole}`);
        await client.query(`DROP ROLE ${appRole}`);
      });
    });

    it('opens the store as the application role, and appends events and access records', async () => {
      const url = new URL(testDatabaseUrl());
      url.username = appRole;
      const asAppDatabase = new PostgresDatabase({ connectionString: url.toString(), schema, poolSize: 2 });
      const asApp = await openEventStoreOn(asAppDatabase);
      try {
        await asApp.append(`careplan-${randomUUID()}`, [{ type: 'Tested', data: { n: 1 } }], {
          expectedVersion: 'no-stream',
        });
        await new AccessLog(asAppDatabase).append(record({ userId: 'app-role-store' }));
        await expect(asAppDatabase.query(`UPDATE "${schema}".events SET data = '{}'`)).rejects.toMatchObject({
          code: '42501',
        });
      } finally {
        await asApp.close();
      }
    });

    it('appends and reads as the application role', async () => {
      const appLog = new AccessLog({
        schema,
        query: async (text, params) => app.query(text, params) as never,
        exec: async () => undefined,
      });
      const appended = await appLog.append(record({ userId: 'as-app-role' }));
      expect(appended.hash).toBe(accessRecordHash(appended.previousHash, appended));
      expect((await appLog.page({ userId: 'as-app-role' })).items).toHaveLength(1);
    });

    it('cannot UPDATE, DELETE or TRUNCATE it even while the owner has disabled the trigger', async () => {
      await withAdminClient((client) => client.query(`ALTER TABLE "${schema}".access_log DISABLE TRIGGER USER`));
      try {
        for (const sql of [
          `UPDATE "${schema}".access_log SET outcome = 'allowed'`,
          `DELETE FROM "${schema}".access_log`,
          `TRUNCATE "${schema}".access_log`,
          `ALTER TABLE "${schema}".access_log DISABLE TRIGGER USER`,
        ]) {
          // 42501 insufficient_privilege; 42501 too for ALTER by a non-owner ("must be owner").
          await expect(app.query(sql)).rejects.toMatchObject({ code: '42501' });
        }
      } finally {
        await withAdminClient((client) => client.query(`ALTER TABLE "${schema}".access_log ENABLE TRIGGER USER`));
      }
    });
  });

  async function freshLog(): Promise<{ schema: string; db: PostgresDatabase; log: AccessLog; close(): Promise<void> }> {
    const other = uniqueSchema('access');
    const db = new PostgresDatabase({ connectionString: testDatabaseUrl(), schema: other, poolSize: 4 });
    const s = await openEventStoreOn(db);
    return {
      schema: other,
      db,
      log: new AccessLog(db),
      close: async () => {
        await s.close();
        await dropSchema(other);
      },
    };
  }
});

describe('the access log on PGlite', () => {
  it('chains records the same way (sha256 in the embedded PostgreSQL)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'caretrail-access-'));
    const pglite = await PgliteDatabase.open({ dataDir });
    const store = await openEventStoreOn(pglite);
    try {
      const log = new AccessLog(pglite);
      const first = await log.append(record());
      const second = await log.append(record({ detail: { patientIds: ['a'] } }));
      expect(second.previousHash).toBe(first.hash);
      await expect(verifyAccessChain(pglite)).resolves.toMatchObject({ ok: true, recordsChecked: 2 });
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
