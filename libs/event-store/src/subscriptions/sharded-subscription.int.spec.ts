import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NewEvent, StoredEvent } from '../event-store';
import { PgliteDatabase } from '../pglite/pglite-database';
import { PostgresDatabase } from '../postgres/postgres-database';
import type { SqlDatabase } from '../sql/sql-database';
import { SqlEventStore } from '../sql/sql-event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '../testing/postgres-test-database';
import { LeaseLost, ShardLeases } from './shard-leases';
import { ShardedSubscription, type ShardedSubscriptionOptions } from './sharded-subscription';
import { shardOf } from './shards';
import type { SubscriptionHandler } from './subscription';

const SHARDS = 4;

const noted = (patientId: string, n: number): NewEvent => ({ type: 'Noted', data: { patientId, n } });

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(20);
  }
}

/**
 * A handler that records each event it applies in `handled`, in the batch's transaction, and
 * can be held inside that transaction (a process paused mid-batch).
 */
function recorder(
  sql: SqlDatabase,
  subscriber: string,
  member: string,
): SubscriptionHandler & { hold?: Promise<void>; holding: boolean } {
  const handler: SubscriptionHandler & { hold?: Promise<void>; holding: boolean } = {
    holding: false,
    async handle(batch: StoredEvent[], context) {
      await sql.transaction(async (tx) => {
        for (const e of batch) {
          await tx.query(
            `INSERT INTO "${sql.schema}".handled (subscriber, event_id, patient_id, member) VALUES ($1, $2, $3, $4)`,
            [subscriber, e.eventId, e.data['patientId'] ?? '', member],
          );
        }
        if (handler.hold && batch.some((e) => e.data['patientId'] === 'fence')) {
          handler.holding = true;
          await handler.hold;
          handler.hold = undefined;
        }
        await context.saveCheckpoint(tx);
      });
    },
  };
  return handler;
}

const subscribe = (
  store: SqlEventStore,
  sql: SqlDatabase,
  handler: SubscriptionHandler,
  options: Partial<ShardedSubscriptionOptions>,
): ShardedSubscription => {
  const subscription = new ShardedSubscription(store, sql, handler, {
    name: 'test',
    shards: SHARDS,
    leaseMs: 1000,
    rebalanceMs: 100,
    idleWaitMs: 100,
    ...options,
  });
  subscription.start();
  return subscription;
};

