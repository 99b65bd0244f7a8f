import { PostgresDatabase } from '../postgres/postgres-database';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '../testing/postgres-test-database';
import { SqlEventStore } from './sql-event-store';

// What readPatient returns is in the contract suite (../testing/event-store-contract.ts); this is how the SQL adapter finds it.
describe('readPatient on SQL', () => {
  const schema = uniqueSchema('patient');
  let store: SqlEventStore;

  beforeAll(async () => {
    store = await SqlEventStore.open(
      new PostgresDatabase({ connectionString: testDatabaseUrl(), schema, poolSize: 4 }),
    );
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('finds them through the patient index, not a scan of the log', async () => {
    await store.database.exec(`SET enable_seqscan = off`);
    const { rows } = await store.database.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT position FROM "${schema}".events WHERE (data->>'patientId') = 'a'`,
    );
    expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('events_patient');
  });
});
