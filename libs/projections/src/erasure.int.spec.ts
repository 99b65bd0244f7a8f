import { setTimeout as sleep } from 'node:timers/promises';
import {
  openEventStoreOn,
  PostgresDatabase,
  SqlPatientKeyStore,
  verifyEventChain,
  type EventStore,
  type SqlDatabase,
} from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@caretrail/event-store/testing';
import { encryptEventData, erasureEvent } from '@caretrail/care-log';
import { CachingPatientKeyStore } from '@caretrail/security';
import type { ReadModel } from '@caretrail/read-models';
import { ProjectionHost } from './projection-host';

/** Goals per patient, with their (personal) descriptions and the events that made them. */
type Goals = { patientId: string; descriptions: string[]; eventIds: string[] };

const goals: ReadModel<Goals> = {
  name: 'goals',
  version: 1,
  keysOf: (e) => (e.event.type === 'TreatmentGoalSet' ? [e.event.data.patientId] : []),
  evolve(doc, e) {
    if (e.event.type !== 'TreatmentGoalSet') return doc!;
    if (doc?.eventIds.includes(e.meta.eventId)) return doc; // delivered twice: same row
    return {
      patientId: e.event.data.patientId,
      descriptions: [...(doc?.descriptions ?? []), e.event.data.description],
      eventIds: [...(doc?.eventIds ?? []), e.meta.eventId],
    };
  },
  patientOf: (doc) => doc.patientId,
};

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(50);
  }
}

describe('projections and erasure (PostgreSQL)', () => {
  const schema = uniqueSchema('erasure');
  let database: SqlDatabase;
  let store: EventStore;
  let keys: CachingPatientKeyStore;

  const setGoal = async (patientId: string, goalId: string, description: string, writer = keys): Promise<void> => {
    const data = await encryptEventData(
      'TreatmentGoalSet',
      { patientId, carePlanId: 'c1', goalId, description, setBy: { userId: 't', role: 'therapist' } },
      writer,
    );
    await store.append(`careplan-${patientId}`, [{ type: 'TreatmentGoalSet', data }], { expectedVersion: 'any' });
  };
  const docOf = async (host: ProjectionHost, patientId: string): Promise<Goals | undefined> => {
    const { table } = await host.activeTable('goals');
    const { rows } = await database.query<{ doc: Goals }>(`SELECT doc FROM ${table} WHERE key = $1`, [patientId]);
    return rows[0]?.doc;
  };

  beforeAll(async () => {
    database = new PostgresDatabase({ connectionString: testDatabaseUrl(), schema });
    store = await openEventStoreOn(database);
    keys = new CachingPatientKeyStore(new SqlPatientKeyStore(database));
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('opens personal data for evolve, and re-derives an erased patient’s rows, in a rebuild too', async () => {
    await setGoal('ada', 'g1', 'Ada walks');
    await setGoal('bob', 'g1', 'Bob swims');
    // A host of its own key cache, as apps/projector has: it learns of the erasure from the log.
    const host = new ProjectionHost(store, database, [goals], { reconcileMs: 100, batchSize: 2 });
    await host.start();
    try {
      // Each patient's shard folds its patients' histories on its own (docs/read-models.md): wait for both.
      await until(
        async () => (await docOf(host, 'ada')) !== undefined && (await docOf(host, 'bob')) !== undefined,
        'both patients are projected',
      );
      expect(await docOf(host, 'ada')).toMatchObject({ descriptions: ['Ada walks'] });

      // Another API process that cached Ada's key before the erasure still seals with it: unreadable all the same.
      const stale = new CachingPatientKeyStore(new SqlPatientKeyStore(database));
      await stale.getOrCreate('ada');
      await keys.destroy('ada');
      await setGoal('ada', 'g2', 'Ada sleeps', stale);
      await store.append(
        'careplan-ada',
        [
          erasureEvent(
            {
              patientId: 'ada',
              reason: 'Art. 17',
              erasedBy: { userId: 'a', role: 'admin' },
              erasedAt: new Date().toISOString(),
            },
            { correlationId: 'c' },
          ),
        ],
        {
          expectedVersion: 'any',
        },
      );
      await setGoal('bob', 'g2', 'Bob runs');
      await until(async () => (await docOf(host, 'bob'))?.descriptions.length === 2, 'the erasure is passed');
      expect(await docOf(host, 'ada')).toMatchObject({ descriptions: ['[erased]', '[erased]'] });
      expect(await docOf(host, 'bob')).toMatchObject({ descriptions: ['Bob swims', 'Bob runs'] });

      const { generation } = await host.rebuild('goals');
      await until(
        async () =>
          (
            await database.query<{ g: number }>(
              `SELECT active_generation AS g FROM "${schema}".projections WHERE name = 'goals'`,
            )
          ).rows[0]?.g === generation,
        'the rebuild serves',
      );
      expect(await docOf(host, 'ada')).toMatchObject({ descriptions: ['[erased]', '[erased]'] });
      expect(await docOf(host, 'bob')).toMatchObject({ descriptions: ['Bob swims', 'Bob runs'] });
      expect(await verifyEventChain(database, schema)).toMatchObject({ ok: true });
    } finally {
      await host.stop();
    }
  });
});
