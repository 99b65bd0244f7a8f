import {
  openEventStoreOn,
  PostgresDatabase,
  START,
  type EventStore,
  type NewEvent,
  type SqlDatabase,
} from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@caretrail/event-store/testing';
import { erasureEvent } from '@caretrail/care-log';
import type { ReadModel } from '@caretrail/read-models';
import { BatchProjector } from './batch-projector';
import type { PoisonPolicy } from './projection';
import { ProjectionTables } from './projection-tables';

/**
 * A read model stored as a patient row plus detail rows (docs/read-models.md, "Row layout"), small
 * enough to check by hand. A dose goes to the bucket the patient row points at; a discontinuation
 * (medicationId = bucket name) points it elsewhere; a miss empties the bucket it names. Evolve
 * changes the working copy in place, and a dose of medication `poison` throws half-way.
 */
type Buckets = { patientId: string; doses: number; target: string; buckets: Record<string, string[]> };

const bucketKey = (patientId: string, bucket: string): string => `${patientId}|${bucket}`;
const dataOf = (e: { event: { data: unknown } }) => e.event.data as { patientId: string; medicationId: string };

const buckets: ReadModel<Buckets> = {
  name: 'buckets',
  version: 1,
  keysOf: (e) => [dataOf(e).patientId],
  evolve(current, e) {
    const { patientId, medicationId } = dataOf(e);
    const doc = current ?? { patientId, doses: 0, target: 'main', buckets: {} };
    if (e.event.type === 'MedicationDiscontinued') doc.target = medicationId;
    if (e.event.type === 'DoseMissed') delete doc.buckets[medicationId];
    if (e.event.type === 'DoseTaken') {
      const bucket = (doc.buckets[doc.target] ??= []);
      if (bucket.includes(e.meta.eventId)) return doc;
      doc.doses++;
      bucket.push(e.meta.eventId);
      if (medicationId === 'poison') throw new Error('poison dose');
    }
    return doc;
  },
  patientOf: (doc) => doc.patientId,
  rows: {
    detailKeysOf(doc, e) {
      const { patientId, medicationId } = dataOf(e);
      if (e.event.type === 'DoseMissed') return [bucketKey(patientId, medicationId)];
      return e.event.type === 'DoseTaken' ? [bucketKey(patientId, doc?.target ?? 'main')] : [];
    },
    attach(doc, { key, row }) {
      doc.buckets[key.split('|')[1]!] = row as string[];
    },
    head: (doc) => ({ ...doc, buckets: {} }),
    details: (doc) =>
      Object.entries(doc.buckets).map(([bucket, ids]) => ({ key: bucketKey(doc.patientId, bucket), row: ids })),
    assemble(head, details) {
      const doc = head as Buckets;
      for (const detail of details) buckets.rows!.attach(doc, detail);
      return doc;
    },
  },
};

const event = (type: string, patientId: string, medicationId: string): NewEvent => ({
  type,
  data: {
    patientId,
    medicationId,
    scheduledFor: '2026-03-01T08:00:00.000Z',
    occurredAt: '2026-03-01T08:05:00.000Z',
    stoppedAt: '2026-03-01T08:05:00.000Z',
  },
});

