import { PatientKeyDestroyed } from '@caretrail/security';
import { PostgresDatabase } from '../postgres/postgres-database';
import { SqlEventStore } from '../sql/sql-event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '../testing';
import { SqlPatientKeyStore } from './sql-patient-key-store';

describe('SqlPatientKeyStore (patient_keys, PostgreSQL)', () => {
  const schema = uniqueSchema('keys');
  let store: SqlEventStore;
  let keys: SqlPatientKeyStore;

  beforeAll(async () => {
    store = await SqlEventStore.open(new PostgresDatabase({ connectionString: testDatabaseUrl(), schema }));
    keys = new SqlPatientKeyStore(store.database);
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('creates one key per patient, even when writers race', async () => {
    const raced = await Promise.all(Array.from({ length: 8 }, () => keys.getOrCreate('p-1')));
    expect(raced[0]).toHaveLength(32);
    for (const key of raced) expect(Buffer.from(key).equals(Buffer.from(raced[0]!))).toBe(true);
    expect(await keys.get('p-1')).toEqual(raced[0]);
    expect(await keys.get('nobody')).toBeNull();
  });

  it('destroys a key for good, idempotently, and never makes a new one', async () => {
    await keys.getOrCreate('p-2');
    const [first, second] = await Promise.all([keys.destroy('p-2'), keys.destroy('p-2')]);
    expect([first!.already, second!.already].sort()).toEqual([false, true]);
    expect(second!.destroyedAt).toBe(first!.destroyedAt);
    expect(await keys.get('p-2')).toBeNull();
    await expect(keys.getOrCreate('p-2')).rejects.toThrow(PatientKeyDestroyed);
    // A patient erased before any key existed gets none later either.
    expect((await keys.destroy('p-3')).already).toBe(false);
    await expect(keys.getOrCreate('p-3')).rejects.toThrow(PatientKeyDestroyed);
  });

  it('refuses to restore, replace or delete a key in the database itself', async () => {
    await keys.getOrCreate('p-4');
    const t = `"${schema}".patient_keys`;
    await expect(
      store.database.query(`UPDATE ${t} SET key = $2 WHERE patient_id = $1`, ['p-4', Buffer.alloc(32)]),
    ).rejects.toThrow(/only be destroyed/);
    await expect(
      store.database.query(`UPDATE ${t} SET key = $2, destroyed_at = NULL WHERE patient_id = $1`, [
        'p-2',
        Buffer.alloc(32),
      ]),
    ).rejects.toThrow(/only be destroyed/);
    await expect(store.database.query(`DELETE FROM ${t} WHERE patient_id = $1`, ['p-2'])).rejects.toThrow(
      /never deleted/,
    );
    await expect(store.database.query(`TRUNCATE ${t}`)).rejects.toThrow(/never deleted/);
  });
});
