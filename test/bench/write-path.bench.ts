/**
 * HTTP write-path benchmark (docs/performance.md, "Write path"): dose
 * recording through the built API, running as its own process, at 16 and 64
 * concurrent clients (autocannon, real bearer tokens, validated bodies),
 * beside raw single-row INSERT transactions into the same PostgreSQL at the
 * same concurrency in the same run.
 *
 *   npm run bench -- --only write-path [--events N] [--rounds R] [--clients 16,64] [--api-cpu-prof DIR] [--api-projections] [--no-build]
 *
 * --events N        commands (and raw inserts) per round of each case (default 1200)
 * --rounds R        measured rounds after one warm-up round (default 3)
 * --clients A,B     concurrency levels (default 16,64)
 * --api-cpu-prof D  run the API with node --cpu-prof, writing the profile into D
 * --api-projections  run the read models inside the API process (the embedded default of `npm start`);
 *                   without it the API runs as deployed (RUN_PROJECTIONS=false, docs/deployment.md) and
 *                   the projections benchmark measures the read models' cost
 * --baseline-build D another checkout whose API is built (node infra/scripts/build-app.mjs api, in D):
 *                   measured in the same rounds as this one, with its own schema and patients, so
 *                   that a change is compared before and after in one run
 * --no-build        use dist/apps/api as it is (default: build it first)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { issueLocalToken, loadOrCreateLocalSigningKey } from '@caretrail/security';
import {
  check,
  compareRounds,
  concurrently,
  cpuSecondsOf,
  formatRatio,
  formatStat,
  machine,
  stat,
  table,
  timed,
  type Machine,
  type Options,
  type Round,
  type Stat,
  noteChildPeak,
} from './support/bench';
import { freePort } from '../support/api-process';
import { createRawEventsTable } from './support/raw-events';

// autocannon ships no types; the little used here.
const autocannon = require('autocannon') as (options: Record<string, unknown>) => AutocannonInstance;
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void,
  ): void;
}
interface AutocannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
}

const ROOT = resolve(__dirname, '../..');
const MAIN = join(ROOT, 'dist/apps/api/apps/api/src/main.js');
const DEFAULT_CLIENTS = [16, 64];
/** Patients per client at the highest concurrency: no two requests in flight ever share a stream. */
const PATIENTS_PER_CLIENT = 4;
/** Two daily doses: the dose-month stream of a patient grows to about 60 events. */
const DOSE_TIMES = ['08:00', '20:00'] as const;
const TARGET = 0.4; // of raw, at 16 clients
const TARGET_CLIENTS = 16;
const SETUP_CONCURRENCY = 8;

interface Patient {
  patientId: string;
  medicationId: string;
  /** `Bearer ...` of the patient's own app account. */
  auth: string;
  /** The next unused dose slot (0 = first slot of the first day). */
  nextSlot: number;
}

export interface CaseResult {
  clients: number;
  requestsPerRound: number;
  careTrail: SideResult;
  raw: SideResult;
  /** careTrail throughput median / raw throughput median */
  ratio: number;
  target?: number;
  targetMet?: boolean;
  /** The --baseline-build API in the same rounds: commands/s, its CPU per command, its ratio to raw. */
  baseline?: { perSecond: Stat; apiCpuMsPerCommand?: Stat; errors: number; ratio: number };
}

/** The --baseline-build API: its process, its own patients, and what it accepted. */
interface Baseline {
  api: ApiProcess;
  patients: Patient[];
  eventsBefore: number;
  accepted: number;
  commit: string | null;
}

interface SideResult {
  /** Accepted commands (201) per second, or raw inserts per second. */
  perSecond: Stat;
  p50Ms: Stat;
  p99Ms: Stat;
  /** CareTrail only: the API process's CPU time (user + system) per accepted command, ms. */
  apiCpuMsPerCommand?: Stat;
  /** Every non-201 answer, connection error and timeout, over all rounds including the warm-up. */
  errors: number;
  statusCounts?: Record<string, number>;
}

/** What one round of one side produced. */
interface LatencyRound extends Round {
  latenciesMs: number[];
}

