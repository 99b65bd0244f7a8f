import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { START, type StoredEvent } from '../event-store';
import { PgliteDatabase } from '../pglite/pglite-database';
import { PostgresDatabase } from '../postgres/postgres-database';
import { SqlEventStore } from '../sql/sql-event-store';
import { events, headCheckpoint } from '../testing/event-store-contract';
import { dropSchema, testDatabaseUrl, uniqueSchema, withAdminClient } from '../testing/postgres-test-database';
import { CheckpointMoved, CheckpointStore } from './checkpoint-store';
import { EventHandlingFailed, Subscription, type SubscriptionHandler, type SubscriptionOptions } from './subscription';

/** Collects what a handler saw; saves the checkpoint like a projection would. */
function collector(failOn?: (e: StoredEvent) => boolean): SubscriptionHandler & { seen: StoredEvent[] } {
  const seen: StoredEvent[] = [];
  return {
    seen,
    async handle(batch, context) {
      for (const event of batch) if (failOn?.(event)) throw new EventHandlingFailed(event, new Error('cannot apply'));
      seen.push(...batch);
      await context.saveCheckpoint();
    },
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(20);
  }
}

const run = (store: SqlEventStore, handler: SubscriptionHandler, options: Partial<SubscriptionOptions> = {}) => {
  const subscription = new Subscription(store, store.database, handler, {
    name: 'test',
    idleWaitMs: 200,
    standbyRetryMs: 100,
    ...options,
  });
  subscription.start();
  return subscription;
};

