import { randomUUID } from 'node:crypto';
import { PostgresDatabase } from '../../postgres/postgres-database';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '../../testing/postgres-test-database';
import { migrate } from './migrate';

/*
 * Migration 0010 gives parked events their event's facts (stream, patient, type, recording time):
 * rows parked before it take them from the log table, or keep nulls when the event is not there
 * (a log in KurrentDB).
 */
describe('migration 0010 on events parked before it', () => {
  const schema = uniqueSchema('migrate');
  let db: PostgresDatabase;

  beforeAll(() => {
    db = new PostgresDatabase({ connectionString: testDatabaseUrl(), schema });
  });
  afterAll(async () => {
    await db.close();
    await dropSchema(schema);
  });

  it('fills in the event’s facts from the log, and leaves nulls for an event the log table lacks', async () => {
    expect(await migrate(db, { to: '0009-shard-leases' })).toContain('0009-shard-leases');
    const s = `"${schema}"`;
    const inLog = randomUUID();
    const elsewhere = randomUUID();
    const { rows } = await db.query<{ position: string; recorded_at: Date }>(
      `INSERT INTO ${s}.events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
       VALUES ('medication-p-old-m1', 1, $1, 'DoseTaken', 1, '{"patientId": "p-old", "medicationId": "m1"}', '{}')
       RETURNING position, recorded_at`,
      [inLog],
    );
    // Parked rows as 0003 made them.
    await db.query(
      `INSERT INTO ${s}.parked_events (projection, generation, event_id, position, error)
       VALUES ('adherence', 1, $1, $2, 'no medications'), ('adherence', 1, $3, 99, 'elsewhere')`,
      [inLog, rows[0]!.position, elsewhere],
    );

    expect(await migrate(db)).toContain('0010-parked-event-decisions');

    const { rows: parked } = await db.query(
      `SELECT event_id::text AS event_id, stream_id, patient_id, event_type, recorded_at, error, skipped_at,
              last_retried_at
       FROM ${s}.parked_events ORDER BY position`,
    );
    expect(parked).toEqual([
      {
        event_id: inLog,
        stream_id: 'medication-p-old-m1',
        patient_id: 'p-old',
        event_type: 'DoseTaken',
        recorded_at: rows[0]!.recorded_at,
        error: 'no medications',
        skipped_at: null,
        last_retried_at: null,
      },
      {
        event_id: elsewhere,
        stream_id: null,
        patient_id: null,
        event_type: null,
        recorded_at: null,
        error: 'elsewhere',
        skipped_at: null,
        last_retried_at: null,
      },
    ]);
  });
});
