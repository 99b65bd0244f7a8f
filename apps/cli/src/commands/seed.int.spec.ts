import { isEventType, streamFor, upcast, type DomainEvent } from '@caretrail/domain';
import { openEventStoreOn, PostgresDatabase, type EventStore } from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema, withAdminClient } from '@caretrail/event-store/testing';
import { runCli } from '../testing/run-cli';
import { seed, type SeedResult } from '@caretrail/seed';
import { LocalControl } from './projections';
import { readModels } from '@caretrail/read-models';

const UNTIL = Date.parse('2026-11-28T18:00:00Z');

interface Row {
  stream_id: string;
  stream_version: string;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: Record<string, unknown>;
}

async function rowsOf(schema: string): Promise<Row[]> {
  return withAdminClient(async (client) => {
    const { rows } = await client.query<Row>(
      `SELECT e.stream_id, e.stream_version::text, e.event_id::text, e.event_type, e.schema_version, e.data FROM "${schema}".events e ORDER BY e.stream_id, e.stream_version`,
    );
    return rows;
  });
}

function openDatabase(schema: string): PostgresDatabase {
  return new PostgresDatabase({ connectionString: testDatabaseUrl(), schema });
}

function openStore(schema: string): Promise<EventStore> {
  return openEventStoreOn(openDatabase(schema));
}

