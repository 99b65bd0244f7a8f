import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  openEventStoreOn,
  PostgresDatabase,
  SqlPatientKeyStore,
  type EventStore,
  type NewEvent,
  type SqlDatabase,
  type StoredEvent,
} from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@caretrail/event-store/testing';
import { encryptEventData, erasureEvent, openReadModelRow } from '@caretrail/care-log';
import { readModels, type ReadModel } from '@caretrail/read-models';
import { seed } from '@caretrail/seed';
import { CachingPatientKeyStore } from '@caretrail/security';
import { ProjectionHost, type ProjectionHostOptions } from './projection-host';

/*
 * A rebuild by patient (docs/read-models.md, "How a rebuild proceeds") folds each patient's history
 * up to a head, then follows the global order. It must build exactly what a rebuild in the global
 * order builds, row for row, and park exactly the same events, on a seeded clinic whose log also
 * holds corrections, a time-zone change, an erasure and events written while the rebuild runs.
 */

const therapist = { userId: 'u-therapist', role: 'therapist' };
type Row = { key: string; patient_id: string; doc: unknown; position: string };
type Parked = { projection: string; event_id: string; position: string; error: string };

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(100);
  }
}

/** The read model with one more rule: the events in `poison` throw, as a bug in evolve would. */
function poisoned<D>(model: ReadModel<D>, poison: Set<string>): ReadModel<D> {
  return {
    ...model,
    evolve(doc, e) {
      if (poison.has(e.meta.eventId)) throw new Error(`${model.name} cannot apply ${e.event.type}`);
      return model.evolve(doc, e);
    },
  };
}

