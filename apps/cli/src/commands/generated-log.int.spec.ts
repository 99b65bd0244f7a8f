import { decodeDomainEvents, decryptEvents } from '@caretrail/care-log';
import { carePlanOf, commandDeciders, streams } from '@caretrail/domain';
import {
  checkpointOf,
  openEventStoreOn,
  PostgresDatabase,
  SqlPatientKeyStore,
  START,
  verifyEventChain,
  type StoredEvent,
} from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema, withAdminClient } from '@caretrail/event-store/testing';
import { ProjectionHost } from '@caretrail/projections';
import { readModels } from '@caretrail/read-models';
import type { SeedResult } from '@caretrail/seed';
import { CachingPatientKeyStore } from '@caretrail/security';
import { runCli } from '../testing/run-cli';

/*
 * A generated log (`seed --events N`, written in multi-stream batches, in two
 * parts by two runs as the benchmarks do) is a log the API could have
 * written: its hash chains verify, its personal data opens with the
 * patients' keys, every patient's history folds through every decider of
 * the domain, and the read models build from it.
 */

const OPTIONS = ['--events', '2000', '--days', '60', '--seed', 'generated', '--until', '2026-11-01', '--json'];

async function seedInto(schema: string, ...extra: string[]): Promise<SeedResult> {
  const env = process.env;
  process.env = { ...env, DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: schema };
  try {
    const { code, out, err } = await runCli('seed', ...OPTIONS, ...extra);
    if (code !== 0) throw new Error(`seed failed (${code}): ${err}`);
    return JSON.parse(out) as SeedResult;
  } finally {
    process.env = env;
  }
}

async function shapeOf(schema: string): Promise<string[]> {
  return withAdminClient(async (client) => {
    const { rows } = await client.query<{ line: string }>(
      `SELECT stream_id || '#' || stream_version || ' ' || event_type || ' ' || event_id AS line
       FROM "${schema}".events ORDER BY stream_id, stream_version`,
    );
    return rows.map((r) => r.line);
  });
}

describe('a generated log', () => {
  const inParts = uniqueSchema('gen_parts');
  const whole = uniqueSchema('gen_whole');
  const database = () => new PostgresDatabase({ connectionString: testDatabaseUrl(), schema: inParts });
  let parts: SeedResult[];

  beforeAll(async () => {
    parts = [await seedInto(inParts, '--part', '1/2'), await seedInto(inParts, '--part', '2/2')];
  }, 120_000);

  afterAll(async () => {
    await dropSchema(inParts);
    await dropSchema(whole);
  });

  it('holds about the events asked for, refused nothing, and two parts write exactly what one run writes', async () => {
    const events = parts[0]!.events + parts[1]!.events;
    expect(events).toBeGreaterThan(1_000);
    expect(events).toBeLessThan(4_000);
    expect(parts.map((p) => p.refused)).toEqual([{}, {}]);
    expect(parts.map((p) => p.part)).toEqual([
      { index: 0, of: 2 },
      { index: 1, of: 2 },
    ]);
    // Batches: far fewer store calls than streams written.
    expect(parts[0]!.appends).toBeLessThan(10);

    const one = await seedInto(whole);
    expect(one.events).toBe(events);
    expect(await shapeOf(inParts)).toEqual(await shapeOf(whole));
  }, 120_000);

  it('verifies: every hash chain is intact and every stream is as long as recorded', async () => {
    const sql = database();
    try {
      const report = await verifyEventChain(sql, inParts);
      expect(report).toMatchObject({ ok: true, firstBreak: null });
      expect(report.eventsChecked).toBe(parts[0]!.events + parts[1]!.events);
    } finally {
      await sql.close();
    }
  });

  it("opens personal data with the patients' keys and folds every patient's history through every decider", async () => {
    const sql = database();
    const store = await openEventStoreOn(sql);
    try {
      const stored: StoredEvent[] = [];
      for (let batch = await store.readAll({ after: START, limit: 1000 }); batch.length > 0;) {
        stored.push(...batch);
        batch = await store.readAll({ after: checkpointOf(batch[batch.length - 1]!), limit: 1000 });
      }
      expect(stored).toHaveLength(parts[0]!.events + parts[1]!.events);
      const sealed = stored.filter((e) => JSON.stringify(e.data).includes('"$enc"'));
      expect(sealed.length).toBeGreaterThan(0);

      const opened = await decryptEvents(stored, new CachingPatientKeyStore(new SqlPatientKeyStore(sql)));
      expect(opened.filter((e) => JSON.stringify(e.data).includes('"$enc"'))).toEqual([]);
      const enrolled = opened.filter((e) => e.type === 'PatientEnrolled');
      expect(enrolled.every((e) => typeof (e.data['name'] as { given: unknown }).given === 'string')).toBe(true);

      const histories = new Map<string, ReturnType<typeof decodeDomainEvents>>();
      for (const decoded of decodeDomainEvents(opened)) {
        const patientId = (decoded.event.data as { patientId: string }).patientId;
        histories.set(patientId, [...(histories.get(patientId) ?? []), decoded]);
      }
      expect(histories.size).toBe(enrolled.length);
      const deciders = [...new Map(Object.values(commandDeciders).map((d) => [d.evolve, d])).values()];
      for (const [patientId, history] of histories) {
        for (const decider of deciders) {
          expect(() =>
            history.reduce(
              (state: unknown, { event, meta }) => decider.evolve(state as never, event, meta),
              decider.initialState() as unknown,
            ),
          ).not.toThrow();
        }
        const plan = carePlanOf(history.filter(({ meta }) => meta.streamName === streams.carePlan(patientId)));
        expect(plan).toMatchObject({ status: 'enrolled', patientId });
      }
    } finally {
      await store.close();
    }
  });

  it('builds every read model from it', async () => {
    const sql = database();
    const store = await openEventStoreOn(sql);
    const host = new ProjectionHost(store, sql, readModels, { reconcileMs: 50 });
    try {
      await host.start();
      const built = () =>
        host
          .status()
          .then((all) => all.length === readModels.length && all.every((s) => s.lagEvents === 0 && s.rebuild === null));
      for (let i = 0; i < 600 && !(await built()); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      const status = await host.status();
      expect(status.map((s) => s.name).sort()).toEqual(readModels.map((m) => m.name).sort());
      for (const entry of status) expect(entry).toMatchObject({ generation: 1, lagEvents: 0, lastError: null });
    } finally {
      await host.stop();
      await store.close();
    }
    const { rows } = await withAdminClient((client) =>
      client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${inParts}".rm_current_plan_1`),
    );
    expect(rows[0]!.n).toBe(parts[0]!.patients);
  }, 120_000);
});
