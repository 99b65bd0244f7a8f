/**
 * FHIR Bulk export benchmark (docs/performance.md, "FHIR export"):
 *
 * The export of a seeded log (the CLI's seed: plausible histories through the domain's own
 * commands) as `$export` runs it (`exportFhir`: list the patients from the global order, then
 * read each through the patient index, fold into FHIR resources and serialise NDJSON), beside a
 * raw read of the same rows: the same per-patient query on the same index returning the same
 * columns, with no processing. Same run, same server; rates in events of the log per second.
 *
 *   npm run bench -- --only fhir-export [--events N] [--rounds R]
 *
 * --events N   events to seed (default 20,000: a short run; the large-log figures come later)
 * --rounds R   measured rounds of each side, after one warm-up (default 3)
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { exportFhir } from '@caretrail/admin-tasks';
import { PostgresDatabase, SqlEventStore } from '@caretrail/event-store';
import { parseExportRequest } from '@caretrail/fhir';
import { seed } from '@caretrail/seed';
import {
  check,
  compareRounds,
  formatRatio,
  formatStat,
  machine,
  table,
  timed,
  type Options,
  type Round,
} from './support/bench';

const UNTIL = Date.parse('2026-06-01T00:00:00Z');
const DAYS = 180;

export async function run(options: Options): Promise<{ name: string; report: unknown; text: string; ok: boolean }> {
  const events = options.int('events', 20_000);
  const rounds = options.int('rounds', 3);
  const databaseUrl = process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
  const host = machine();
  const startedAt = new Date().toISOString();
  const schema = `bench_fhir_${randomUUID().slice(0, 8)}`;
  const store = await SqlEventStore.open(new PostgresDatabase({ connectionString: databaseUrl, schema, poolSize: 4 }));
  const raw = new Pool({ connectionString: databaseUrl, max: 2 });
  try {
    // About 1.1 events per patient-day in the seed's histories.
    const patients = Math.max(3, Math.ceil(events / (DAYS * 1.1)));
    console.log(`\nfhir-export on PostgreSQL: seeding ${patients} patients x ${DAYS} days (~${events} events)...`);
    const seeded = await timed(() =>
      seed(store, { patients, days: DAYS, seed: 'bench-fhir', until: UNTIL, concurrency: 4 }),
    );
    const { headPosition } = await store.status();
    const request = parseExportRequest({});
    const transactionTime = new Date().toISOString();
    const ids = await patientIds(raw, schema);
    let resources = 0;
    let bytes = 0;
    const sides = await compareRounds(rounds, {
      export: async (): Promise<Round> => {
        let written = 0;
        const { value, seconds } = await timed(() =>
          exportFhir({ store, open: (stored) => Promise.resolve([...stored]) }, request, {
            transactionTime,
            write: (_, line) => {
              written += line.length;
            },
          }),
        );
        check(value.patients === ids.length, `the export listed ${value.patients} of ${ids.length} patients`);
        resources = value.resources;
        bytes = written;
        return { count: headPosition, seconds };
      },
      raw: async (): Promise<Round> => {
        const { value, seconds } = await timed(() => rawPatientReads(raw, schema, ids));
        check(value === headPosition, `the raw read saw ${value} of ${headPosition} events`);
        return { count: value, seconds };
      },
    });
    const ratio = sides.export.median / sides.raw.median;
    const report = {
      benchmark: 'fhir-export',
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      startedAt,
      machine: host,
      parameters: {
        backend: 'postgres',
        events,
        seededEvents: headPosition,
        patients,
        days: DAYS,
        rounds,
        warmUpRounds: 1,
      },
      export: { careTrail: sides.export, raw: sides.raw, ratio, unit: 'events/s', resources, ndjsonBytes: bytes },
      seedSeconds: seeded.seconds,
    };
    const text = [
      `fhir-export on PostgreSQL (${headPosition.toLocaleString('en-US')} seeded events, ${patients} patients x ${DAYS} days; ${host.cores} cores, ${host.cpuModel})`,
      '',
      table(
        ['case', 'CareTrail', 'raw baseline', 'ratio'],
        [
          [
            `$export (list, read, fold, NDJSON: ${resources.toLocaleString('en-US')} resources), events/s`,
            formatStat(sides.export),
            formatStat(sides.raw),
            formatRatio(ratio),
          ],
        ],
      ),
    ].join('\n');
    return { name: 'fhir-export', report, text, ok: true };
  } finally {
    await store.close();
    await raw.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await raw.end();
  }
}

async function patientIds(pool: Pool, schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT data->>'patientId' AS id FROM "${schema}".events WHERE event_type = 'PatientEnrolled' ORDER BY position`,
  );
  return rows.map((r) => r.id);
}

/** Each patient's rows through the patient index, as readPatient selects them, with no processing. */
async function rawPatientReads(pool: Pool, schema: string, ids: readonly string[]): Promise<number> {
  let count = 0;
  for (const id of ids) {
    const { rows } = await pool.query(
      `SELECT position, transaction_id::text AS transaction_id, stream_id, stream_version, event_id, event_type,
              schema_version, data, metadata, recorded_at, occurred_at
       FROM "${schema}".events e WHERE (e.data->>'patientId') = $1 ORDER BY e.transaction_id, e.position`,
      [id],
    );
    count += rows.length;
  }
  return count;
}