describe('seed on PostgreSQL', () => {
  const first = uniqueSchema('seed_a');
  const second = uniqueSchema('seed_b');
  let result: SeedResult;
  let rows: Row[];

  beforeAll(async () => {
    const store = await openStore(first);
    try {
      // verify: every command is also decided the way the API does (handleCommand over its full history).
      result = await seed(store, {
        patients: 30,
        days: 150,
        seed: 'spec',
        until: UNTIL,
        verify: true,
        cohortSize: 12,
        flushEvents: 500,
      });
    } finally {
      await store.close();
    }
    rows = await rowsOf(first);
  }, 240_000);

  afterAll(async () => {
    await dropSchema(first);
    await dropSchema(second);
  });

  it('stores every decided event, refused nothing, and counts what it did', () => {
    expect(result.refused).toEqual({});
    expect(rows).toHaveLength(result.events);
    expect(result.events).toBeGreaterThan(30 * 100);
    expect(result.appends).toBeGreaterThan(0);
    expect(rows.filter((r) => r.event_type === 'PatientEnrolled')).toHaveLength(30);
    expect(new Set(rows.filter((r) => r.event_type === 'CarePlanStarted').map((r) => r.stream_id)).size).toBe(30);
  });

  it('generates the variety a clinic has', () => {
    const types = new Set(rows.map((r) => r.event_type));
    for (const type of [
      'PatientEnrolled',
      'CareTeamMemberAssigned',
      'CarePlanStarted',
      'TreatmentGoalSet',
      'TherapyPrescribed',
      'MedicationPrescribed',
      'DoseTaken',
      'DoseTakenLate',
      'DoseMissed',
      'SessionScheduled',
      'SessionAttended',
      'SessionMissed',
      'OutcomeMeasured',
      'SideEffectReported',
      'ConsultationRequested',
      'ConsultationAnswered',
      'CollaborationNoteShared',
      'CarePlanReviewed',
    ]) {
      expect(types).toContain(type);
    }
    const outcomes = rows
      .filter((r) => r.event_type === 'OutcomeMeasured')
      .map((r) => r.data as { instrument: string; items: number[]; total: number });
    expect(outcomes.every((o) => o.items.reduce((a, b) => a + b, 0) === o.total)).toBe(true);
    expect(new Set(outcomes.map((o) => o.instrument))).toEqual(new Set(['PHQ-9', 'GAD-7']));
    // A missed dose later taken names the miss it supersedes.
    expect(rows.some((r) => r.event_type === 'DoseTakenLate' && typeof r.data['supersedesMissed'] === 'string')).toBe(
      true,
    );
  });

  it('stores only events the domain knows, each in the stream the domain names, versions without gaps', () => {
    const versions = new Map<string, number>();
    for (const row of rows) {
      expect(isEventType(row.event_type)).toBe(true);
      const { type, data } = upcast(row.event_type, row.schema_version, row.data);
      expect(streamFor({ type, data } as DomainEvent)).toBe(row.stream_id);
      const expected = (versions.get(row.stream_id) ?? 0) + 1;
      expect(Number(row.stream_version)).toBe(expected);
      versions.set(row.stream_id, expected);
    }
  });

  it('is deterministic: the same seed gives the same streams, events and ids', async () => {
    const store = await openStore(second);
    let again: SeedResult;
    try {
      again = await seed(store, { patients: 30, days: 150, seed: 'spec', until: UNTIL, concurrency: 4 });
    } finally {
      await store.close();
    }
    expect(again.events).toBe(result.events);
    const shape = (rs: Row[]) => rs.map((r) => `${r.stream_id}#${r.stream_version} ${r.event_type} ${r.event_id}`);
    expect(shape(await rowsOf(second))).toEqual(shape(rows));
  }, 120_000);

  it('refuses to seed the same patients twice', async () => {
    const store = await openStore(second);
    try {
      await expect(seed(store, { patients: 1, days: 10, seed: 'spec', until: UNTIL })).rejects.toThrow(
        'already holds the patients of --seed "spec"',
      );
    } finally {
      await store.close();
    }
  });

  it('feeds the read models: a rebuild from the command line applies every event', async () => {
    const sql = openDatabase(first);
    const store = await openEventStoreOn(sql);
    const control = new LocalControl(store, sql, readModels);
    try {
      await control.rebuild('current-plan');
      for (let i = 0; i < 300; i++) {
        const entry = (await control.status()).find((s) => s.name === 'current-plan');
        if (entry && entry.lagEvents === 0 && entry.rebuild === null && entry.checkpoint.position > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const entry = (await control.status()).find((s) => s.name === 'current-plan')!;
      expect(entry).toMatchObject({ generation: 1, lagEvents: 0, lastError: null, rebuild: null });
    } finally {
      await control.close();
    }
    const plans = await withAdminClient((client) =>
      client.query(`SELECT count(*)::int AS n FROM "${first}".rm_current_plan_1`),
    );
    expect(plans.rows[0].n).toBe(30);
  }, 120_000);
});

describe('npm run cli -- seed', () => {
  const env = process.env;
  const schema = uniqueSchema('seed_cli');
  afterEach(() => (process.env = env));
  afterAll(() => dropSchema(schema));

  const call = runCli;

  it('seeds PostgreSQL with DATABASE_URL and reports what it wrote', async () => {
    process.env = { ...env, DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: schema };
    const { code, out } = await call(
      'seed',
      '--patients',
      '5',
      '--days',
      '30',
      '--seed',
      'cli',
      '--until',
      '2026-11-28',
      '--json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(out) as SeedResult;
    expect(result).toMatchObject({ patients: 5, days: 30, refused: {}, until: '2026-11-28T23:59:00.000Z' });
    const stored = await withAdminClient((client) => client.query(`SELECT count(*)::int AS n FROM "${schema}".events`));
    expect(stored.rows[0].n).toBe(result.events);
    // The planner knows the log's size after the bulk load (ANALYZE sets reltuples; never analyzed is -1).
    const planned = await withAdminClient((client) =>
      client.query(`SELECT reltuples::int AS n FROM pg_class WHERE oid = '"${schema}".events'::regclass`),
    );
    expect(planned.rows[0].n).toBe(result.events);
    // Personal data is sealed at rest, as the API seals it (docs/erasure.md).
    const enrolled = await withAdminClient((client) =>
      client.query(`SELECT data FROM "${schema}".events WHERE event_type = 'PatientEnrolled' LIMIT 1`),
    );
    expect(enrolled.rows[0].data.name.given).toEqual({ $enc: expect.stringMatching(/^v1:s:/) });

    const again = await call('seed', '--patients', '5', '--days', '30', '--seed', 'cli', '--until', '2026-11-28');
    expect(again.code).toBe(1);
    expect(again.err).toContain('Use another --seed to add patients');
  }, 60_000);

  it('refuses bad options with exit code 2', async () => {
    const { code, err } = await call('seed', '--patients', 'many');
    expect(code).toBe(2);
    expect(err).toContain('--patients must be a whole number');
    expect(err).toContain('npm run cli -- seed [--patients N | --events N]');
  });
});