describe('a rebuild by patient (PostgreSQL)', () => {
  const schema = uniqueSchema('bypatient');
  let database: SqlDatabase;
  let store: EventStore;
  let keys: CachingPatientKeyStore;
  const poison = new Set<string>();
  const models = readModels.map((model) => poisoned(model as ReadModel<unknown>, poison));

  const append = async (streamId: string, event: NewEvent): Promise<void> => {
    const data = await encryptEventData(event.type, event.data, keys);
    await store.append(streamId, [{ ...event, data }], { expectedVersion: 'any' });
  };
  const firstOf = async (patientId: string, type: string): Promise<StoredEvent> =>
    (await store.readPatient(patientId)).find((e) => e.type === type)!;
  const correction = (patientId: string, target: StoredEvent, field: string, value: unknown): NewEvent => ({
    type: 'EntryCorrected',
    data: {
      patientId,
      stream: target.streamId,
      eventId: target.eventId,
      eventType: target.type,
      changes: [{ field, value }],
      reason: 'Typo.',
      correctedBy: therapist,
      occurredAt: '2026-06-02T09:00:00.000Z',
    },
    metadata: { actor: therapist, occurredAt: '2026-06-02T09:00:00.000Z' },
  });
  /** A dose like the patient's first, taken again at `occurredAt` (late in the UTC day: the zone decides its day). */
  const doseAgain = async (patientId: string, occurredAt: string): Promise<void> => {
    const dose = await firstOf(patientId, 'DoseTaken');
    await append(dose.streamId, {
      type: 'DoseTaken',
      data: { ...dose.data, scheduledFor: occurredAt, occurredAt },
      metadata: { actor: dose.metadata.actor!, occurredAt },
    });
  };

  /** Every row of a read model's serving generation, personal fields opened (sealing is randomised). */
  async function rowsOf(host: ProjectionHost, name: string): Promise<Row[]> {
    const { table } = await host.activeTable(name);
    const rowKeys = new SqlPatientKeyStore(database);
    const { rows } = await database.query<Row>(
      `SELECT key, patient_id, doc, position::text AS position FROM ${table} ORDER BY key`,
    );
    return Promise.all(
      rows.map(async (row) => ({
        ...row,
        doc: openReadModelRow(row.doc, await rowKeys.get(row.patient_id), {
          readModel: name,
          patientId: row.patient_id,
        }),
      })),
    );
  }
  const parkedIn = async (generation: number): Promise<Parked[]> =>
    (
      await database.query<Parked>(
        `SELECT projection, event_id, position::text AS position, error FROM "${schema}".parked_events
         WHERE generation = $1 ORDER BY projection, position`,
        [generation],
      )
    ).rows;
  const servesCaughtUp = async (host: ProjectionHost, generation: number): Promise<boolean> => {
    const statuses = await host.status();
    return (
      statuses.length === models.length &&
      statuses.every((s) => s.generation === generation && s.rebuild === null && s.lagEvents === 0)
    );
  };

  let patients: string[] = [];
  /** The patient who takes a dose while the rebuild runs. */
  let lateDoses = '';

  beforeAll(async () => {
    database = new PostgresDatabase({ connectionString: testDatabaseUrl(), schema });
    store = await openEventStoreOn(database);
    keys = new CachingPatientKeyStore(new SqlPatientKeyStore(database));
    await seed(store, {
      patients: 10,
      days: 120,
      seed: 'by-patient',
      until: Date.parse('2026-06-01T00:00:00Z'),
      seal: (type, data) => encryptEventData(type, data, keys),
    });
    patients = (await store.patientIds()).sort();
    // Patients on medication and with scores (a therapy-only track has no doses).
    const medicated: string[] = [];
    for (const p of patients) {
      const types = new Set((await store.readPatient(p)).map((e) => e.type));
      if (types.has('DoseTaken') && types.has('OutcomeMeasured')) medicated.push(p);
    }
    const [zoned, amended, late] = medicated as [string, string, string];
    lateDoses = late;
    const [erased, faulty] = patients.filter((p) => !medicated.slice(0, 3).includes(p)) as [string, string];
    // A time-zone change, then a dose whose local day it decides.
    await append(
      `careplan-${zoned}`,
      correction(zoned, await firstOf(zoned, 'PatientEnrolled'), 'timeZone', 'America/New_York'),
    );
    await doseAgain(zoned, '2026-06-03T02:30:00.000Z');
    // A dose and a score amended.
    const dose = await firstOf(amended, 'DoseTaken');
    await append(dose.streamId, correction(amended, dose, 'occurredAt', '2026-02-01T23:30:00.000Z'));
    const score = await firstOf(amended, 'OutcomeMeasured');
    await append(score.streamId, correction(amended, score, 'items.0', 3));
    // An erasure, and an event after it.
    await keys.destroy(erased);
    await store.append(
      `careplan-${erased}`,
      [
        erasureEvent(
          {
            patientId: erased,
            reason: 'Art. 17',
            erasedBy: { userId: 'a', role: 'admin' },
            erasedAt: '2026-06-04T00:00:00.000Z',
          },
          { correlationId: randomUUID() },
        ),
      ],
      { expectedVersion: 'any' },
    );
    // Two events no read model can apply: parked, in both kinds of rebuild.
    const history = await store.readPatient(faulty);
    for (const e of [history[10]!, history[40]!]) poison.add(e.eventId);
  }, 300_000);
  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('builds the rows and parks the events that a rebuild in the global order does', async () => {
    const options: ProjectionHostOptions = { reconcileMs: 100, batchSize: 50, shards: 4, poisonPolicy: 'park' };
    // Count the reads by patient, to know the by-patient pass ran.
    let byPatientReads = 0;
    const counting = new Proxy(store, {
      get(target, property) {
        if (property === 'readPatientsUpTo') byPatientReads++;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const byPatient = new ProjectionHost(counting, database, models, options);
    await byPatient.start();
    let built: Map<string, Row[]>;
    try {
      // Written while generation 1 is being built: before or after a shard's head, either way once.
      await doseAgain(lateDoses, '2026-06-05T08:00:00.000Z');
      await until(() => servesCaughtUp(byPatient, 1), 'the rebuild by patient serves');
      built = new Map(await Promise.all(models.map(async (m) => [m.name, await rowsOf(byPatient, m.name)] as const)));
    } finally {
      await byPatient.stop();
    }
    expect(byPatientReads).toBeGreaterThan(0);

    const inOrder = new ProjectionHost(store, database, models, { ...options, rebuildByPatient: false });
    await inOrder.start();
    try {
      for (const model of models) await inOrder.rebuild(model.name);
      await until(() => servesCaughtUp(inOrder, 2), 'the rebuild in the global order serves');
      for (const model of models) {
        const rows = await rowsOf(inOrder, model.name);
        expect(rows.length).toBeGreaterThan(patients.length - 1);
        expect(built.get(model.name)).toEqual(rows);
      }
    } finally {
      await inOrder.stop();
    }
    const parked = await parkedIn(1);
    expect(parked.length).toBeGreaterThan(0);
    expect(parked).toEqual(await parkedIn(2));
  }, 300_000);

  it('shows a rebuild by patient rising: progress, the shards’ share of patients done, their lag and an ETA', async () => {
    // Each read by patient takes a moment, and the sixth waits until released: the pass is held
    // part-way, after five batches of one patient (batch size 20: a patient's history is longer).
    let reads = 0;
    let holding = false;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slow = new Proxy(store, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (property !== 'readPatientsUpTo' || typeof value !== 'function') {
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (...args: unknown[]) => {
          if (holding && ++reads >= 6) await released;
          else if (holding) await sleep(300);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const host = new ProjectionHost(slow, database, models, {
      reconcileMs: 100,
      batchSize: 20,
      shards: 1, // the ten patients in one shard: held after five of them
      poisonPolicy: 'park',
    });
    await host.start();
    try {
      await until(
        async () => (await host.status()).every((s) => s.rebuild === null && s.lagEvents === 0),
        'the read models serve, caught up',
      );
      holding = true;
      await host.rebuild('current-plan');
      await until(async () => reads >= 6, 'the pass is held part-way');
      const [status] = (await host.status()).filter((s) => s.name === 'current-plan');
      const rebuild = status!.rebuild!;
      const headPosition = status!.headPosition;
      for (const shard of rebuild.shards) {
        // Nothing of the global order is applied yet: the checkpoint says so.
        expect(shard.checkpoint.position).toBe(0);
        expect(shard.byPatient).toEqual({
          head: expect.objectContaining({ position: expect.any(Number) }),
          patients: expect.any(Number),
          patientsDone: expect.any(Number),
        });
        const { patients, patientsDone, head } = shard.byPatient!;
        expect(patientsDone).toBe(5);
        expect(patients).toBe(10);
        expect(shard.lagEvents).toBe(headPosition - Math.floor((head.position * patientsDone) / patients));
      }
      expect(rebuild.shards.reduce((sum, s) => sum + s.byPatient!.patients, 0)).toBe(patients.length);
      expect(rebuild.checkpoint.position).toBe(0);
      expect(rebuild.progress).toBeGreaterThan(0);
      expect(rebuild.progress).toBeLessThan(1);
      expect(rebuild.etaSeconds).toBeGreaterThan(0);

      holding = false;
      release();
      await until(async () => (await host.status()).every((s) => s.rebuild === null), 'the rebuild serves');
      const done = (await host.status()).find((s) => s.name === 'current-plan')!;
      expect(done.shards.every((s) => s.byPatient === null && s.checkpoint.position > 0)).toBe(true);
    } finally {
      holding = false;
      release();
      await host.stop();
    }
  }, 300_000);
});
