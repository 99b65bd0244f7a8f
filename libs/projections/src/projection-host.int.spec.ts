import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  openEventStoreOn,
  PostgresDatabase,
  START,
  type EventStore,
  type NewEvent,
  type SqlDatabase,
} from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@caretrail/event-store/testing';
import { BatchProjector } from './batch-projector';
import type { ReadModel } from '@caretrail/read-models';
import { ProjectionHost } from './projection-host';
import { ProjectionTables } from './projection-tables';

/** A read model small enough to check by hand: doses taken per patient, and which events made them. */
type Tally = { patientId: string; taken: number; eventIds: string[] };

let failOnPatient: string | undefined;
let crashOnceOnPatient: string | undefined;

const tally = (version = 1): ReadModel<Tally> => ({
  name: 'tally',
  version,
  keysOf: (e) => (e.event.type === 'DoseTaken' ? [(e.event.data as { patientId: string }).patientId] : []),
  evolve(doc, e) {
    const { patientId } = e.event.data as { patientId: string };
    if (patientId === failOnPatient) throw new Error(`cannot tally ${patientId}`);
    if (doc?.eventIds.includes(e.meta.eventId)) return doc; // delivered twice: same row
    return { patientId, taken: (doc?.taken ?? 0) + 1, eventIds: [...(doc?.eventIds ?? []), e.meta.eventId] };
  },
  patientOf(doc) {
    // Fails after evolve, before commit: the process "dies" mid-batch.
    if (doc.patientId === crashOnceOnPatient) {
      crashOnceOnPatient = undefined;
      throw new Error('crashed mid-batch');
    }
    return doc.patientId;
  },
});

const dose = (patientId: string): NewEvent => ({
  type: 'DoseTaken',
  data: {
    patientId,
    medicationId: 'm1',
    scheduledFor: '2026-03-01T08:00:00.000Z',
    occurredAt: '2026-03-01T08:05:00.000Z',
  },
});

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(50);
  }
}

