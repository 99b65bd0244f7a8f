import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkpointOf } from '../event-store';
import { TransactionIdsWentBackwards } from '../errors';
import { SqlEventStore } from '../sql/sql-event-store';
import { eventStoreContract, events, follow, headCheckpoint } from '../testing/event-store-contract';
import { sqlAdapterGuarantees } from '../testing/sql-adapter-guarantees';
import { dropSchema, testDatabaseUrl, uniqueSchema, withAdminClient } from '../testing/postgres-test-database';
import { PostgresDatabase } from './postgres-database';

const openStore = (schema: string): Promise<SqlEventStore> =>
  SqlEventStore.open(new PostgresDatabase({ connectionString: testDatabaseUrl(), schema, poolSize: 60 }));

eventStoreContract(
  'PostgreSQL',
  async () => {
    const schema = uniqueSchema('contract');
    return { open: () => openStore(schema), destroy: () => dropSchema(schema) };
  },
  sqlAdapterGuarantees,
);

describe('event store on PostgreSQL', () => {
  const schema = uniqueSchema('pg');
  let store: SqlEventStore;

  beforeAll(async () => {
    store = await openStore(schema);
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('applies migrations once when several processes start together', async () => {
    const other = uniqueSchema('migrate');
    const stores = await Promise.all([openStore(other), openStore(other), openStore(other)]);
    const { rows } = await stores[0]!.database.query<{ name: string }>(`SELECT name FROM "${other}".schema_migrations`);
    const names = rows.map((r) => r.name);
    // Each once, whatever migrations come after these.
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining(['0001-event-log', '0002-checkpoints', '0003-projections', '0004-patient-index']),
    );
    await Promise.all(stores.map((s) => s.close()));
    await dropSchema(other);
  });

  it('wakes a reader in another process through LISTEN/NOTIFY', async () => {
    const writer = await openStore(schema);
    try {
      const from = await headCheckpoint(store);
      await store.waitForEvents({ timeoutMs: 1 }); // starts listening
      const waiting = store.waitForEvents({ timeoutMs: 600_000 });
      await writer.append(`careplan-${randomUUID()}`, events(1), { expectedVersion: 'no-stream' });
      await expect(waiting).resolves.toBeUndefined();
      expect(await follow(store, 1, 5_000, from)).toHaveLength(1);
    } finally {
      await writer.close();
    }
  }, 15_000);

  it('holds readers behind an open writing transaction and reports its age', async () => {
    const from = await headCheckpoint(store);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const open = store.database.transaction(async (tx) => {
      await store.appendWithin(tx, `careplan-${randomUUID()}`, events(1), { expectedVersion: 'no-stream' });
      await held;
    });
    await sleep(50);
    await store.append(`careplan-${randomUUID()}`, events(1), { expectedVersion: 'no-stream' });

    expect(await store.readAll({ after: from })).toEqual([]);
    expect((await store.status()).oldestOpenTransactionSeconds).toBeGreaterThan(0);

    release();
    await open;
    expect(await store.readAll({ after: from })).toHaveLength(2);
  });

  it('answers covers and lagAfter by the global order, not by position', async () => {
    const from = await headCheckpoint(store);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let idTaken!: () => void;
    const taken = new Promise<void>((resolve) => (idTaken = resolve));
    // The first writer takes its transaction id now and its position only after the second committed:
    // it comes first in the global order with the higher position.
    const first = store.database.transaction(async (tx) => {
      await tx.query('SELECT pg_current_xact_id()');
      idTaken();
      await held;
      return store.appendWithin(tx, `careplan-${randomUUID()}`, events(1), { expectedVersion: 'no-stream' });
    });
    await taken;
    const second = await store.append(`careplan-${randomUUID()}`, events(1), { expectedVersion: 'no-stream' });
    release();
    const firstResult = await first;
    expect(firstResult.positions[0]).toBeGreaterThan(second.positions[0]!);

    const [firstRead, secondRead] = await store.readAll({ after: from });
    expect(firstRead!.position).toBe(firstResult.positions[0]);
    const afterFirst = checkpointOf(firstRead!);
    expect(await store.covers(afterFirst, firstResult.positions[0]!)).toBe(true);
    // A lower position, but later in the order: a reader at afterFirst has not seen it.
    expect(await store.covers(afterFirst, second.positions[0]!)).toBe(false);
    expect(await store.lagAfter(afterFirst)).toEqual({ events: 1, oldestRecordedAt: secondRead!.recordedAt });
  });

  it('refuses to open a log whose transaction ids are ahead of the server (logical restore)', async () => {
    const restored = uniqueSchema('restored');
    const s = await openStore(restored);
    await s.close();
    await withAdminClient((client) =>
      client.query(
        `INSERT INTO "${restored}".events (transaction_id, stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
         VALUES ('9000000000000'::xid8, 'careplan-x', 1, $1, 'PatientEnrolled', 1, '{}', '{}')`,
        [randomUUID()],
      ),
    );
    await expect(openStore(restored)).rejects.toBeInstanceOf(TransactionIdsWentBackwards);
    await dropSchema(restored);
  });
});
