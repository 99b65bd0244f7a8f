import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldEvents } from '@caretrail/analytics';
import { interleave, patientHistory, range, at, type PatientSpec } from '@caretrail/analytics/testing';
import { streamFor, type DomainEvent } from '@caretrail/domain';
import { openEventStoreOn, PostgresDatabase, type EventStore, type SqlDatabase } from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@caretrail/event-store/testing';
import { decodeStoredEvent } from '@caretrail/care-log';
import { readModels, type ReadModel } from '@caretrail/read-models';
import { replay } from '@caretrail/admin-tasks';
import { runCli } from '../testing/run-cli';

const ALL = range(0, 83);
const spec = (id: string, drug: string, phq9: number[], doseDays = ALL): PatientSpec => ({
  id,
  track: 'integrated',
  modality: 'CBT',
  drug,
  phq9,
  doseDays,
});
const PATIENTS = [
  spec('c1', 'Sertraline', [20, 14, 10, 8]),
  spec('c2', 'Sertraline', [16, 12, 8, 4]),
  spec('c3', 'Sertraline', [18, 17, 16, 15], range(0, 59)),
  spec('c4', 'Sertraline', [10, 8, 6, 4]),
  spec('c5', 'Sertraline', [24, 20, 18, 13]),
  spec('c6', 'Fluoxetine', [15, 14, 13, 12]),
];