describe('sharded subscription on PostgreSQL', () => {
  const schema = uniqueSchema('sharded');
  const open = () => new PostgresDatabase({ connectionString: testDatabaseUrl(), schema });
  let store: SqlEventStore;

  beforeAll(async () => {
    store = await SqlEventStore.open(open());
    await store.database.exec(
      `CREATE TABLE "${schema}".handled (subscriber text NOT NULL, event_id uuid NOT NULL, patient_id text NOT NULL, member text NOT NULL)`,
    );
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  /** What a subscriber applied to the patients whose ids start with `prefix`. */
  const handledRows = async (
    subscriber: string,
    prefix: string,
  ): Promise<Array<{ event_id: string; patient_id: string; member: string }>> =>
    (
      await store.database.query<{ event_id: string; patient_id: string; member: string }>(
        `SELECT event_id, patient_id, member FROM "${schema}".handled WHERE subscriber = $1 AND starts_with(patient_id, $2)`,
        [subscriber, prefix],
      )
    ).rows;

  it('shares the shards between two holders, each patient with one, every event applied once', async () => {
    const patients = Array.from({ length: 12 }, (_, i) => `share-${i}`);
    const first = subscribe(store, store.database, recorder(store.database, 'share', 'first'), {
      name: 'share',
      member: 'first',
    });
    const second = subscribe(store, store.database, recorder(store.database, 'share', 'second'), {
      name: 'share',
      member: 'second',
    });
    try {
      await until(
        () => first.status().held.length === SHARDS / 2 && second.status().held.length === SHARDS / 2,
        'two holders hold two shards each',
      );
      for (const p of patients) await store.append(`s-${p}`, [noted(p, 1), noted(p, 2)], { expectedVersion: 'any' });
      await until(async () => (await handledRows('share', 'share-')).length === 24, 'every event is handled');
      const rows = await handledRows('share', 'share-');
      for (const p of patients) {
        const holders = new Set(rows.filter((r) => r.patient_id === p).map((r) => r.member));
        expect(holders.size).toBe(1);
        const shard = shardOf(p, SHARDS);
        const holder = first.status().held.some((h) => h.shard === shard) ? 'first' : 'second';
        expect([...holders]).toEqual([holder]);
      }
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('gives a stopped holder’s shards to the other, which resumes from their checkpoints', async () => {
    const first = subscribe(store, store.database, recorder(store.database, 'resume', 'first'), {
      name: 'resume',
      member: 'first',
    });
    const second = subscribe(store, store.database, recorder(store.database, 'resume', 'second'), {
      name: 'resume',
      member: 'second',
    });
    try {
      await until(() => first.status().held.length === 2 && second.status().held.length === 2, 'shared');
      await store.append('s-resume-a', [noted('resume-a', 1)], { expectedVersion: 'any' });
      await until(async () => (await handledRows('resume', 'resume-')).length === 1, 'the first event is handled');
      await first.stop();
      await until(() => second.status().held.length === SHARDS, 'the second holds every shard');
      for (let i = 0; i < 8; i++)
        await store.append(`s-resume-${i}`, [noted(`resume-${i}`, 1)], { expectedVersion: 'any' });
      await until(async () => (await handledRows('resume', 'resume-')).length >= 9, 'every event is handled');
      await sleep(300);
      const rows = await handledRows('resume', 'resume-');
      expect(rows).toHaveLength(9);
      expect(new Set(rows.map((r) => r.event_id)).size).toBe(9);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  /** Each batch a handler committed, in commit order: the patient and number of each event. */
  const batchesOf = (handler: SubscriptionHandler, batches: Array<Array<{ patientId: string; n: number }>>) => ({
    async handle(batch: StoredEvent[], context: Parameters<SubscriptionHandler['handle']>[1]) {
      await handler.handle(batch, context);
      // Other tests' patients share the log: only this test's (`bp-`).
      const mine = batch.filter((e) => String(e.data['patientId']).startsWith('bp-'));
      if (mine.length > 0)
        batches.push(mine.map((e) => ({ patientId: String(e.data['patientId']), n: Number(e.data['n']) })));
    },
  });

  it('hands a fresh shard its patients’ whole histories up to a head, then follows the global order', async () => {
    const patients = Array.from({ length: 6 }, (_, i) => `bp-${i}`);
    // Interleaved in the global order, as a clinic's traffic writes them.
    for (let n = 1; n <= 3; n++)
      for (const p of patients) await store.append(`s-${p}`, [noted(p, n)], { expectedVersion: 'any' });
    await store.append('s-no-patient', [{ type: 'Noted', data: { n: 0 } }], { expectedVersion: 'any' });
    const batches: Array<Array<{ patientId: string; n: number }>> = [];
    const handler = batchesOf(recorder(store.database, 'by-patient', 'only'), batches);
    const subscription = subscribe(store, store.database, handler, {
      name: 'by-patient',
      byPatient: true,
      batchSize: 4,
    });
    try {
      await until(async () => (await handledRows('by-patient', 'bp-')).length === 18, 'the histories are handled');
      const before = batches.flat().length;
      await store.append('s-bp-0', [noted('bp-0', 4)], { expectedVersion: 'any' });
      await until(async () => (await handledRows('by-patient', 'bp-')).length === 19, 'a new event is handled');

      const byPatient = batches.flat().slice(0, before);
      // Whole patients per batch: no patient's history up to the head is split over two batches.
      for (const p of patients) {
        expect(batches.filter((b) => b.some((e) => e.patientId === p && e.n <= 3))).toHaveLength(1);
        expect(byPatient.filter((e) => e.patientId === p).map((e) => e.n)).toEqual([1, 2, 3]);
      }
      expect(batches.flat().slice(before)).toEqual([{ patientId: 'bp-0', n: 4 }]);
      const { rows: cursors } = await store.database.query(
        `SELECT name FROM "${schema}".patient_cursors WHERE starts_with(name, 'by-patient#')`,
      );
      expect(cursors).toEqual([]);
      expect(subscription.status().held.map((h) => h.checkpoint.position > 0)).toEqual([true, true, true, true]);
    } finally {
      await subscription.stop();
    }
  });

  it('resumes a shard taken over in the middle of its patients from their cursor, applying nothing twice', async () => {
    const patients = Array.from({ length: 12 }, (_, i) => `mid-${i}`);
    for (let n = 1; n <= 2; n++)
      for (const p of patients) await store.append(`s-${p}`, [noted(p, n)], { expectedVersion: 'any' });
    // The first holder fails after two batches of these patients, and stops (a process that died,
    // releasing its shards). Other tests' patients share the log.
    let batches = 0;
    const failing = recorder(store.database, 'mid', 'first');
    const first = subscribe(
      store,
      store.database,
      {
        async handle(batch, context) {
          if (batch.some((e) => String(e.data['patientId']).startsWith('mid-')) && ++batches > 2)
            throw new Error('the process died');
          await failing.handle(batch, context);
        },
      },
      { name: 'mid', member: 'first', byPatient: true, batchSize: 2, shards: 1 },
    );
    await until(() => first.status().state === 'failed', 'the first holder stopped part-way');
    await first.stop();
    const { rows: cursors } = await store.database.query<{ after_patient: string }>(
      `SELECT after_patient FROM "${schema}".patient_cursors WHERE name = 'mid#0'`,
    );
    expect(cursors).toEqual([{ after_patient: expect.any(String) }]);
    await store.append('s-mid-late', [noted('mid-late', 1)], { expectedVersion: 'any' });

    const second = subscribe(store, store.database, recorder(store.database, 'mid', 'second'), {
      name: 'mid',
      member: 'second',
      byPatient: true,
      batchSize: 2,
      shards: 1,
    });
    try {
      await until(async () => (await handledRows('mid', 'mid-')).length >= 25, 'every event is handled');
      await sleep(300);
      const rows = await handledRows('mid', 'mid-');
      expect(rows).toHaveLength(25);
      expect(new Set(rows.map((r) => r.event_id)).size).toBe(25);
      expect(new Set(rows.map((r) => r.member))).toEqual(new Set(['first', 'second']));
    } finally {
      await second.stop();
    }
  });

  it('refuses the batch of a holder paused past its lease once another took the shard (the fence)', async () => {
    // The paused holder's heartbeats do not get through while it is paused, like a stopped process.
    let frozen = false;
    const database = open();
    const paused = new Proxy(database, {
      get(target, property) {
        if (property === 'query') {
          return (text: string, params?: unknown[]) =>
            frozen && /shard_members|expires_at = now\(\) \+/.test(text)
              ? Promise.reject(new Error('paused'))
              : target.query(text, params);
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const pausedHandler = recorder(database, 'fence', 'paused');
    let release!: () => void;
    pausedHandler.hold = new Promise<void>((resolve) => (release = resolve));
    const pausedHolder = subscribe(store, paused, pausedHandler, { name: 'fence', member: 'a-paused', shards: 1 });
    let other: ShardedSubscription | undefined;
    try {
      await until(() => pausedHolder.status().held.length === 1, 'the first holder holds the shard');
      await store.append('s-fence', [noted('fence', 1)], { expectedVersion: 'any' });
      await until(() => pausedHandler.holding, 'the first holder is paused inside its batch');
      frozen = true;
      other = subscribe(store, store.database, recorder(store.database, 'fence', 'other'), {
        name: 'fence',
        member: 'b-other',
        shards: 1,
      });
      await until(() => other!.status().held.length === 1, 'the other takes the shard once the lease expired');
      await until(
        async () => (await handledRows('fence', 'fence')).some((r) => r.member === 'other'),
        'the other applies the event',
      );
      release();
      await until(() => pausedHandler.hold === undefined, 'the paused batch ends');
      await sleep(300);
      expect((await handledRows('fence', 'fence')).map((r) => r.member)).toEqual(['other']);
    } finally {
      frozen = false;
      release();
      await pausedHolder.stop();
      await other?.stop();
      await database.close();
    }
  });

  it('runs work between two batches of a shard it holds, with the checkpoint and the fence; not for others', async () => {
    const handler = recorder(store.database, 'between', 'first');
    let working = false;
    let batchesDuringWork = 0;
    const handle = handler.handle.bind(handler);
    handler.handle = async (batch, context) => {
      if (working) batchesDuringWork++;
      await handle(batch, context);
    };
    const first = subscribe(store, store.database, handler, { name: 'between', member: 'first' });
    const second = subscribe(store, store.database, recorder(store.database, 'between', 'second'), {
      name: 'between',
      member: 'second',
    });
    try {
      await until(() => first.status().held.length === 2 && second.status().held.length === 2, 'shared');
      const mine = first.status().held.map((h) => h.shard);
      const patients = Array.from({ length: 40 }, (_, i) => `between-${i}.`); // the dot ends the prefix
      const ours = patients.filter((p) => mine.includes(shardOf(p, SHARDS)));
      const theirs = patients.find((p) => !mine.includes(shardOf(p, SHARDS)))!;
      const [patient, later] = ours as [string, string];
      const [position] = (await store.append(`s-${patient}`, [noted(patient, 1)], { expectedVersion: 'any' }))
        .positions;
      await until(async () => (await handledRows('between', patient)).length === 1, 'the event is handled');

      const notHeld = jest.fn();
      expect(await first.betweenBatches(shardOf(theirs, SHARDS), notHeld)).toEqual({ held: false });
      expect(notHeld).not.toHaveBeenCalled();

      const done = await first.betweenBatches(shardOf(patient, SHARDS), async (checkpoint, fence) => {
        working = true;
        try {
          // An event of the same holder arrives meanwhile: its batch waits for the work.
          await store.append(`s-${later}`, [noted(later, 1)], { expectedVersion: 'any' });
          await sleep(300);
          await store.database.transaction((tx) => fence(tx));
          return { checkpoint, handledMeanwhile: (await handledRows('between', later)).length };
        } finally {
          working = false;
        }
      });
      expect(done).toEqual({ held: true, value: { checkpoint: expect.any(Object), handledMeanwhile: 0 } });
      const value = (done as { value: { checkpoint: { position: number } } }).value;
      expect(value.checkpoint.position).toBeGreaterThanOrEqual(position!);
      await until(async () => (await handledRows('between', later)).length === 1, 'the later event is handled after');
      expect(batchesDuringWork).toBe(0);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('refuses to work with another shard count than the subscriber’s shards were created with', async () => {
    const first = subscribe(store, store.database, recorder(store.database, 'count', 'first'), {
      name: 'count',
      member: 'first',
    });
    await until(() => first.status().held.length === SHARDS, 'the first holds every shard');
    await first.stop();
    const other = subscribe(store, store.database, recorder(store.database, 'count', 'other'), {
      name: 'count',
      member: 'other',
      shards: SHARDS * 2,
      retryBackoffMs: { initial: 50, max: 100 },
    });
    try {
      await until(() => other.status().lastError !== null, 'the other reports why it does not work');
      expect(other.status()).toMatchObject({
        state: 'retrying',
        held: [],
        lastError: { message: expect.stringContaining(`divided into ${SHARDS} shards`) },
      });
    } finally {
      await other.stop();
    }
  });

  it('fails the fence in the transaction of a holder whose lease another took', async () => {
    const stale = new ShardLeases(store.database, { subscriber: 'lease', shards: 1, leaseMs: 1000, member: 'stale' });
    await stale.join();
    await stale.rebalance();
    expect([...stale.held().keys()]).toEqual([0]);
    await sleep(1100);
    const taker = new ShardLeases(store.database, { subscriber: 'lease', shards: 1, leaseMs: 1000, member: 'taker' });
    await taker.join();
    await taker.rebalance();
    expect([...taker.held().keys()]).toEqual([0]);
    await expect(store.database.transaction((tx) => stale.fence(tx, [0]))).rejects.toBeInstanceOf(LeaseLost);
    await expect(store.database.transaction((tx) => taker.fence(tx, [0]))).resolves.toBeUndefined();
  });

  it('keeps the shards it claims while a heartbeat that began before the claim is still answering', async () => {
    // The heartbeat runs on a timer, beside the batches and the rebalancing: its renewal can read the
    // leases before a claim and answer after it. Hold the renewal's answer until the claim is done.
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    let holdRenewal = false;
    const database = store.database;
    const slowRenewal = Object.create(database) as SqlDatabase;
    slowRenewal.query = async <Row>(text: string, params?: unknown[]) => {
      const result = await database.query<Row>(text, params);
      if (holdRenewal && text.includes('RETURNING shard, epoch')) await answered;
      return result;
    };
    const leases = new ShardLeases(slowRenewal, { subscriber: 'renewal', shards: 3, leaseMs: 5000, member: 'one' });
    await leases.join();
    holdRenewal = true;
    const heartbeat = leases.heartbeat();
    await sleep(50); // the renewal has read the leases: it holds none yet
    const { acquired } = await leases.rebalance();
    expect(acquired).toEqual([0, 1, 2]);
    answer();
    await heartbeat;
    // The shards are this member's in the table: it must work on them, or no one ever will.
    expect([...leases.held().keys()].sort()).toEqual([0, 1, 2]);
    await expect(store.database.transaction((tx) => leases.fence(tx, [0, 1, 2]))).resolves.toBeUndefined();
    await leases.leave();
  });
});

describe('sharded subscription on PGlite', () => {
  it('holds every shard in the one process the embedded store admits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caretrail-sharded-'));
    const store = await SqlEventStore.open(await PgliteDatabase.open({ dataDir: dir }));
    try {
      await store.database.exec(
        `CREATE TABLE "${store.database.schema}".handled (subscriber text, event_id uuid, patient_id text, member text)`,
      );
      for (let i = 0; i < 6; i++) await store.append(`s-${i}`, [noted(`embedded-${i}`, 1)], { expectedVersion: 'any' });
      const subscription = subscribe(store, store.database, recorder(store.database, 'embedded', 'only'), {
        name: 'embedded',
        exclusive: true,
      });
      try {
        await until(() => subscription.status().held.length === SHARDS, 'it holds every shard');
        await until(
          async () =>
            (await store.database.query(`SELECT 1 FROM "${store.database.schema}".handled`)).rows.length === 6,
          'every event is handled',
        );
      } finally {
        await subscription.stop();
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
