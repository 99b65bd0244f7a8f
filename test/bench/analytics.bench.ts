/**
 * Analytics benchmark (docs/performance.md, "Analytics"):
 *
 * 1. The treatment-effectiveness report over a seeded log (the CLI's seed: plausible histories
 *    through the domain's own commands), read through the event store's global order, folded
 *    through the read models and rendered as HTML, beside a raw keyset read of the same events
 *    with no processing, in the same run and on the same server. Target: >= 25 % of the raw rate.
 * 2. Time travel: one patient with five years of daily doses (plus weekly PHQ-9, GAD-7 and
 *    sessions), each of the four views as of random instants: readPatient + fold + view, p50/p99.
 *    Target: p99 <= 50 ms. Beside it, the raw read of the same patient's rows through the index.
 *
 *   npm run bench -- --only analytics [--report-events N] [--rounds R] [--samples S]
 *
 * --report-events N  events to seed for the report (default 200,000; the figure is 1,000,000)
 * --rounds R         measured rounds of the report and of the raw read, after one warm-up (default 3)
 * --samples S        as-of instants measured per view (default 200)
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import {
  adherenceAsOf,
  effectivenessReport,
  PATIENT_VIEWS,
  patientAsOf,
  planAdherenceAsOf,
  renderReport,
  typesNotNeededBy,
  type PatientViewName,
} from '@caretrail/analytics';
import { decodeDomainEvents } from '@caretrail/care-log';
import { streamFor, type DomainEvent } from '@caretrail/domain';
import {
  PostgresDatabase,
  SqlEventStore,
  START,
  type Checkpoint,
  type EventStore,
  type ReadPatientOptions,
  type SqlDatabase,
  type StoredEvent,
} from '@caretrail/event-store';
import { BatchProjector, ProjectionTables } from '@caretrail/projections';
import { adherenceModel, type DetailRow } from '@caretrail/read-models';
import { readHistories } from '@caretrail/admin-tasks';
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
  type Stat,
} from './support/bench';

const READ_BATCH = 5000;
const REPORT_TARGET = 0.25;
const AS_OF_P99_TARGET_MS = 50;
const DAY = 86_400_000;
const UNTIL = Date.parse('2026-06-01T00:00:00Z');

export async function run(options: Options): Promise<{ name: string; report: unknown; text: string; ok: boolean }> {
  const reportEvents = options.int('report-events', 200_000);
  const rounds = options.int('rounds', 3);
  const samples = options.int('samples', 200);
  const databaseUrl = process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
  const host = machine();
  const startedAt = new Date().toISOString();
  const schema = `bench_analytics_${randomUUID().slice(0, 8)}`;
  const database = new PostgresDatabase({ connectionString: databaseUrl, schema, poolSize: 10 });
  const store = await SqlEventStore.open(database);
  const raw = new Pool({ connectionString: databaseUrl, max: 2 });
  try {
    // About 1.1 events per patient-day in the seed's histories: a year each, as many patients as needed.
    const days = 365;
    const patients = Math.max(5, Math.ceil(reportEvents / (days * 1.1)));
    console.log(
      `\nanalytics on PostgreSQL: seeding ${patients} patients x ${days} days (~${reportEvents.toLocaleString('en-US')} events)...`,
    );
    const seeded = await timed(() =>
      seed(store, { patients, days, seed: 'bench-analytics', until: UNTIL, concurrency: 8 }),
    );
    const { headPosition } = await store.status();
    console.log(
      `seeded ${seeded.value.events.toLocaleString('en-US')} events in ${seeded.seconds.toFixed(0)} s; measuring the report against the raw read (${rounds} rounds)...`,
    );

    const period = {
      from: new Date(UNTIL - days * DAY).toISOString().slice(0, 10),
      to: new Date(UNTIL).toISOString().slice(0, 10),
    };
    const outputs: string[] = [];
    const sides = await compareRounds(rounds, {
      report: async (): Promise<Round> => {
        const { value, seconds } = await timed(async () => {
          // What `npm run cli -- report` does: the global order in batches, the next one read while this one folds.
          const histories = await readHistories(store, period, undefined, READ_BATCH);
          const report = effectivenessReport(histories, {
            period,
            pseudonymOf: (id) => `P-${id}`,
            pseudonymKeyId: 'bench',
          });
          return { events: histories.events, html: renderReport(report, 'html'), patients: report.patients };
        });
        check(value.events === headPosition, `the report read ${value.events} of ${headPosition} events`);
        check(value.patients > 0, 'the report found no patient in the period');
        outputs.push(value.html);
        return { count: value.events, seconds };
      },
      raw: async (): Promise<Round> => {
        const { value, seconds } = await timed(() => rawReadAll(raw, schema));
        check(value === headPosition, `the raw read saw ${value} of ${headPosition} events`);
        return { count: value, seconds };
      },
    });
    check(
      outputs.every((o) => o === outputs[0]),
      'the same log gave different reports',
    );
    const ratio = sides.report.median / sides.raw.median;

    console.log('time travel: one patient, five years of daily doses...');
    const traveller = await fiveYearPatient(store);
    const adherenceRows = await projectAdherence(store, database, schema);
    const asOf = await measureAsOf(store, raw, schema, traveller, samples, adherenceRows);

    const report = {
      benchmark: 'analytics',
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      startedAt,
      machine: host,
      parameters: {
        backend: 'postgres',
        reportEvents,
        seededEvents: seeded.value.events,
        patients,
        days,
        rounds,
        warmUpRounds: 1,
        readBatch: READ_BATCH,
        samples,
        seedSeconds: seeded.seconds,
      },
      report: {
        careTrail: sides.report,
        raw: sides.raw,
        ratio,
        target: REPORT_TARGET,
        targetMet: ratio >= REPORT_TARGET,
        unit: 'events/s',
        format: 'html',
        bytes: outputs[0]!.length,
      },
      asOf,
    };
    const asOfOk = asOf.views.every((v) => v.p99Ms <= AS_OF_P99_TARGET_MS);
    const text = [
      `analytics on PostgreSQL (${seeded.value.events.toLocaleString('en-US')} seeded events, ${patients} patients x ${days} days; ${host.cores} cores, ${host.cpuModel})`,
      '',
      table(
        ['case', 'CareTrail', 'raw baseline', 'ratio', 'target'],
        [
          [
            'effectiveness report (read + fold + HTML), events/s',
            formatStat(sides.report),
            formatStat(sides.raw),
            formatRatio(ratio),
            `>= ${formatRatio(REPORT_TARGET)} ${ratio >= REPORT_TARGET ? 'met' : 'MISSED'}`,
          ],
        ],
      ),
      '',
      `time travel: one patient, ${asOf.patientEvents.toLocaleString('en-US')} events (${asOf.doses.toLocaleString('en-US')} daily doses over five years), ${samples} random instants per view, recorded basis`,
      '',
      table(
        ['view', 'events folded (median)', 'p50 ms', 'p99 ms', 'max ms', 'target p99'],
        [
          ...asOf.views.map((v) => [
            v.view,
            String(v.eventsMedian),
            v.p50Ms.toFixed(1),
            v.p99Ms.toFixed(1),
            v.maxMs.toFixed(1),
            `<= ${AS_OF_P99_TARGET_MS} ms ${v.p99Ms <= AS_OF_P99_TARGET_MS ? 'met' : 'MISSED'}`,
          ]),
          [
            'raw read of all the patient’s rows (index)',
            String(asOf.patientEvents),
            asOf.raw.p50Ms.toFixed(1),
            asOf.raw.p99Ms.toFixed(1),
            asOf.raw.maxMs.toFixed(1),
            '',
          ],
        ],
      ),
    ].join('\n');
    return { name: 'analytics', report, text, ok: ratio >= REPORT_TARGET && asOfOk };
  } finally {
    await store.close();
    await raw.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await raw.end();
  }
}

/** The same keyset read of the same rows and columns, with no processing (pg still parses the jsonb). */
async function rawReadAll(pool: Pool, schema: string): Promise<number> {
  let after: Checkpoint = START;
  let count = 0;
  for (;;) {
    const { rows } = await pool.query<{ position: string; transaction_id: string }>(
      `SELECT position, transaction_id::text AS transaction_id, stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, occurred_at
       FROM "${schema}".events e
       WHERE (e.transaction_id, e.position) > ($1::xid8, $2::bigint) AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY e.transaction_id, e.position LIMIT $3`,
      [after.transactionId, after.position, READ_BATCH],
    );
    if (rows.length === 0) return count;
    count += rows.length;
    const last = rows[rows.length - 1]!;
    after = { transactionId: last.transaction_id, position: Number(last.position) };
  }
}

