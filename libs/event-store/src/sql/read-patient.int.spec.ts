import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresDatabase } from '../postgres/postgres-database';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '../testing/postgres-test-database';
import { SqlEventStore } from './sql-event-store';

describe('readPatient: one patient’s events for time travel', () => {
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

  const event = (type: string, patientId: string, occurredAt?: string) => ({
    type,
    data: { patientId },
    metadata: occurredAt ? { occurredAt } : {},
  });

  it('reads only that patient’s events, in the global order, by recorded or occurred instant', async () => {
    await store.append('careplan-a', [event('PatientEnrolled', 'a')], { expectedVersion: 'no-stream' });
    await store.append('careplan-b', [event('PatientEnrolled', 'b')], { expectedVersion: 'no-stream' });
    await sleep(5);
    const between = new Date().toISOString();
    await sleep(5);
    // Recorded after `between`, but it happened long before: a late report.
    await store.append('doses-a-2020-01', [event('DoseTaken', 'a', '2020-01-01T08:00:00.000Z')], {
      expectedVersion: 'no-stream',
    });
    await store.append('careplan-a', [event('CarePlanStarted', 'a')], { expectedVersion: 1 });

    const all = await store.readPatient('a');
    expect(all.map((e) => e.type)).toEqual(['PatientEnrolled', 'DoseTaken', 'CarePlanStarted']);
    expect(all.map((e) => e.position)).toEqual([...all.map((e) => e.position)].sort((x, y) => x - y));

    expect((await store.readPatient('a', { recordedUntil: between })).map((e) => e.type)).toEqual(['PatientEnrolled']);
    expect((await store.readPatient('a', { occurredUntil: between })).map((e) => e.type)).toEqual([
      'PatientEnrolled',
      'DoseTaken',
    ]);
    expect((await store.readPatient('a', { excludeTypes: ['DoseTaken'] })).map((e) => e.type)).toEqual([
      'PatientEnrolled',
      'CarePlanStarted',
    ]);
    expect(await store.readPatient('nobody')).toEqual([]);
    const lean = await store.readPatient('a', { metadata: false });
    expect(lean.map((e) => e.metadata)).toEqual([{}, {}, {}]);
    expect(lean.map((e) => e.occurredAt)).toEqual(all.map((e) => e.occurredAt));
  });

  it('finds them through the patient index, not a scan of the log', async () => {
    await store.database.exec(`SET enable_seqscan = off`);
    const { rows } = await store.database.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT position FROM "${schema}".events WHERE (data->>'patientId') = 'a'`,
    );
    expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('events_patient');
  });
});