export async function run(options: Options): Promise<{ name: string; report: unknown; text: string; ok: boolean }> {
  const perRound = options.int('events', 1200);
  const rounds = options.int('rounds', 3);
  const clientLevels = options
    .string('clients', DEFAULT_CLIENTS.join(','))
    .split(',')
    .map((c) => Number(c));
  check(
    clientLevels.every((c) => Number.isSafeInteger(c) && c > 0),
    '--clients must list positive integers',
  );
  const profileDir = options.values['api-cpu-prof'];
  const apiProjections = options.values['api-projections'] !== undefined;
  const baselineRoot = options.values['baseline-build'];
  const baselineMain = baselineRoot && join(resolve(baselineRoot), 'dist/apps/api/apps/api/src/main.js');
  check(
    baselineMain === undefined || existsSync(baselineMain),
    `--baseline-build: ${baselineMain} does not exist (build it there first: node infra/scripts/build-app.mjs api)`,
  );
  const databaseUrl = process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
  const host = machine();

  if (options.values['no-build'] === undefined) {
    const build = spawnSync(process.execPath, ['infra/scripts/build-app.mjs', 'api'], { cwd: ROOT, stdio: 'inherit' });
    check(build.status === 0, 'building the API (infra/scripts/build-app.mjs api) failed');
  }

  const patientsCount = PATIENTS_PER_CLIENT * Math.max(...clientLevels);
  // Every request uses a fresh slot; slots walk forward from the prescription start, so they
  // are all in the past. A generous margin covers an uneven share between patients.
  const totalRequests = perRound * (rounds + 1) * clientLevels.length;
  const slotsPerPatient = Math.ceil((totalRequests / patientsCount) * 1.5) + 20;
  const days = Math.ceil(slotsPerPatient / DOSE_TIMES.length) + 2;
  const firstDay = new Date(
    Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - days),
  );

  const api = await startApi(databaseUrl, profileDir, apiProjections);
  const admin = new Pool({ connectionString: databaseUrl, max: 2, application_name: 'caretrail-bench-admin' });
  let baseline: Baseline | undefined;
  try {
    if (baselineMain) {
      const other = await startApi(databaseUrl, undefined, apiProjections, baselineMain);
      baseline = { api: other, patients: [], eventsBefore: 0, accepted: 0, commit: gitCommitOf(baselineRoot!) };
      console.log(`write-path: baseline API (pid ${other.pid}) from ${baselineRoot}, schema ${other.schema}`);
      baseline.patients = await setUpPatients(other, patientsCount, firstDay);
      baseline.eventsBefore = await countRows(admin, `"${other.schema}".events`);
    }
    console.log(
      `write-path: API (pid ${api.pid}) on ${api.baseUrl}, schema ${api.schema}; setting up ${patientsCount} patients`,
    );
    const setupStarted = process.hrtime.bigint();
    const patients = await setUpPatients(api, patientsCount, firstDay);
    const setupSeconds = Number(process.hrtime.bigint() - setupStarted) / 1e9;
    const s = `"${api.schema}"`;
    await createRawEventsTable((sql) => admin.query(sql), api.schema);
    const eventsBefore = await countRows(admin, `${s}.events`);
    const carePlanEvents = eventsBefore / patientsCount;

    let accepted = 0;
    let rawInserted = 0;
    let streamLengthSum = 0;
    const cases: CaseResult[] = [];
    for (const clients of clientLevels) {
      const latencies = {
        careTrail: { p50: [] as number[], p99: [] as number[] },
        raw: { p50: [] as number[], p99: [] as number[] },
      };
      const errors = { careTrail: 0, raw: 0, baseline: 0 };
      const apiCpuMs: number[] = [];
      const baselineCpuMs: number[] = [];
      const statusCounts: Record<string, number> = {};
      const rawPool = new Pool({
        connectionString: databaseUrl,
        max: clients,
        application_name: 'caretrail-bench-raw',
      });
      try {
        const keep = (side: 'careTrail' | 'raw', roundNo: number, result: LatencyRound): LatencyRound => {
          if (roundNo > 0) {
            const sorted = [...result.latenciesMs].sort((a, b) => a - b);
            latencies[side].p50.push(percentile(sorted, 0.5));
            latencies[side].p99.push(percentile(sorted, 0.99));
          }
          return result;
        };
        const sides = {
          careTrail: async (roundNo: number) => {
            const cpuBefore = cpuSecondsOf(api.pid);
            const result = await sendDoses(api.baseUrl, patients, clients, perRound, firstDay);
            const cpuAfter = cpuSecondsOf(api.pid);
            if (roundNo > 0 && cpuBefore !== null && cpuAfter !== null && result.count > 0)
              apiCpuMs.push(((cpuAfter - cpuBefore) / result.count) * 1e3);
            accepted += result.count;
            streamLengthSum += result.streamLengthSum;
            errors.careTrail += result.errors;
            for (const [code, n] of Object.entries(result.statusCounts))
              statusCounts[code] = (statusCounts[code] ?? 0) + n;
            return keep('careTrail', roundNo, result);
          },
          raw: async (roundNo: number) => {
            const result = await insertRaw(rawPool, s, clients, perRound);
            rawInserted += result.count;
            return keep('raw', roundNo, result);
          },
        };
        const other = baseline;
        const allSides: Record<string, (round: number) => Promise<Round>> = { ...sides };
        if (other)
          allSides['baseline'] = async (roundNo: number) => {
            const cpuBefore = cpuSecondsOf(other.api.pid);
            const result = await sendDoses(other.api.baseUrl, other.patients, clients, perRound, firstDay);
            const cpuAfter = cpuSecondsOf(other.api.pid);
            if (roundNo > 0 && cpuBefore !== null && cpuAfter !== null && result.count > 0)
              baselineCpuMs.push(((cpuAfter - cpuBefore) / result.count) * 1e3);
            other.accepted += result.count;
            errors.baseline += result.errors;
            return result;
          };
        const measured = await compareRounds(rounds, allSides);
        const stats = { careTrail: measured['careTrail']!, raw: measured['raw']!, baseline: measured['baseline'] };
        const ratio = stats.careTrail.median / stats.raw.median;
        const isTarget = clients === TARGET_CLIENTS;
        const result: CaseResult = {
          clients,
          requestsPerRound: perRound,
          careTrail: {
            perSecond: stats.careTrail,
            p50Ms: stat(latencies.careTrail.p50),
            p99Ms: stat(latencies.careTrail.p99),
            ...(apiCpuMs.length > 0 ? { apiCpuMsPerCommand: stat(apiCpuMs) } : {}),
            errors: errors.careTrail,
            statusCounts,
          },
          raw: {
            perSecond: stats.raw,
            p50Ms: stat(latencies.raw.p50),
            p99Ms: stat(latencies.raw.p99),
            errors: errors.raw,
          },
          ratio,
          ...(isTarget ? { target: TARGET, targetMet: ratio >= TARGET } : {}),
          ...(stats.baseline
            ? {
                baseline: {
                  perSecond: stats.baseline,
                  ...(baselineCpuMs.length > 0 ? { apiCpuMsPerCommand: stat(baselineCpuMs) } : {}),
                  errors: errors.baseline,
                  ratio: stats.baseline.median / stats.raw.median,
                },
              }
            : {}),
        };
        cases.push(result);
        console.log(
          `  ${clients} clients: ${formatStat(stats.careTrail)} commands/s (p50 ${formatMs(result.careTrail.p50Ms)}, p99 ${formatMs(result.careTrail.p99Ms)} ms, ${errors.careTrail} errors)` +
            ` vs raw ${formatStat(stats.raw)} inserts/s (p50 ${formatMs(result.raw.p50Ms)}, p99 ${formatMs(result.raw.p99Ms)} ms)`,
        );
      } finally {
        await rawPool.end();
      }
    }

    // Correctness: every 201 appended exactly one event, nothing else was appended,
    // and the raw table holds every raw row.
    const eventsAfter = await countRows(admin, `${s}.events`);
    check(
      eventsAfter - eventsBefore === accepted,
      `the store gained ${eventsAfter - eventsBefore} events, the API answered 201 ${accepted} times`,
    );
    check(
      (await countRows(admin, `${s}.raw_events`)) === rawInserted,
      `raw_events does not hold the ${rawInserted} rows inserted`,
    );
    if (baseline) {
      const gained = (await countRows(admin, `"${baseline.api.schema}".events`)) - baseline.eventsBefore;
      check(
        gained === baseline.accepted,
        `the baseline's store gained ${gained} events, its API answered 201 ${baseline.accepted} times`,
      );
    }
    const payload = await payloadSizes(admin, s);

    const versions = {
      postgresql: (await admin.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v,
      synchronousCommit: (await admin.query<{ v: string }>(`SELECT current_setting('synchronous_commit') AS v`))
        .rows[0]!.v,
      pg: packageVersion('pg'),
      autocannon: packageVersion('autocannon'),
      '@nestjs/core': packageVersion('@nestjs/core'),
      adapter: detectAdapter(),
    };
    const report = {
      benchmark: 'write-path',
      command: 'POST /patients/:patientId/doses/taken (RecordDoseTaken -> DoseTaken), patient bearer token',
      machine: host,
      versions,
      options: {
        requestsPerRound: perRound,
        rounds,
        clients: clientLevels,
        apiPoolSize: 'store default (DATABASE_POOL_SIZE unset)',
        readModelsInApi: apiProjections,
        ...(baseline ? { baselineBuild: { root: resolve(baselineRoot!), commit: baseline.commit } } : {}),
      },
      setup: {
        patients: patientsCount,
        apiStartupSeconds: api.startupSeconds,
        seconds: setupSeconds,
        carePlanEventsPerPatient: carePlanEvents,
        meanDoseStreamLengthBeforeCommand: accepted ? streamLengthSum / accepted : 0,
      },
      payload,
      accepted,
      rawInserted,
      cases,
      ...(profileDir ? { apiCpuProfileDir: resolve(profileDir) } : {}),
    };
    const text = render(report);
    const ok = cases.every((c) => c.targetMet !== false && c.careTrail.errors === 0);
    return { name: 'write-path', report, text, ok };
  } finally {
    await api.stop();
    await admin.query(`DROP SCHEMA IF EXISTS "${api.schema}" CASCADE`).catch(() => undefined);
    if (baseline) {
      await baseline.api.stop();
      await admin.query(`DROP SCHEMA IF EXISTS "${baseline.api.schema}" CASCADE`).catch(() => undefined);
    }
    await admin.end();
  }
}