interface Traveller {
  patientId: string;
  from: number;
  until: number;
  events: number;
  doses: number;
}

/**
 * Five years (1,826 days) of one daily dose (one in ten missed, one in twenty reported days
 * late), weekly PHQ-9, GAD-7 and a therapy session, a side effect every ten weeks and a dose
 * adjustment every six months: the history docs/read-models.md sizes its docs on.
 */
export async function fiveYearPatient(store: SqlEventStore): Promise<Traveller> {
  const patientId = 'bench-five-years';
  const from = UNTIL - 1826 * DAY;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const actor = { userId: 'u-therapist', role: 'therapist' as const };
  const me = { userId: patientId, role: 'patient' as const };
  const carePlanId = 'plan-1';
  const medicationId = 'med-1';
  const schedule = {
    timesPerDay: 1,
    daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as Array<'mon'>,
    times: ['08:00'],
  };
  const events: Array<{ event: DomainEvent; recordedAt: number }> = [];
  const add = (
    event: DomainEvent,
    recordedAt = Date.parse((event.data as { occurredAt: string }).occurredAt),
  ): void => {
    events.push({ event, recordedAt });
  };
  add({
    type: 'PatientEnrolled',
    data: {
      patientId,
      timeZone: 'Europe/London',
      name: { given: 'Bench', family: 'Patient' },
      contact: { email: null, phone: null },
      enrolledBy: actor,
      occurredAt: iso(from),
    },
  });
  add({
    type: 'CarePlanStarted',
    data: { patientId, carePlanId, track: 'integrated', startedBy: actor, occurredAt: iso(from + 1000) },
  });
  add({
    type: 'TherapyPrescribed',
    data: {
      patientId,
      carePlanId,
      modality: 'CBT',
      modalityDetail: null,
      frequency: { sessions: 1, per: 'week' },
      prescribedBy: actor,
      occurredAt: iso(from + 2000),
    },
  });
  add({
    type: 'MedicationPrescribed',
    data: {
      patientId,
      carePlanId,
      medicationId,
      drug: { name: 'Sertraline', rxNormCode: null },
      strength: { value: 50, unit: 'mg' },
      schedule,
      startsAt: iso(from),
      instructions: null,
      prescriberId: 'u-prescriber',
      occurredAt: iso(from + 3000),
    },
  });
  let doses = 0;
  for (let day = 0; day < 1826; day++) {
    const slot = from + day * DAY + 8 * 3_600_000;
    if (day % 10 === 9) {
      add({
        type: 'DoseMissed',
        data: {
          patientId,
          medicationId,
          scheduledFor: iso(slot),
          occurredAt: iso(slot + 6 * 3_600_000),
          reason: 'forgot',
          reasonDetail: null,
          recordedBy: me,
        },
      });
    } else {
      const late = day % 20 === 3; // reported three days later, from a phone that was offline
      add(
        {
          type: 'DoseTaken',
          data: { patientId, medicationId, scheduledFor: iso(slot), occurredAt: iso(slot + 300_000), recordedBy: me },
        },
        slot + 300_000 + (late ? 3 * DAY : 0),
      );
    }
    doses++;
    if (day % 7 === 0) {
      const total = Math.max(2, 20 - Math.floor(day / 60));
      add({
        type: 'OutcomeMeasured',
        data: {
          patientId,
          instrument: 'PHQ-9',
          loinc: '44261-6',
          items: [3, 3, 3, 3, 3, 3, 2, 0, 0].map((v, i) => Math.min(v, Math.max(0, total - 3 * i))),
          total: Math.min(total, 20),
          administeredBy: actor,
          occurredAt: iso(slot + 3_600_000),
        },
      });
      const gad = Math.min(14, total);
      add({
        type: 'OutcomeMeasured',
        data: {
          patientId,
          instrument: 'GAD-7',
          loinc: '70274-6',
          items: [3, 3, 3, 3, 2, 0, 0].map((v, i) => Math.min(v, Math.max(0, gad - 3 * i))),
          total: Math.min(gad, 14),
          administeredBy: actor,
          occurredAt: iso(slot + 3_700_000),
        },
      });
      const sessionId = `s-${day}`;
      add({
        type: 'SessionScheduled',
        data: {
          patientId,
          sessionId,
          kind: 'psychotherapy',
          scheduledFor: iso(slot + 2 * DAY),
          durationMinutes: 50,
          clinicianId: 'u-therapist',
          scheduledBy: actor,
          occurredAt: iso(slot + 3_800_000),
        },
      });
      add({
        type: 'SessionAttended',
        data: {
          patientId,
          sessionId,
          kind: 'psychotherapy',
          recordedBy: actor,
          occurredAt: iso(slot + 2 * DAY + 3_600_000),
        },
      });
    }
    if (day % 70 === 35) {
      add({
        type: 'SideEffectReported',
        data: {
          patientId,
          sideEffectId: `se-${day}`,
          symptom: 'Nausea',
          severity: 'mild',
          suspectedMedicationId: medicationId,
          fibser: { frequency: 2, intensity: 2, burden: 1 },
          urgent: false,
          reportedBy: me,
          occurredAt: iso(slot + 4 * 3_600_000),
        },
      });
    }
    if (day % 182 === 100) {
      add({
        type: 'DoseAdjusted',
        data: {
          patientId,
          carePlanId,
          medicationId,
          supersedes: 'rx',
          strength: { value: 50 + (day % 3) * 25, unit: 'mg' },
          schedule,
          effectiveFrom: iso(slot + DAY),
          reason: null,
          prescriberId: 'u-prescriber',
          occurredAt: iso(slot + 5 * 3_600_000),
        },
      });
    }
  }
  // Appended in recording order, with the recorded instants the history had (set below).
  events.sort((a, b) => a.recordedAt - b.recordedAt);
  for (let i = 0; i < events.length; i += 500) {
    const chunk = events.slice(i, i + 500);
    await store.database.transaction(async (tx) => {
      for (const { event, recordedAt } of chunk) {
        await store.appendWithin(
          tx,
          streamFor(event),
          [
            {
              type: event.type,
              data: event.data as Record<string, unknown>,
              metadata: {
                occurredAt: (event.data as { occurredAt: string }).occurredAt,
                extra: { recordedAt: new Date(recordedAt).toISOString() },
              },
            },
          ],
          { expectedVersion: 'any' },
        );
      }
    });
  }
  // recorded_at is the store's clock: back-date it to the history's instants (a bench-only shortcut,
  // through a session that may bypass the append-only trigger).
  await store.database.transaction(async (tx) => {
    await tx.query(`SET LOCAL session_replication_role = replica`);
    await tx.query(
      `UPDATE "${store.database.schema}".events SET recorded_at = (metadata->'extra'->>'recordedAt')::timestamptz WHERE data->>'patientId' = $1`,
      [patientId],
    );
  });
  return { patientId, from, until: UNTIL, events: events.length, doses };
}