describe.each([
  [
    'PostgreSQL',
    async () => {
      const schema = uniqueSchema('subscription');
      const open = () => SqlEventStore.open(new PostgresDatabase({ connectionString: testDatabaseUrl(), schema }));
      return { open, destroy: () => dropSchema(schema) };
    },
  ],
  [
    'PGlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'caretrail-subscription-'));
      const open = async () => SqlEventStore.open(await PgliteDatabase.open({ dataDir: dir }));
      return { open, destroy: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
])('a subscription on %s', (_, setup) => {
  let store: SqlEventStore;
  let destroy: () => Promise<void>;
  beforeAll(async () => {
    const fixture = await setup();
    destroy = fixture.destroy;
    store = await fixture.open();
  });
  afterAll(async () => {
    await store.close();
    await destroy();
  });

  it('hands over every event in order, wakes on new ones and resumes from its checkpoint', async () => {
    const name = `all-${randomUUID()}`;
    const from = await headCheckpoint(store);
    await store.append(`s-${name}`, events(25), { expectedVersion: 'no-stream' });
    const first = collector();
    const subscription = run(store, first, { name, batchSize: 10, from });
    await until(() => first.seen.length === 25, 'the backlog is handled');
    await store.append(`s-${name}`, events(5), { expectedVersion: 25 });
    await until(() => first.seen.length === 30, 'new events are handled');
    await subscription.stop();
    expect(first.seen.map((e) => e.streamVersion)).toEqual(Array.from({ length: 30 }, (__, i) => i + 1));

    await store.append(`s-${name}`, events(3), { expectedVersion: 30 });
    const second = collector();
    const resumed = run(store, second, { name, from });
    try {
      // A batch counts as processed once its checkpoint is saved, just after the handler has seen it.
      await until(() => second.seen.length === 3 && resumed.status().processed >= 3, 'only the new events are handled');
      expect(resumed.status()).toMatchObject({ leader: true, state: 'running', processed: 3 });
    } finally {
      await resumed.stop();
    }
    expect(second.seen.map((e) => e.streamVersion)).toEqual([31, 32, 33]);
  });

  it('stops on a poison event with its id in the status, and retries it when resumed', async () => {
    const name = `poison-${randomUUID()}`;
    const from = await headCheckpoint(store);
    const { eventIds } = await store.append(`s-${name}`, events(3), { expectedVersion: 'no-stream' });
    let poisoned = true;
    const handler = collector((e) => poisoned && e.eventId === eventIds[1]);
    const subscription = run(store, handler, { name, batchSize: 1, from });
    await until(() => subscription.status().state === 'failed', 'the subscription fails');
    expect(subscription.status().lastError).toMatchObject({
      eventId: eventIds[1],
      message: expect.stringContaining('cannot apply'),
    });
    expect(handler.seen.map((e) => e.eventId)).toEqual([eventIds[0]]);

    poisoned = false;
    subscription.resume();
    await until(() => handler.seen.length === 3, 'the rest is handled after resume');
    expect(subscription.status().lastError).toBeNull();
    await subscription.stop();
  });

  it('retries with backoff under the retry policy until the handler succeeds', async () => {
    const name = `retry-${randomUUID()}`;
    const from = await headCheckpoint(store);
    await store.append(`s-${name}`, events(4), { expectedVersion: 'no-stream' });
    let failures = 3;
    const handler = collector(() => failures-- > 0);
    const subscription = run(store, handler, {
      name,
      from,
      onError: 'retry',
      retryBackoffMs: { initial: 10, max: 50 },
    });
    await until(() => handler.seen.length === 4, 'the batch goes through');
    await subscription.stop();
    expect(handler.seen.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4]);
  });

  it('lets only one of two runners of one name work; the other stands by', async () => {
    const name = `pair-${randomUUID()}`;
    const from = await headCheckpoint(store);
    await store.append(`s-${name}`, events(10), { expectedVersion: 'no-stream' });
    const a = collector();
    const b = collector();
    const first = run(store, a, { name, from });
    await until(() => first.status().leader, 'the first leads');
    const second = run(store, b, { name, from });
    await until(() => a.seen.length === 10, 'the leader handles everything');
    await until(() => second.status().state === 'standby', 'the second stands by');
    expect(b.seen).toEqual([]);

    await first.stop();
    await store.append(`s-${name}`, events(2), { expectedVersion: 10 });
    await until(() => b.seen.length === 2, 'the standby takes over from the checkpoint');
    await second.stop();
  });

  it('refuses a checkpoint save from a runner that lost the race', async () => {
    const checkpoints = new CheckpointStore(store.database.schema);
    const name = `cas-${randomUUID()}`;
    await checkpoints.save(store.database, name, START, { transactionId: '10', position: 5 });
    await expect(
      checkpoints.save(store.database, name, START, { transactionId: '11', position: 6 }),
    ).rejects.toBeInstanceOf(CheckpointMoved);
    expect(await checkpoints.load(store.database, name)).toEqual({ transactionId: '10', position: 5 });
  });
});

describe('a subscription on PostgreSQL across processes', () => {
  const schema = uniqueSchema('takeover');
  const open = (applicationName: string) =>
    SqlEventStore.open(new PostgresDatabase({ connectionString: testDatabaseUrl(), schema, applicationName }));
  afterAll(() => dropSchema(schema));

  it('carries on from the checkpoint when the leader’s connection dies, handling nothing twice', async () => {
    const [one, two] = [await open(`${schema}-one`), await open(`${schema}-two`)];
    const a = collector();
    const b = collector();
    const first = run(one, a, { name: 'takeover' });
    const second = run(two, b, { name: 'takeover' });
    try {
      await one.append('s-takeover', events(6), { expectedVersion: 'no-stream' });
      await until(() => a.seen.length + b.seen.length === 6, 'the leader handles the backlog');
      await until(() => first.status().leader !== second.status().leader, 'one leads, one stands by');

      // The first process's sessions end as if its host vanished: the server
      // frees the lock, and either runner may win it back.
      await withAdminClient((client) =>
        client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
          `${schema}-one`,
        ]),
      );
      await two.append('s-takeover', events(4), { expectedVersion: 6 });
      await until(() => a.seen.length + b.seen.length === 10, 'whoever leads now handles the rest');
      await until(() => first.status().leader !== second.status().leader, 'again exactly one leads');
      const all = [...a.seen, ...b.seen].sort((x, y) => x.streamVersion - y.streamVersion);
      expect(all.map((e) => e.streamVersion)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    } finally {
      // Subscriptions hold a connection each: stop them before closing their stores.
      await Promise.all([first.stop(), second.stop()]);
      await one.close();
      await two.close();
    }
  });
});