// ---------------------------------------------------------------- the API process

interface ApiProcess {
  pid: number;
  baseUrl: string;
  schema: string;
  dataDir: string;
  /** From spawning the process to its first healthy answer. */
  startupSeconds: number;
  stop(): Promise<void>;
}

async function startApi(
  databaseUrl: string,
  profileDir: string | undefined,
  projections: boolean,
  main = MAIN,
): Promise<ApiProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'caretrail-bench-api-'));
  const schema = `bench_${randomUUID().slice(0, 8)}`;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: schema,
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    // As deployed, the read models run in the projector processes, not in the API's thread.
    RUN_PROJECTIONS: projections ? 'true' : 'false',
    // autocannon sends thousands of writes a second from one address and few users: limits would measure the 429s.
    RATE_LIMIT: 'off',
  };
  delete env['KAFKA_BROKERS'];
  // With --cpu-prof the profile is written on a normal exit only, so SIGUSR2 exits the process.
  const args = profileDir
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${(mkdirSync(profileDir, { recursive: true }), resolve(profileDir))}`,
        '-e',
        `process.on('SIGUSR2', () => process.exit(0)); require(${JSON.stringify(main)});`,
      ]
    : [main];
  let output = '';
  const spawned = process.hrtime.bigint();
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      noteChildPeak('API', child.pid);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(profileDir ? 'SIGUSR2' : 'SIGTERM');
      await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}:\n${output}`);
      if (
        await fetch(`${baseUrl}/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline) throw new Error(`the API did not become healthy within 60 s:\n${output}`);
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const startupSeconds = Number(process.hrtime.bigint() - spawned) / 1e9;
  return { pid: child.pid!, baseUrl, schema, dataDir, startupSeconds, stop };
}

// ---------------------------------------------------------------- setup

/**
 * Patients set up the way a clinic does it, through the API: a therapist enrols the
 * patient, assigns a prescriber and starts the plan; the prescriber prescribes a
 * twice-daily medication starting on `firstDay`. Tokens are signed with the API's own
 * local key, so they are verified for real.
 */
async function setUpPatients(api: ApiProcess, count: number, firstDay: Date): Promise<Patient[]> {
  const key = await loadOrCreateLocalSigningKey(api.dataDir);
  const bearer = async (userId: string, role: 'therapist' | 'prescriber' | 'patient'): Promise<string> =>
    `Bearer ${await issueLocalToken(key, { userId, role })}`;
  const post = async (path: string, auth: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${api.baseUrl}${path}`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`setup: POST ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const patients: Patient[] = [];
  let next = 0;
  await concurrently(SETUP_CONCURRENCY, async () => {
    while (next < count) {
      next++;
      const therapistId = `therapist-${randomUUID()}`;
      const prescriberId = `prescriber-${randomUUID()}`;
      const therapist = await bearer(therapistId, 'therapist');
      const prescriber = await bearer(prescriberId, 'prescriber');
      const enrolled = await post('/patients', therapist, { name: { given: 'Ada', family: 'Lovelace' } });
      const patientId = String(enrolled['id']);
      await post(`/patients/${patientId}/care-team`, therapist, {
        userId: prescriberId,
        role: 'prescriber',
        chosenByPatient: true,
      });
      await post(`/patients/${patientId}/care-plan`, therapist, { track: 'integrated' });
      const prescribed = await post(`/patients/${patientId}/medications`, prescriber, {
        drug: { name: 'Sertraline' },
        strength: { value: 50, unit: 'mg' },
        schedule: {
          timesPerDay: DOSE_TIMES.length,
          daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
          times: DOSE_TIMES,
        },
        startsAt: firstDay.toISOString(),
      });
      patients.push({
        patientId,
        medicationId: String(prescribed['id']),
        auth: await bearer(patientId, 'patient'),
        nextSlot: 0,
      });
    }
  });
  return patients;
}

// ---------------------------------------------------------------- CareTrail side

/** Slot `n` of a patient: day n / 2 after `firstDay`, at 08:00 or 20:00 UTC. */
function slotAt(firstDay: Date, n: number): Date {
  const [hh, mm] = DOSE_TIMES[n % DOSE_TIMES.length]!.split(':').map(Number) as [number, number];
  return new Date(firstDay.getTime() + Math.floor(n / DOSE_TIMES.length) * 86_400_000 + (hh * 60 + mm) * 60_000);
}

/**
 * `amount` RecordDoseTaken commands at `clients` concurrent connections (one request in
 * flight per connection). A connection leases a patient for one request, so no two
 * requests in flight share a stream: every request is valid and must be answered 201.
 * Each uses the patient's next unused slot, and reports the dose ten minutes after it.
 */
async function sendDoses(
  baseUrl: string,
  patients: Patient[],
  clients: number,
  amount: number,
  firstDay: Date,
): Promise<LatencyRound & { errors: number; statusCounts: Record<string, number>; streamLengthSum: number }> {
  const free = [...patients];
  let streamLengthSum = 0;
  const latenciesMs: number[] = [];
  const statusCounts: Record<string, number> = {};
  let count = 0;
  // autocannon resolves on its 1-second tick after the last answer, so the round is timed
  // from the start to the last answer here, not around the promise.
  const started = process.hrtime.bigint();
  let lastAnswer = started;
  const instance = autocannon({
    url: baseUrl,
    connections: clients,
    pipelining: 1,
    amount,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest: (request: Record<string, unknown>, context: Record<string, unknown>) => {
          const patient = free.shift();
          if (!patient) throw new Error('no free patient: more connections than patients');
          context['patient'] = patient;
          const n = patient.nextSlot++;
          const slot = slotAt(firstDay, n);
          // Events already in the patient's dose-month stream: the slots before n in the same month.
          const monthStart = Date.UTC(slot.getUTCFullYear(), slot.getUTCMonth(), 1);
          const firstInMonth = Math.max(
            0,
            Math.ceil((monthStart - firstDay.getTime()) / 86_400_000) * DOSE_TIMES.length,
          );
          streamLengthSum += n - firstInMonth;
          return {
            ...request,
            path: `/patients/${patient.patientId}/doses/taken`,
            headers: { 'content-type': 'application/json', authorization: patient.auth },
            body: JSON.stringify({
              medicationId: patient.medicationId,
              scheduledFor: slot.toISOString(),
              occurredAt: new Date(slot.getTime() + 10 * 60_000).toISOString(),
            }),
          };
        },
        onResponse: (_status: number, _body: string, context: Record<string, unknown>) => {
          free.push(context['patient'] as Patient);
        },
      },
    ],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    lastAnswer = process.hrtime.bigint();
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    if (statusCode === 201) {
      count++;
      latenciesMs.push(responseTime);
    }
  });
  const result = await instance;
  // Every answer that is not 201, and every connection error and timeout, is an error.
  const errors =
    Object.entries(statusCounts).reduce((n, [code, k]) => (code === '201' ? n : n + k), 0) +
    result.errors +
    result.timeouts;
  if (errors > 0)
    console.log(
      `  ${errors} errors at ${clients} clients: ${JSON.stringify({ statusCounts, errors: result.errors, timeouts: result.timeouts })}`,
    );
  const seconds = Number(lastAnswer - started) / 1e9;
  return { count, seconds, latenciesMs, errors, statusCounts, streamLengthSum };
}

// ---------------------------------------------------------------- raw side

const RAW_COLUMNS = 'stream_id, stream_version, event_id, event_type, schema_version, data, metadata, occurred_at';

/**
 * `amount` single-row INSERT transactions (autocommit) at `clients` concurrent pg
 * connections, with rows shaped like the API's DoseTaken events. Rows are built before
 * the clock starts; JSON serialisation is on the clock, as on the API side.
 */
async function insertRaw(pool: Pool, s: string, clients: number, amount: number): Promise<LatencyRound> {
  const rows = Array.from({ length: amount }, (_, i) => doseTakenRow(i));
  const latenciesMs: number[] = [];
  let next = 0;
  const { seconds } = await timed(() =>
    concurrently(clients, async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        const started = process.hrtime.bigint();
        await pool.query(`INSERT INTO ${s}.raw_events (${RAW_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
          row.streamId,
          row.version,
          row.eventId,
          'DoseTaken',
          1,
          JSON.stringify(row.data),
          JSON.stringify(row.metadata),
          row.occurredAt,
        ]);
        latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }),
  );
  return { count: rows.length, seconds, latenciesMs };
}