describe('batch projector: rows folded in place, detail rows read where events name them', () => {
  const schema = uniqueSchema('batchrows');
  const tables = new ProjectionTables(schema);
  let database: SqlDatabase;
  let store: EventStore;
  let generation = 0;

  beforeAll(async () => {
    database = new PostgresDatabase({ connectionString: testDatabaseUrl(), schema });
    store = await openEventStoreOn(database);
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  /** A fresh generation; `project` applies every event appended since the previous call as one batch. */
  async function projector(poisonPolicy: PoisonPolicy = 'stop') {
    generation++;
    await tables.create(database, 'buckets', generation);
    const table = tables.table('buckets', generation);
    const batchProjector = new BatchProjector({
      store,
      sql: database,
      tables,
      definition: buckets,
      generation,
      poisonPolicy: () => poisonPolicy,
    });
    let after = (await store.readAll({ after: START, limit: 1_000_000 })).at(-1)?.position ?? 0;
    return {
      /** Waits until the `count` events appended since the last call are readable (gap-safe reads). */
      async project(count: number): Promise<void> {
        const deadline = Date.now() + 30_000;
        let batch = (await store.readAll({ after: START, limit: 1_000_000 })).filter((e) => e.position > after);
        while (batch.length < count && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          batch = (await store.readAll({ after: START, limit: 1_000_000 })).filter((e) => e.position > after);
        }
        expect(batch).toHaveLength(count);
        after = batch.at(-1)?.position ?? after;
        await batchProjector.handle(batch, {
          previous: START,
          next: START,
          saveCheckpoint: async () => undefined,
        });
      },
      async positions(): Promise<Record<string, number>> {
        const { rows } = await database.query<{ key: string; position: string }>(
          `SELECT key, position FROM ${table} ORDER BY key`,
        );
        return Object.fromEntries(rows.map((r) => [r.key, Number(r.position)]));
      },
      async rows(): Promise<Record<string, { patientId: string; doc: unknown }>> {
        const { rows } = await database.query<{ key: string; patient_id: string; doc: unknown }>(
          `SELECT key, patient_id, doc FROM ${table} ORDER BY key`,
        );
        return Object.fromEntries(rows.map((r) => [r.key, { patientId: r.patient_id, doc: r.doc }]));
      },
    };
  }

  const append = (patientId: string, events: NewEvent[]) =>
    store.append(`doses-${patientId}`, events, { expectedVersion: 'any' });

  it('stores the patient row without its details and one row per detail, each with the patient id', async () => {
    const p = await projector();
    const { eventIds } = await append('p-rows', [
      event('DoseTaken', 'p-rows', 'm'),
      event('MedicationDiscontinued', 'p-rows', 'second'),
      event('DoseTaken', 'p-rows', 'm'),
    ]);
    await p.project(3);
    expect(await p.rows()).toEqual({
      'p-rows': { patientId: 'p-rows', doc: { patientId: 'p-rows', doses: 2, target: 'second', buckets: {} } },
      'p-rows|main': { patientId: 'p-rows', doc: [eventIds[0]] },
      'p-rows|second': { patientId: 'p-rows', doc: [eventIds[2]] },
    });
  });

  it('stores a detail row at the position of the last event that named it, wherever the batch ends', async () => {
    const p = await projector();
    const { positions } = await append('p-position', [
      event('DoseTaken', 'p-position', 'm'),
      event('MedicationDiscontinued', 'p-position', 'second'),
      event('DoseTaken', 'p-position', 'm'),
    ]);
    await p.project(3);
    // One batch or three, `main` was last named by the first event: a position taken from the patient
    // row would differ between single-process and sharded rebuilds, whose batches end elsewhere.
    expect(await p.positions()).toEqual({
      'p-position': positions[2],
      'p-position|main': positions[0],
      'p-position|second': positions[2],
    });
  });

  it('reads a detail row an earlier event of the same batch made necessary, and deletes one emptied', async () => {
    const p = await projector();
    const first = await append('p-lazy', [
      event('DoseTaken', 'p-lazy', 'm'),
      event('MedicationDiscontinued', 'p-lazy', 'second'),
      event('DoseTaken', 'p-lazy', 'm'),
    ]);
    await p.project(3);
    // Before this batch the patient row points at `second`; the first event points it back at `main`,
    // which only then has to be read, and the miss empties `second`.
    const second = await append('p-lazy', [
      event('MedicationDiscontinued', 'p-lazy', 'main'),
      event('DoseTaken', 'p-lazy', 'm'),
      event('DoseMissed', 'p-lazy', 'second'),
    ]);
    await p.project(3);
    const rows = await p.rows();
    expect(rows['p-lazy|main']?.doc).toEqual([first.eventIds[0], second.eventIds[1]]);
    expect(rows['p-lazy|second']).toBeUndefined();
    expect(rows['p-lazy']?.doc).toMatchObject({ doses: 3, target: 'main' });
  });

  it('re-derives an erased patient’s patient row and detail rows from the history, within the batch', async () => {
    const p = await projector();
    const first = await append('p-erased', [
      event('DoseTaken', 'p-erased', 'm'),
      event('MedicationDiscontinued', 'p-erased', 'second'),
      event('DoseTaken', 'p-erased', 'm'),
    ]);
    await p.project(3);
    // A row of the patient's that the history does not make: erasure drops every row of the patient.
    await database.query(
      `INSERT INTO ${tables.table('buckets', generation)} (key, patient_id, doc, position) VALUES ($1, $2, $3, 1)`,
      ['p-erased|stray', 'p-erased', JSON.stringify(['x'])],
    );
    const erasure = erasureEvent(
      {
        patientId: 'p-erased',
        reason: 'Art. 17',
        erasedBy: { userId: 'a', role: 'admin' },
        erasedAt: new Date().toISOString(),
      },
      { correlationId: 'c' },
    );
    await store.append('careplan-p-erased', [erasure], { expectedVersion: 'any' });
    const after = await append('p-erased', [event('DoseTaken', 'p-erased', 'm')]);
    await p.project(2);
    const rows = await p.rows();
    expect(rows['p-erased']?.doc).toMatchObject({ doses: 3, target: 'second' });
    expect(rows['p-erased|main']?.doc).toEqual([first.eventIds[0]]);
    expect(rows['p-erased|second']?.doc).toEqual([first.eventIds[2], after.eventIds[0]]);
    expect(rows['p-erased|stray']).toBeUndefined();
  });

  it('parks a poison event without leaving its half-applied change in the rows, and applies the rest', async () => {
    const p = await projector('park');
    const before = await append('p-poison', [event('DoseTaken', 'p-poison', 'm')]);
    await p.project(1);
    const batch = await append('p-poison', [
      event('DoseTaken', 'p-poison', 'm'),
      event('DoseTaken', 'p-poison', 'poison'),
      event('DoseTaken', 'p-poison', 'm'),
    ]);
    await p.project(3);
    const rows = await p.rows();
    expect(rows['p-poison']?.doc).toMatchObject({ doses: 3 });
    expect(rows['p-poison|main']?.doc).toEqual([before.eventIds[0], batch.eventIds[0], batch.eventIds[2]]);
    const { rows: parked } = await database.query<{ event_id: string }>(
      `SELECT event_id FROM "${schema}".parked_events WHERE projection = 'buckets' AND generation = $1`,
      [generation],
    );
    expect(parked).toEqual([{ event_id: batch.eventIds[1] }]);
  });

  it('stops on a poison event under the stop policy and writes nothing of the batch', async () => {
    const p = await projector('stop');
    await append('p-stop', [event('DoseTaken', 'p-stop', 'm'), event('DoseTaken', 'p-stop', 'poison')]);
    await expect(p.project(2)).rejects.toThrow(/DoseTaken/);
    expect(await p.rows()).toEqual({});
  });
});