describe('command line: patient, report and replay on PostgreSQL', () => {
  const schema = uniqueSchema('cli_analytics');
  const dataDir = mkdtempSync(join(tmpdir(), 'caretrail-cli-analytics-'));
  const env = process.env;
  let sql: SqlDatabase;
  let store: EventStore;

  const call = runCli;

  beforeAll(async () => {
    process.env = {
      ...env,
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_SCHEMA: schema,
      DATA_DIR: dataDir,
      ANALYTICS_PSEUDONYM_KEY: 'a test key of enough length',
    };
    sql = new PostgresDatabase({ connectionString: testDatabaseUrl(), schema, poolSize: 4 });
    store = await openEventStoreOn(sql);
    // The patients' histories interleaved as a clinic's log is, each event appended to its own stream.
    for (const event of interleave(PATIENTS.map(patientHistory))) await append(event);
  }, 120_000);
  afterAll(async () => {
    process.env = env;
    await store?.close();
    await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const append = (event: DomainEvent) =>
    store.append(
      streamFor(event),
      [
        {
          type: event.type,
          data: event.data as Record<string, unknown>,
          metadata: { occurredAt: (event.data as { occurredAt: string }).occurredAt },
        },
      ],
      {
        expectedVersion: 'any',
      },
    );

  describe('report effectiveness', () => {
    it('prints the same bytes for the same log, and only pseudonyms', async () => {
      const first = await call(
        'report',
        'effectiveness',
        '--from',
        '2026-01-01',
        '--to',
        '2026-06-30',
        '--format',
        'json',
      );
      const second = await call(
        'report',
        'effectiveness',
        '--from',
        '2026-01-01',
        '--to',
        '2026-06-30',
        '--format',
        'json',
      );
      expect(first.code).toBe(0);
      expect(second.out).toBe(first.out);
      const report = JSON.parse(first.out);
      expect(report.patients).toBe(6);
      expect(report.cohorts.find((c: { value: string }) => c.value === 'Sertraline').figures.patients).toBe(5);
      expect(report.cohorts.find((c: { value: string }) => c.value === 'Fluoxetine')).toMatchObject({
        suppressed: true,
        figures: null,
      });
      expect(report.patientRows.map((r: { pseudonym: string }) => r.pseudonym)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^P-[0-9a-f]{16}$/)]),
      );
      for (const secret of ['"c1"', 'Ada-', 'Secretname', '@example.org', 'Secret'])
        expect(first.out).not.toContain(secret);
    });

    it('without --from and --to covers the whole log (its first to its last day)', async () => {
      const whole = await call('report', 'effectiveness', '--format', 'json');
      expect(whole.code).toBe(0);
      const report = JSON.parse(whole.out);
      // Every patient's plan started on 2026-01-06, inside the log's span: all six are reported.
      expect(report.patients).toBe(6);
      // The earliest instant of the log is an enrolment on 2026-01-05 (the day before the plans started).
      expect(report.period.from).toBe('2026-01-05');
      expect(report.period.to >= '2026-01-06').toBe(true);
    });

    it('writes an HTML file with SVG charts, the same for the same log', async () => {
      const out = join(dataDir, 'report.html');
      expect(
        (
          await call(
            'report',
            'effectiveness',
            '--from',
            '2026-01-01',
            '--to',
            '2026-06-30',
            '--format',
            'html',
            '--out',
            out,
          )
        ).code,
      ).toBe(0);
      const html = readFileSync(out, 'utf8');
      expect(html).toContain('<svg');
      expect(
        (
          await call(
            'report',
            'effectiveness',
            '--from',
            '2026-01-01',
            '--to',
            '2026-06-30',
            '--format',
            'html',
            '--out',
            `${out}.2`,
          )
        ).code,
      ).toBe(0);
      expect(readFileSync(`${out}.2`, 'utf8')).toBe(html);
    });

    it.each([
      [['report'], 'the only report is "effectiveness"'],
      [['report', 'effectiveness', '--from', '2026-02-30', '--to', '2026-06-30'], '--from must be a date YYYY-MM-DD'],
      [
        ['report', 'effectiveness', '--from', '2026-06-01', '--to', '2026-01-01'],
        '--to (2026-01-01) must not be before --from (2026-06-01)',
      ],
      [
        ['report', 'effectiveness', '--from', '2026-01-01', '--to', '2026-06-30', '--format', 'pdf'],
        '--format must be one of: md, json, csv, html',
      ],
      [
        ['report', 'effectiveness', '--from', '2026-01-01', '--to', '2026-06-30', '--min-cohort', '0'],
        '--min-cohort must be a whole number',
      ],
      [
        ['report', 'effectiveness', '--from', '2026-01-01', '--to', '2026-06-30', '--colour'],
        "Unknown option '--colour'",
      ],
    ])('refuses %j with exit code 2', async (argv, message) => {
      const { code, err } = await call(...argv);
      expect({ code, message: err.includes(message) ? message : err }).toEqual({ code: 2, message });
    });
  });

  describe('patient --as-of', () => {
    it('shows the views as they stood just before and at an outcome', async () => {
      const week4 = new Date(at(28)).toISOString(); // the day-28 PHQ-9 of c1 occurred (and was recorded) then
      const { rows } = await sql.query<{ recorded_at: Date }>(
        `SELECT recorded_at FROM "${schema}".events WHERE data->>'patientId' = 'c1' AND event_type = 'OutcomeMeasured' ORDER BY position OFFSET 1 LIMIT 1`,
      );
      const recordedAt = rows[0]!.recorded_at.toISOString();
      const before = JSON.parse(
        (await call('patient', 'c1', '--as-of', new Date(Date.parse(week4) - 1).toISOString(), '--by', 'occurred')).out,
      );
      const atIt = JSON.parse((await call('patient', 'c1', '--as-of', week4, '--by', 'occurred')).out);
      expect(before.outcomes.phq9).toMatchObject({ latest: { total: 20 }, measurements: 1 });
      expect(atIt.outcomes.phq9).toMatchObject({ latest: { total: 14 }, measurements: 2 });
      expect(atIt).toMatchObject({
        patientId: 'c1',
        asOfBasis: 'occurred',
        plan: { carePlan: { track: 'integrated' } },
      });
      // Recorded basis: the test appended everything just now, so a minute before that the clinic knew nothing.
      const recorded = JSON.parse(
        (await call('patient', 'c1', '--as-of', new Date(Date.parse(recordedAt) - 60_000).toISOString())).out,
      );
      expect(recorded).toMatchObject({ asOfBasis: 'recorded', events: 0, outcomes: { phq9: null } });
    });

    it.each([
      [['patient'], 'the patient id comes first'],
      [['patient', 'c1'], '--as-of is required'],
      [['patient', 'c1', '--as-of', '2026-03-01'], '--as-of must be an instant with a zone'],
      [['patient', 'c1', '--as-of', '2999-01-01T00:00:00Z'], '--as-of must not be in the future'],
      [
        ['patient', 'c1', '--as-of', '2026-03-01T00:00:00Z', '--by', 'hearsay'],
        '--by must be one of: recorded, occurred',
      ],
      [
        ['patient', 'c1', '--as-of', '2026-03-01T00:00:00Z', '--view', 'gossip'],
        '--view must be one of: plan, adherence, collaboration, outcomes',
      ],
    ])('refuses %j with exit code 2', async (argv, message) => {
      const { code, err } = await call(...argv);
      expect({ code, message: err.includes(message) ? message : err }).toEqual({ code: 2, message });
    });
  });

  describe('replay', () => {
    const liveState = async () => {
      const { rows } = await sql.query<{ tables: string[]; checkpoints: number; events: number }>(
        `SELECT (SELECT coalesce(array_agg(table_name::text ORDER BY table_name), '{}') FROM information_schema.tables
                 WHERE table_schema = $1 AND table_name NOT LIKE 'replay\\_%') AS tables,
                (SELECT count(*)::int FROM "${schema}".checkpoints) AS checkpoints,
                (SELECT count(*)::int FROM "${schema}".events) AS events`,
        [schema],
      );
      return rows[0]!;
    };

    it('rebuilds chosen read models into tables of its own, resumes after an interruption, and touches nothing live', async () => {
      const before = await liveState();
      const to = new Date().toISOString();
      const options = {
        to,
        into: 'audit_q1',
        models: ['registry', 'adherence'],
        basis: 'recorded' as const,
        batchSize: 50,
      };
      const interrupted = await replay(store, sql, { ...options, stopAfterBatches: 3 });
      expect(interrupted.status).toBe('interrupted');
      const { code, out } = await call(
        'replay',
        '--to',
        to,
        '--into',
        'audit_q1',
        '--models',
        'registry,adherence',
        '--batch',
        '50',
      );
      expect(code).toBe(0);
      expect(out).toContain('replay audit_q1 complete');
      expect((await call('replay', '--to', to, '--into', 'audit_q1', '--models', 'registry,adherence')).out).toContain(
        'already complete',
      );

      // The rows equal a fold of every event, patient by patient.
      const events = (await store.readAll({ after: { transactionId: '0', position: 0 }, limit: 100_000 })).map(
        decodeStoredEvent,
      );
      for (const name of ['registry', 'adherence']) {
        const model = readModels.find((m) => m.name === name) as ReadModel<unknown>;
        const { rows } = await sql.query<{ key: string; patient_id: string; doc: unknown }>(
          `SELECT key, patient_id, doc FROM "${schema}"."replay_audit_q1_${name}" ORDER BY key`,
        );
        // A patient row each; adherence adds its month rows (docs/read-models.md, "Row layout").
        const heads = rows.filter((r) => r.key === r.patient_id);
        expect(heads.map((r) => r.key)).toEqual(PATIENTS.map((p) => p.id));
        for (const head of heads) {
          const details = rows
            .filter((r) => r.patient_id === head.key && r.key !== head.key)
            .map((r) => ({ key: r.key, row: r.doc }));
          const doc = model.rows ? model.rows.assemble(head.doc, details) : head.doc;
          expect(doc).toEqual(JSON.parse(JSON.stringify(foldEvents(model, events, head.key).doc)));
        }
      }
      expect(await liveState()).toEqual(before); // no live table, checkpoint or event added
    });

    it('replays only what was recorded by --to', async () => {
      const { code } = await call(
        'replay',
        '--to',
        '2020-01-01T00:00:00Z',
        '--into',
        'before_anything',
        '--models',
        'registry',
      );
      expect(code).toBe(0);
      const { rows } = await sql.query(`SELECT key FROM "${schema}"."replay_before_anything_registry"`);
      expect(rows).toEqual([]);
    });

    it('refuses to resume with another --to, and names bad arguments', async () => {
      const resumed = await call(
        'replay',
        '--to',
        '2021-01-01T00:00:00Z',
        '--into',
        'before_anything',
        '--models',
        'registry',
      );
      expect(resumed.code).toBe(2);
      expect(resumed.err).toContain('was started with --to 2020-01-01T00:00:00.000Z');
      for (const [argv, message] of [
        [['replay', '--into', 'x'], '--to is required'],
        [['replay', '--to', '2026-01-01T00:00:00Z'], '--into is required'],
        [['replay', '--to', '2026-01-01T00:00:00Z', '--into', 'Robert; DROP TABLE'], '--into is required'],
        [['replay', '--to', '2026-01-01T00:00:00Z', '--into', 'x', '--models', 'registry,gossip'], 'unknown: gossip'],
        [['replay', '--to', '2999-01-01T00:00:00Z', '--into', 'x'], '--to must not be in the future'],
      ] as const) {
        const { code, err } = await call(...argv);
        expect({ argv, code, message: err.includes(message) ? message : err }).toEqual({ argv, code: 2, message });
      }
    });
  });
});