/** A row like the API writes for RecordDoseTaken (same keys, same kinds of values). */
function doseTakenRow(i: number): {
  streamId: string;
  version: number;
  eventId: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  occurredAt: string;
} {
  const patientId = randomUUID();
  const slot = new Date(Date.UTC(2026, 0, 1 + (i % 28), i % 2 ? 20 : 8));
  const occurredAt = new Date(slot.getTime() + 10 * 60_000).toISOString();
  const correlationId = randomUUID();
  return {
    streamId: `doses-${patientId}-${slot.toISOString().slice(0, 7)}`,
    version: 1 + (i % 60),
    eventId: randomUUID(),
    data: {
      patientId,
      medicationId: randomUUID(),
      scheduledFor: slot.toISOString(),
      occurredAt,
      recordedBy: { userId: patientId, role: 'patient' },
    },
    metadata: {
      actor: { userId: patientId, role: 'patient' },
      correlationId,
      causationId: correlationId,
      occurredAt,
      extra: { command: 'RecordDoseTaken', clientAddress: '127.0.0.1' },
    },
    occurredAt,
  };
}

// ---------------------------------------------------------------- helpers

async function countRows(pool: Pool, table: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

/** Mean JSON bytes of data and metadata of the DoseTaken events the API wrote, and of the raw rows. */
async function payloadSizes(pool: Pool, s: string): Promise<Record<string, number>> {
  const sizes = async (from: string): Promise<{ data: number; metadata: number }> => {
    const { rows } = await pool.query<{ data: string; metadata: string }>(
      `SELECT avg(octet_length(data::text)) AS data, avg(octet_length(metadata::text)) AS metadata FROM ${from} WHERE event_type = 'DoseTaken'`,
    );
    return { data: Math.round(Number(rows[0]!.data)), metadata: Math.round(Number(rows[0]!.metadata)) };
  };
  const api = await sizes(`${s}.events`);
  const raw = await sizes(`${s}.raw_events`);
  return {
    apiDataBytes: api.data,
    apiMetadataBytes: api.metadata,
    rawDataBytes: raw.data,
    rawMetadataBytes: raw.metadata,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** The short commit of a checkout, or null when it is not one. */
function gitCommitOf(root: string): string | null {
  const found = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'not installed';
  }
}

/** Which HTTP adapter the built API uses (a throwaway copy may switch to Fastify). */
function detectAdapter(): string {
  try {
    const app = readFileSync(join(ROOT, 'dist/apps/api/apps/api/src/app.js'), 'utf8');
    if (app.includes('FastifyAdapter'))
      return `fastify (@nestjs/platform-fastify ${packageVersion('@nestjs/platform-fastify')})`;
  } catch {
    // not built: reported as express below
  }
  return `express (@nestjs/platform-express ${packageVersion('@nestjs/platform-express')}, express ${packageVersion('express')})`;
}

const formatMs = (s: Stat, digits = 1): string =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})`;

// ---------------------------------------------------------------- report

function render(report: {
  cases: CaseResult[];
  payload: Record<string, number>;
  versions: Record<string, string>;
  machine: Machine;
  setup: { patients: number; carePlanEventsPerPatient: number; meanDoseStreamLengthBeforeCommand: number };
  options: {
    requestsPerRound: number;
    rounds: number;
    readModelsInApi: boolean;
    baselineBuild?: { root: string; commit: string | null };
  };
}): string {
  const rows = report.cases.map((c) => [
    String(c.clients),
    String(c.requestsPerRound),
    formatStat(c.careTrail.perSecond),
    formatMs(c.careTrail.p50Ms),
    formatMs(c.careTrail.p99Ms),
    c.careTrail.apiCpuMsPerCommand ? formatMs(c.careTrail.apiCpuMsPerCommand, 2) : 'n/a',
    String(c.careTrail.errors),
    formatStat(c.raw.perSecond),
    formatMs(c.raw.p50Ms),
    formatMs(c.raw.p99Ms),
    formatRatio(c.ratio),
    c.target === undefined ? '' : `>= ${formatRatio(c.target)}: ${c.targetMet ? 'met' : 'MISSED'}`,
  ]);
  const m = report.machine;
  const p = report.payload;
  return [
    table(
      [
        'clients',
        'requests/round',
        'CareTrail commands/s',
        'p50 ms',
        'p99 ms',
        'API CPU ms/command',
        'errors',
        'raw inserts/s',
        'raw p50 ms',
        'raw p99 ms',
        'CareTrail/raw',
        'target',
      ],
      rows,
    ),
    '',
    `median (min-max) of ${report.options.rounds} rounds after a warm-up; CareTrail = POST /patients/:id/doses/taken through the`,
    'built API in its own process (bearer token verified, body validated, care plan + dose-month streams loaded, decided,',
    'appended), load from autocannon, one request in flight per connection; errors = non-201 answers, connection errors',
    'and timeouts over all rounds; API CPU = user + system time of the API process per accepted command. raw = single-row INSERT transactions into a plain table of the same columns, one pg',
    'connection per client.',
    report.options.readModelsInApi
      ? 'read models: folded inside the API process (--api-projections, the embedded default).'
      : 'read models: not in the API process (RUN_PROJECTIONS=false, as deployed); their cost is the projections benchmark.',
    `setup: ${report.setup.patients} patients, ${report.setup.carePlanEventsPerPatient} care-plan events each; dose-month stream held ` +
      `${report.setup.meanDoseStreamLengthBeforeCommand.toFixed(1)} events on average before a command`,
    `payload: API DoseTaken data ${p['apiDataBytes']} + metadata ${p['apiMetadataBytes']} bytes; raw data ${p['rawDataBytes']} + metadata ${p['rawMetadataBytes']} bytes`,
    `versions: node ${m.node}; ${Object.entries(report.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, load average at start ${m.loadAverageAtStart.join(' ')}`,
    ...report.cases.flatMap((c) =>
      c.baseline
        ? [
            `baseline build ${report.options.baselineBuild?.root} (${report.options.baselineBuild?.commit ?? 'no commit'}), ` +
              `${c.clients} clients, same rounds: ${formatStat(c.baseline.perSecond)} commands/s, API CPU ` +
              `${c.baseline.apiCpuMsPerCommand ? formatMs(c.baseline.apiCpuMsPerCommand, 2) : 'n/a'} ms/command, ` +
              `${formatRatio(c.baseline.ratio)} of raw, ${c.baseline.errors} errors; this build ` +
              `${formatRatio(c.careTrail.perSecond.median / c.baseline.perSecond.median)} of the baseline's rate`,
          ]
        : [],
    ),
  ].join('\n');
}