describe('projection host on PostgreSQL', () => {
  const schema = uniqueSchema('projections');
  const openDatabase = (on = schema): SqlDatabase =>
    new PostgresDatabase({ connectionString: testDatabaseUrl(), schema: on });
  let database: SqlDatabase;
  let store: EventStore;
  const rows = async (): Promise<Tally[]> => {
    const host = new ProjectionHost(store, database, [tally()]);
    const { table } = await host.activeTable('tally');
    const { rows: found } = await database.query<{ doc: Tally }>(`SELECT doc FROM ${table} ORDER BY key`);
    return found.map((r) => r.doc);
  };
  const takenBy = async (patientId: string): Promise<number> =>
    (await rows()).find((r) => r.patientId === patientId)?.taken ?? 0;
  const append = (patientId: string, count: number) =>
    store.append(
      `doses-${patientId}-2026-03`,
      Array.from({ length: count }, () => dose(patientId)),
      { expectedVersion: 'any' },
    );

  beforeAll(async () => {
    database = openDatabase();
    store = await openEventStoreOn(database);
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('applies the log in batches and keeps up with new events', async () => {
    await append('p-batch', 25);
    const host = new ProjectionHost(store, database, [tally()], { batchSize: 10, reconcileMs: 100 });
    await host.start();
    try {
      await until(async () => (await takenBy('p-batch')) === 25, 'the backlog is projected');
      await append('p-batch', 3);
      await until(async () => (await takenBy('p-batch')) === 28, 'new events are projected');
      const [status] = await host.status();
      expect(status).toMatchObject({ name: 'tally', state: 'running', lagEvents: 0, lastError: null });
    } finally {
      await host.stop();
    }
  });

  it('reports the lag of a paused read model without counting the events behind it', async () => {
    const host = new ProjectionHost(store, database, [tally()], { reconcileMs: 100 });
    await host.start();
    try {
      await append('p-lag', 4);
      await until(async () => (await takenBy('p-lag')) === 4, 'the events are projected');
      await host.pause('tally');
      const appended = await append('p-lag', 6);
      const counted = jest.spyOn(store, 'lagAfter');
      const [status] = await host.status();
      // From the positions, an upper bound (a rolled-back append leaves a gap), never a count of the log.
      expect(counted).not.toHaveBeenCalled();
      counted.mockRestore();
      expect(status!.lagEvents).toBeGreaterThanOrEqual(6);
      expect(status!.lagEvents).toBe(appended.positions.at(-1)! - status!.checkpoint.position);
      expect(status!.lagSeconds).toBeGreaterThanOrEqual(0);
      await host.resume('tally');
      await until(async () => (await host.status())[0]!.lagEvents === 0, 'the read model catches up');
    } finally {
      await host.stop();
    }
  });

  it('writes the same rows when a batch is delivered twice', async () => {
    await append('p-twice', 2);
    const tables = new ProjectionTables(schema);
    await tables.create(database, 'twice', 1);
    const projector = new BatchProjector({
      store,
      sql: database,
      tables,
      definition: { ...tally(), name: 'twice' },
      generation: 1,
    });
    const batch = await store.readAll({ after: START, limit: 10_000 });
    const context = { previous: START, next: START, saveCheckpoint: async () => undefined };
    await projector.handle(batch, context);
    const once = await database.query(`SELECT key, doc FROM ${tables.table('twice', 1)} ORDER BY key`);
    await projector.handle(batch, context);
    const twice = await database.query(`SELECT key, doc FROM ${tables.table('twice', 1)} ORDER BY key`);
    expect(twice.rows).toEqual(once.rows);
  });

  it('never applies an event twice when the process dies mid-batch', async () => {
    await append('p-crash', 5);
    crashOnceOnPatient = 'p-crash';
    const host = new ProjectionHost(store, database, [tally()], { reconcileMs: 100 });
    await host.start();
    await until(async () => (await host.status())[0]?.state === 'failed', 'the batch fails and rolls back');
    expect(await takenBy('p-crash')).toBe(0);
    await host.stop();

    const restarted = new ProjectionHost(store, database, [tally()], { reconcileMs: 100 });
    await restarted.start();
    try {
      await restarted.resume('tally');
      await until(async () => (await takenBy('p-crash')) === 5, 'the restarted host projects each event once');
      expect((await rows()).find((r) => r.patientId === 'p-crash')?.eventIds).toHaveLength(5);
    } finally {
      await restarted.stop();
    }
  });

  it('stops on a poison event, naming it, and parks it under the park policy', async () => {
    const { eventIds } = await append('p-poison', 1);
    failOnPatient = 'p-poison';
    const host = new ProjectionHost(store, database, [tally()], { reconcileMs: 100 });
    await host.start();
    try {
      await until(async () => (await host.status())[0]?.state === 'failed', 'the projection stops');
      expect((await host.status())[0]?.lastError).toMatchObject({
        eventId: eventIds[0],
        message: expect.stringContaining('cannot tally p-poison'),
      });
    } finally {
      await host.stop();
    }

    const parking = new ProjectionHost(store, database, [tally()], { reconcileMs: 100, poisonPolicy: 'park' });
    await parking.start();
    try {
      await parking.resume('tally');
      await append('p-after-poison', 1);
      await until(async () => (await takenBy('p-after-poison')) === 1, 'it goes on past the parked event');
      const { rows: parked } = await database.query(`SELECT event_id FROM "${schema}".parked_events`);
      expect(parked).toEqual([{ event_id: eventIds[0] }]);
    } finally {
      failOnPatient = undefined;
      await parking.stop();
    }
  });

  it('rebuilds into new tables while the old ones serve, then switches to an equal copy', async () => {
    await append('p-rebuild', 7);
    const host = new ProjectionHost(store, database, [tally()], { reconcileMs: 100, batchSize: 5 });
    await host.start();
    try {
      await until(async () => (await takenBy('p-rebuild')) === 7, 'caught up');
      const before = await rows();
      const served = (await host.activeTable('tally')).table;
      await host.pause('tally'); // the serving copy holds still while the new one builds
      const { generation } = await host.rebuild('tally');
      expect((await host.activeTable('tally')).table).toBe(served);
      await host.resume('tally');
      await until(async () => (await host.activeTable('tally')).table !== served, 'the switch-over');
      expect((await host.status())[0]).toMatchObject({ generation, rebuild: null });
      // Equal row for row, except that the event parked earlier (its model
      // has been fixed since) is now applied: a rebuild is how parked events are recovered.
      const after = await rows();
      expect(after.filter((r) => r.patientId !== 'p-poison')).toEqual(before.filter((r) => r.patientId !== 'p-poison'));
      expect(before.find((r) => r.patientId === 'p-poison')).toBeUndefined();
      expect(after.find((r) => r.patientId === 'p-poison')?.taken).toBe(1);
    } finally {
      await host.stop();
    }
  });

  it('rebuilds on request before it was ever started (the command line with the server stopped)', async () => {
    const freshSchema = uniqueSchema('fresh');
    const freshDatabase = openDatabase(freshSchema);
    const fresh = await openEventStoreOn(freshDatabase);
    try {
      const host = new ProjectionHost(fresh, freshDatabase, [tally()], { reconcileMs: 100 });
      await expect(host.rebuild('tally')).resolves.toEqual({ generation: 2 });
      await host.stop();
    } finally {
      await fresh.close();
      await dropSchema(freshSchema);
    }
  });

  it('rebuilds by itself when the read model’s version changes', async () => {
    const host = new ProjectionHost(store, database, [tally(2)], { reconcileMs: 100 });
    await host.start();
    try {
      await until(async () => (await host.status())[0]?.version === 2, 'version 2 serves');
      expect(await takenBy('p-batch')).toBe(28);
    } finally {
      await host.stop();
    }
  });

  it('keeps a generation’s shard count; a new count applies from the next rebuild', async () => {
    const countSchema = uniqueSchema('shard-count');
    const countDatabase = openDatabase(countSchema);
    const counted = await openEventStoreOn(countDatabase);
    try {
      const four = new ProjectionHost(counted, countDatabase, [tally()], { reconcileMs: 100, shards: 4 });
      await four.start();
      await until(async () => (await four.status())[0]?.shards.every((s) => s.owner !== null) ?? false, 'held');
      await four.stop();
      const eight = new ProjectionHost(counted, countDatabase, [tally()], { reconcileMs: 100, shards: 8 });
      await eight.start();
      try {
        expect((await eight.status())[0]).toMatchObject({ generation: 1, shardCount: 4 });
        expect((await eight.status())[0]?.shards).toHaveLength(4);
        const { generation } = await eight.rebuild('tally');
        await until(async () => (await eight.status())[0]?.generation === generation, 'the rebuild serves');
        expect((await eight.status())[0]).toMatchObject({ shardCount: 8 });
      } finally {
        await eight.stop();
      }
    } finally {
      await counted.close();
      await dropSchema(countSchema);
    }
  });

  it('keeps projecting when one of two hosts on the same store stops: the other takes over', async () => {
    const otherDatabase = openDatabase();
    const other = await openEventStoreOn(otherDatabase);
    const first = new ProjectionHost(store, database, [tally(2)], { reconcileMs: 100 });
    const second = new ProjectionHost(other, otherDatabase, [tally(2)], { reconcileMs: 100 });
    await first.start();
    await second.start();
    try {
      await append(`p-race-${randomUUID()}`, 1);
      await sleep(300);
      await first.stop();
      await append('p-race-after', 4);
      await until(async () => (await takenBy('p-race-after')) === 4, 'the second host takes over');
    } finally {
      await second.stop();
      await other.close();
    }
  });
});