interface AsOfResult {
  patientEvents: number;
  doses: number;
  samples: number;
  views: Array<{
    view: PatientViewName;
    eventsMedian: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    samplesMs: Stat;
  }>;
  raw: { p50Ms: number; p99Ms: number; maxMs: number };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/**
 * The adherence read model of the whole log, projected as the API's projector does (one generation
 * table), so adherence as of a day can start from its month rows as the API does.
 */
async function projectAdherence(store: EventStore, database: SqlDatabase, schema: string): Promise<string> {
  const tables = new ProjectionTables(schema);
  await tables.create(database, adherenceModel.name, 1);
  const projector = new BatchProjector({ store, sql: database, tables, definition: adherenceModel, generation: 1 });
  let after: Checkpoint = START;
  for (;;) {
    const batch = await store.readAll({ after, limit: READ_BATCH });
    if (batch.length === 0) break;
    const last = batch[batch.length - 1];
    if (!last) break;
    const next = { transactionId: last.transactionId, position: last.position };
    await projector.handle(batch, { previous: after, next, saveCheckpoint: async () => undefined });
    after = next;
  }
  return tables.table(adherenceModel.name, 1);
}

/** What the API does for adherence as of a day (apps/api queries/patient-time-travel.ts). */
async function adherenceAsOfFromRows(
  store: EventStore,
  database: Pool,
  rowsTable: string,
  patientId: string,
  asOf: string,
): Promise<{ events: number; answer: ReturnType<typeof patientAsOf> }> {
  const { rows } = await database.query<{ key: string; doc: unknown }>(
    `SELECT key, doc FROM ${rowsTable} WHERE patient_id = $1`,
    [patientId],
  );
  const head = rows.find((r) => r.key === patientId)?.doc;
  const details: DetailRow[] = rows.filter((r) => r.key !== patientId).map((r) => ({ key: r.key, row: r.doc }));
  const layout = adherenceModel.rows;
  const stored = head === undefined || !layout ? undefined : layout.assemble(head, details);
  const plan = planAdherenceAsOf(stored, asOf, null);
  if (stored && plan) {
    const read = (options: ReadPatientOptions) => store.readPatient(patientId, { ...options, metadata: false });
    const [facts, doses] = await Promise.all([read(plan.facts), read(plan.doses)]);
    const events = [...facts, ...doses].sort(inGlobalOrder);
    const answer = adherenceAsOf(patientId, stored, plan, decodeDomainEvents(events), asOf);
    if (answer) return { events: events.length, answer };
  }
  const events = await store.readPatient(patientId, { recordedUntil: asOf, metadata: false });
  return {
    events: events.length,
    answer: patientAsOf('adherence', patientId, decodeDomainEvents(events), asOf, 'recorded'),
  };
}

function inGlobalOrder(a: StoredEvent, b: StoredEvent): number {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  return ta < tb ? -1 : ta > tb ? 1 : a.position - b.position;
}

async function measureAsOf(
  store: EventStore,
  raw: Pool,
  schema: string,
  t: Traveller,
  samples: number,
  adherenceRows: string,
): Promise<AsOfResult> {
  // A fixed pseudo-random sequence of instants, biased to the recent end where most questions are.
  let state = 42;
  const next = (): number => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const instants = Array.from({ length: samples }, () =>
    new Date(t.until - Math.floor(next() ** 2 * (t.until - t.from))).toISOString(),
  );
  const views: AsOfResult['views'] = [];
  for (const view of PATIENT_VIEWS) {
    const times: number[] = [];
    const folded: number[] = [];
    for (const [i, asOf] of [instants[0]!, ...instants].entries()) {
      const { value, seconds } = await timed(async () => {
        if (view === 'adherence') return adherenceAsOfFromRows(store, raw, adherenceRows, t.patientId, asOf);
        const events = await store.readPatient(t.patientId, {
          recordedUntil: asOf,
          excludeTypes: typesNotNeededBy(view),
          metadata: false,
        });
        const answer = patientAsOf(view, t.patientId, decodeDomainEvents(events), asOf, 'recorded');
        return { events: events.length, answer };
      });
      if (view === 'adherence' && i % 20 === 0) {
        // Outside the timing: the answer from the month rows is the full replay's.
        const events = await store.readPatient(t.patientId, { recordedUntil: asOf, metadata: false });
        const replayed = patientAsOf(view, t.patientId, decodeDomainEvents(events), asOf, 'recorded');
        check(
          JSON.stringify(replayed.data) === JSON.stringify(value.answer.data),
          `as-of ${asOf}: adherence from the month rows differs from the full replay`,
        );
      }
      if (i === 0) continue; // warm-up
      // The first side effect comes on day 35: before it the collaboration view is rightly empty.
      check(view === 'collaboration' || value.answer.position > 0, `as-of ${asOf}: nothing folded for ${view}`);
      times.push(seconds * 1000);
      folded.push(value.events);
    }
    const sorted = [...times].sort((a, b) => a - b);
    folded.sort((a, b) => a - b);
    views.push({
      view,
      eventsMedian: folded[folded.length >> 1]!,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      maxMs: sorted[sorted.length - 1]!,
      samplesMs: { median: percentile(sorted, 0.5), min: sorted[0]!, max: sorted[sorted.length - 1]!, samples: [] },
    });
  }
  const rawTimes: number[] = [];
  for (let i = 0; i <= samples; i++) {
    const { seconds } = await timed(() =>
      raw.query(`SELECT * FROM "${schema}".events WHERE (data->>'patientId') = $1 ORDER BY transaction_id, position`, [
        t.patientId,
      ]),
    );
    if (i > 0) rawTimes.push(seconds * 1000);
  }
  rawTimes.sort((a, b) => a - b);
  return {
    patientEvents: t.events,
    doses: t.doses,
    samples,
    views,
    raw: { p50Ms: percentile(rawTimes, 0.5), p99Ms: percentile(rawTimes, 0.99), maxMs: rawTimes[rawTimes.length - 1]! },
  };
}
