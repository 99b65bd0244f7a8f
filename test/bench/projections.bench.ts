/**
 * Projections benchmark (docs/performance.md, "Projections"): each read
 * model rebuilt from empty over a generated log, beside the raw keyset read
 * of the same events in the same run, with the peak RSS of every process;
 * and freshness (a write accepted -> visible in every read model) at a
 * steady command rate. PostgreSQL only.
 *
 *   npm run bench -- --only projections [--events N | --sizes N1,N2] [--rounds R] [--models a,b]
 *                    [--duration S] [--rate C] [--freshness off] [--fresh] [--gen-processes P]
 *                    [--drop-generated] [--keep] [--warm-up off]
 *
 * --events N         size of the generated log (default 50,000); generated once by
 *                    `npm run cli -- seed --events N` and kept (support/generated-log.ts)
 * --sizes N1,N2      several sizes in one run (instead of --events), one table each
 * --rounds R         measured rounds after one warm-up round (default 3)
 * --warm-up off      no warm-up round: every round is measured (at millions of events a
 *                    warm-up doubles the run; the rebuilds run in fresh processes either way)
 * --models a,b       only these read models (default all four)
 * --duration S       seconds of steady load for freshness (default 15)
 * --rate C           commands per second for freshness (default 200)
 * --freshness off    skip the freshness part
 * --fresh            generate the logs again even if kept
 * --gen-processes P  processes generating a log together (default 2)
 * --drop-generated   drop every kept generated log first
 * --projector-heap default
 *                    rebuild and projector children on Node's default heap, not the projector's
 *                    deployed NODE_OPTIONS (docker-compose.yml)
 * --scale            the health-system scale run: sizes 100000,1000000,5000000, one round
 *                    each without a warm-up (each may still be given)
 * --keep             keep the freshness schema (its name is printed)
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { parse } from 'yaml';
import { eventStoreStateLoader, executeCommand, storePlain } from '@caretrail/care-log';
import type { Actor, DomainCommand } from '@caretrail/domain';
import {
  openEventStoreOn,
  PostgresDatabase,
  shardCheckpointName,
  shardOf,
  type AppendResult,
  type EventStore,
} from '@caretrail/event-store';
import { readModels } from '@caretrail/read-models';
import { dropGeneratedLogs, generatedLog, type GeneratedLog } from './support/generated-log';
import type { RawResult, RebuildResult } from './support/projection-child';
import {
  check,
  formatRate,
  formatRatio,
  formatStat,
  machine,
  stat,
  table,
  type Machine,
  type Options,
  type Stat,
  recordChildPeak,
} from './support/bench';

const ROOT = resolve(__dirname, '../..');
const RUN_TS = join(ROOT, 'test/bench/support/run-ts.cjs');
const CHILD = join(ROOT, 'test/bench/support/projection-child.ts');
const TARGETS = { ratio: 0.3, eventsPerSecond: 20_000, peakRssMiB: 300, freshnessP99Ms: 100 };

export interface RebuildReport {
  readModel: string;
  rebuild: Stat;
  raw: Stat;
  ratio: number;
  /** Rebuild start to switch-over (the new tables serve), events/s. */
  throughSwitch: Stat;
  peakRssMiB: Stat;
  rows: number;
  targetMet: boolean;
}

export interface FreshnessReport {
  readModel: string;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
}

/** One log size: its generation and every rebuild over it beside the raw read. */
export interface SizeReport {
  events: number;
  schema: string;
  patients: number;
  days: number;
  generation: GeneratedLog['generation'] & { reused: boolean };
  rebuilds: RebuildReport[];
  /** Peak RSS of the raw-read child, MiB. */
  rawPeakRssMiB: Stat;
}

export interface ProjectionsReport {
  benchmark: 'projections';
  backend: 'postgres';
  rounds: number;
  /** False with `--warm-up off`: every round measured. */
  warmUp: boolean;
  /** The NODE_OPTIONS of the rebuild and projector children (the deployed projector's, or none). */
  projectorNodeOptions: string | null;
  sizes: SizeReport[];
  freshness: {
    rate: number;
    durationSeconds: number;
    commands: number;
    achievedRate: number;
    models: FreshnessReport[];
    all: FreshnessReport;
    /** Peak RSS of the projector child (all four read models), MiB. */
    projectorPeakRssMiB: number;
    targetMet: boolean;
  } | null;
  versions: Record<string, string>;
  machine: Machine;
}

/**
 * The projector's NODE_OPTIONS as deployed (its bounded heap, docker-compose.yml and
 * infra/k8s/projector.yaml; docs/deployment.md, "Memory"): rebuild and projector children run
 * with them, so the memory and rates measured are those of the deployed process.
 */
function deployedProjectorEnv(): NodeJS.ProcessEnv {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string> }>;
  };
  const nodeOptions = compose.services['projector']?.environment?.['NODE_OPTIONS'];
  check(nodeOptions !== undefined, 'docker-compose.yml gives the projector no NODE_OPTIONS');
  return { ...process.env, NODE_OPTIONS: nodeOptions };
}

function child<T>(args: string[], env: NodeJS.ProcessEnv = process.env): T {
  const result = spawnSync(process.execPath, [RUN_TS, CHILD, ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  if (result.status !== 0) throw new Error(`child ${args[0]} failed with status ${result.status}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

// --- freshness ----------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** A command the way the API runs it: the one write path of @caretrail/care-log, personal data in the clear. */
async function execute(store: EventStore, command: DomainCommand, actor: Actor): Promise<AppendResult> {
  const context = { now: new Date().toISOString(), actor };
  const loader = eventStoreStateLoader(store, async (events) => [...events]);
  const { appended } = await executeCommand(
    { log: store, loader, seal: storePlain },
    { command, context, correlationId: randomUUID() },
  );
  return appended;
}

interface Pending {
  acceptedAt: number;
  patientId: string;
  xid: bigint;
  position: number;
  seen: Map<string, number>;
}

async function freshness(
  url: string,
  schema: string,
  rate: number,
  durationSeconds: number,
  projectorEnv: NodeJS.ProcessEnv,
): Promise<{
  commands: number;
  seconds: number;
  latencies: Map<string, number[]>;
  all: number[];
  projectorPeakRssMiB: number;
}> {
  const store = await openEventStoreOn(
    new PostgresDatabase({ connectionString: url, schema, applicationName: 'caretrail-bench writer' }),
  );
  const therapist: Actor = { userId: 'bench-therapist', role: 'therapist' };
  const prescriber: Actor = { userId: 'bench-prescriber', role: 'prescriber' };
  const patients = Array.from({ length: 100 }, (_, i) => `bench-fresh-${randomBytes(4).toString('hex')}-${i}`);
  const startsAt = new Date(Date.now() - 2 * 86_400_000).toISOString();
  for (const patientId of patients) {
    await execute(
      store,
      { type: 'EnrolPatient', data: { patientId, name: { given: 'Bench', family: 'Patient' } } },
      therapist,
    );
    await execute(
      store,
      {
        type: 'AssignCareTeamMember',
        data: { patientId, userId: prescriber.userId, role: 'prescriber', chosenByPatient: true },
      },
      therapist,
    );
    await execute(
      store,
      { type: 'StartCarePlan', data: { patientId, carePlanId: `plan-${patientId}`, track: 'integrated' } },
      therapist,
    );
    await execute(
      store,
      {
        type: 'PrescribeMedication',
        data: {
          patientId,
          medicationId: `med-${patientId}`,
          drug: { name: 'Sertraline' },
          strength: { value: 50, unit: 'mg' },
          schedule: { timesPerDay: 1, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] },
          startsAt,
        },
      },
      prescriber,
    );
  }

  // The projector: every read model, in a process of its own, as apps/projector runs them.
  const projector = spawn(process.execPath, [RUN_TS, CHILD, 'projector', url, schema], {
    cwd: ROOT,
    env: projectorEnv,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let projectorOut = '';
  projector.stdout.on('data', (chunk: Buffer) => (projectorOut += chunk.toString()));
  while (!projectorOut.includes('ready\n')) {
    if (projector.exitCode !== null) throw new Error('the projector stopped before it was ready');
    await sleep(100);
  }

  const poller = new Client({ connectionString: url });
  await poller.connect();
  const { rows: active } = await poller.query<{ name: string; active_generation: number; shards: number | null }>(
    `SELECT name, active_generation, shards FROM "${schema}".projections`,
  );
  // Each read model's work is split into patient shards with a checkpoint each (docs/architecture.md,
  // "Shards and leases"): a write is visible in a model once its patient's shard is past it.
  const models = active.map((r) => ({
    name: r.name,
    shards: r.shards ?? 1,
    checkpoint: (shard: number) => shardCheckpointName(`projection:${r.name}:${r.active_generation}`, shard),
  }));
  const checkpointNames = models.flatMap((m) => Array.from({ length: m.shards }, (_, shard) => m.checkpoint(shard)));
  const latencies = new Map<string, number[]>(readModels.map((m) => [m.name, []]));
  const all: number[] = [];
  const pending = new Set<Pending>();
  let writing = true;
  let lastAccepted = nowMs();
  const warmUpUntil = nowMs() + 2000;
  const poll = (async () => {
    while (writing || pending.size > 0) {
      const { rows } = await poller.query<{ name: string; transaction_id: string; position: string }>(
        `SELECT name, transaction_id::text AS transaction_id, position FROM "${schema}".checkpoints WHERE name = ANY($1)`,
        [checkpointNames],
      );
      const at = nowMs();
      const reached = new Map(
        rows.map((row) => [row.name, { xid: BigInt(row.transaction_id), position: Number(row.position) }]),
      );
      for (const write of pending) {
        for (const model of models) {
          if (write.seen.has(model.name)) continue;
          const checkpoint = reached.get(model.checkpoint(shardOf(write.patientId, model.shards)));
          if (!checkpoint) continue;
          if (write.xid < checkpoint.xid || (write.xid === checkpoint.xid && write.position <= checkpoint.position))
            write.seen.set(model.name, at - write.acceptedAt);
        }
      }
      for (const write of pending) {
        if (write.seen.size < models.length) continue;
        pending.delete(write);
        if (write.acceptedAt < warmUpUntil) continue;
        for (const [model, ms] of write.seen) latencies.get(model)!.push(ms);
        all.push(Math.max(...write.seen.values()));
      }
      if (!writing && pending.size > 0 && at - lastAccepted > 30_000)
        throw new Error(`${pending.size} writes never became visible`);
      await sleep(2);
    }
  })();

  const slots = new Map<string, number>();
  const total = Math.round(rate * durationSeconds);
  const start = nowMs();
  const inFlight: Promise<void>[] = [];
  for (let k = 0; k < total; k++) {
    const due = start + (k * 1000) / rate;
    const wait = due - nowMs();
    if (wait > 0) await sleep(wait);
    const patientId = patients[k % patients.length]!;
    const patient: Actor = { userId: patientId, role: 'patient' };
    const n = (slots.get(patientId) ?? 0) + 1;
    slots.set(patientId, n);
    const command: DomainCommand =
      k % 5 === 4
        ? {
            type: 'RecordOutcome',
            data: { patientId, instrument: 'PHQ-9', items: [1, 1, 1, 1, 1, 1, 1, 1, n % 3], total: 8 + (n % 3) },
          }
        : {
            type: 'RecordDoseTaken',
            data: {
              patientId,
              medicationId: `med-${patientId}`,
              scheduledFor: new Date(Date.parse(startsAt) + n * 60_000).toISOString(),
              occurredAt: new Date().toISOString(),
            },
          };
    inFlight.push(
      execute(store, command, patient).then((result) => {
        lastAccepted = nowMs();
        pending.add({
          acceptedAt: lastAccepted,
          patientId,
          xid: BigInt(result.transactionId),
          position: result.positions[result.positions.length - 1]!,
          seen: new Map(),
        });
      }),
    );
  }
  await Promise.all(inFlight);
  const seconds = (nowMs() - start) / 1000;
  writing = false;
  try {
    await poll;
  } catch (error) {
    // The projector would otherwise outlive the run and load the machine under the next benchmark.
    projector.kill('SIGKILL');
    await poller.end();
    throw error;
  }
  await poller.end();
  projector.stdin.end();
  const projectorResult = await new Promise<string>((resolveExit, reject) => {
    projector.on('exit', (code) =>
      code === 0 ? resolveExit(projectorOut) : reject(new Error(`projector exited with ${code}`)),
    );
  });
  await store.close();
  const { peakRssMiB } = JSON.parse(projectorResult.trim().split('\n').pop()!) as { peakRssMiB: number };
  return { commands: total, seconds, latencies, all, projectorPeakRssMiB: peakRssMiB };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function freshnessOf(readModel: string, samples: number[]): FreshnessReport {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    readModel,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    samples: sorted.length,
  };
}

// --- the run --------------------------------------------------------------------

/** The sizes of `--scale` (docs/performance.md, "Health-system scale"): the goals hold at 1M and 5M. */
const SCALE_SIZES = [100_000, 1_000_000, 5_000_000];

/** `--sizes 100000,1000000`: several log sizes in one run; else `--scale`'s, else the one `--events`. */
function sizesOf(options: Options): number[] {
  const raw = options.values['sizes'];
  if (raw === undefined) return options.values['scale'] ? SCALE_SIZES : [options.int('events', 50_000)];
  const sizes = raw.split(',').map((part) => Number(part.trim()));
  if (sizes.length === 0 || !sizes.every((n) => Number.isSafeInteger(n) && n >= 1000))
    throw new Error(`--sizes takes event counts of at least 1000 separated by commas, got ${raw}`);
  return sizes;
}

/** `--models current-plan,registry`: only these read models; default all. */
function modelsOf(options: Options): string[] {
  const all = readModels.map((m) => m.name);
  const raw = options.values['models'];
  if (raw === undefined) return all;
  const chosen = raw.split(',').map((m) => m.trim());
  const unknown = chosen.filter((m) => !all.includes(m));
  if (unknown.length > 0 || chosen.length === 0)
    throw new Error(`--models takes read models among ${all.join(', ')}; got ${raw}`);
  return chosen;
}

async function measureSize(
  url: string,
  log: GeneratedLog,
  models: string[],
  rounds: number,
  warmUp: boolean,
  projectorEnv: NodeJS.ProcessEnv,
): Promise<SizeReport> {
  const { schema } = log;
  const rebuildRates = new Map<string, number[]>(models.map((m) => [m, []]));
  const switchRates = new Map<string, number[]>(models.map((m) => [m, []]));
  const rss = new Map<string, number[]>(models.map((m) => [m, []]));
  const rows_ = new Map<string, number>();
  const raw: number[] = [];
  const rawRss: number[] = [];
  const size = log.events.toLocaleString('en-US');
  // Round 0 is the warm-up; without one, the rounds measured are 1..rounds.
  for (let round = warmUp ? 0 : 1; round <= rounds; round++) {
    const order = round % 2 === 0 ? ['raw', ...models] : [...models, 'raw'];
    for (const side of order) {
      if (side === 'raw') {
        const r = child<RawResult>(['raw', url, schema]);
        check(r.events === log.events, `the raw read saw ${r.events} events, the log holds ${log.events}`);
        recordChildPeak(`raw read, ${size} events, round ${round}`, r.peakRssMiB);
        if (round > 0) {
          raw.push(r.events / r.seconds);
          rawRss.push(r.peakRssMiB);
        }
        console.error(
          `projections ${size}: round ${round} raw ${formatRate(r.events / r.seconds)} events/s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
        );
        continue;
      }
      const r = child<RebuildResult>(['rebuild', url, schema, side], projectorEnv);
      check(r.events === log.events, `${side} rebuild saw ${r.events} events, the log holds ${log.events}`);
      check(r.rows > 0, `${side} has no rows after its rebuild`);
      rows_.set(side, r.rows);
      recordChildPeak(`rebuild ${side}, ${size} events, round ${round}`, r.peakRssMiB);
      console.error(
        `projections ${size}: round ${round} ${side} generation ${r.generation}: ${formatRate(r.events / r.seconds)} events/s, switched after ${r.switchSeconds.toFixed(1)} s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
      );
      if (round === 0) continue; // warm-up
      rebuildRates.get(side)!.push(r.events / r.seconds);
      switchRates.get(side)!.push(r.events / r.switchSeconds);
      rss.get(side)!.push(r.peakRssMiB);
    }
  }
  const rawStat = stat(raw);
  const rebuilds = models.map((m): RebuildReport => {
    const rebuild = stat(rebuildRates.get(m)!);
    const peak = stat(rss.get(m)!);
    const ratio = rebuild.median / rawStat.median;
    return {
      readModel: m,
      rebuild,
      raw: rawStat,
      ratio,
      throughSwitch: stat(switchRates.get(m)!),
      peakRssMiB: peak,
      rows: rows_.get(m)!,
      targetMet: ratio >= TARGETS.ratio && rebuild.median >= TARGETS.eventsPerSecond && peak.max <= TARGETS.peakRssMiB,
    };
  });
  return {
    events: log.events,
    schema,
    patients: log.patients,
    days: log.days,
    generation: { ...log.generation, reused: log.reused },
    rebuilds,
    rawPeakRssMiB: stat(rawRss),
  };
}

function sizeText(r: SizeReport, rounds: number, warmUp: boolean): string {
  const g = r.generation;
  const generated = `${g.reused ? 'kept from an earlier run; generated' : 'generated'} at ${formatRate(g.eventsPerSecond)} events/s in ${g.seconds.toFixed(0)} s by ${g.processes} processes (peak RSS ${g.peakRssMiB.map((m) => m.toFixed(0)).join(', ')} MiB)${Object.keys(g.refused ?? {}).length > 0 ? `; refused commands ${JSON.stringify(g.refused)}` : ''}`;
  return [
    `${r.events.toLocaleString('en-US')} events (${r.patients.toLocaleString('en-US')} patients x ${r.days} days, schema ${r.schema}, ${generated}), median (min-max) of ${rounds} rounds ${warmUp ? 'after a warm-up' : 'without a warm-up'}`,
    '',
    table(
      [
        'read model',
        'rebuild events/s',
        'raw keyset events/s',
        'rebuild/raw',
        'to switch-over events/s',
        'peak RSS MiB',
        'rows',
        'target',
      ],
      [
        ...r.rebuilds.map((b) => [
          b.readModel,
          formatStat(b.rebuild),
          formatStat(b.raw),
          formatRatio(b.ratio),
          formatStat(b.throughSwitch),
          formatStat(b.peakRssMiB),
          b.rows.toLocaleString('en-US'),
          b.targetMet ? 'met' : 'MISSED',
        ]),
        ['(raw read)', '', formatStat(r.rebuilds[0]!.raw), '', '', formatStat(r.rawPeakRssMiB), '', ''],
      ],
    ),
  ].join('\n');
}

export async function run(options: Options): Promise<{ report: ProjectionsReport; text: string; ok: boolean }> {
  const sizes = sizesOf(options);
  const models = modelsOf(options);
  const scale = options.values['scale'] !== undefined;
  const rounds = options.int('rounds', scale ? 1 : 3);
  const duration = options.int('duration', 15);
  const rate = options.int('rate', 200);
  const withFreshness = options.string('freshness', 'on') !== 'off';
  const warmUp = options.string('warm-up', scale ? 'off' : 'on') !== 'off';
  const projectorEnv =
    options.string('projector-heap', 'deployed') === 'default' ? process.env : deployedProjectorEnv();
  const url = process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const scratch = `bench_projections_${randomBytes(4).toString('hex')}`;
  try {
    if (options.values['drop-generated']) {
      const dropped = await dropGeneratedLogs(admin);
      console.error(`projections: dropped ${dropped.length} kept generated logs ${dropped.join(', ')}`);
    }
    const { rows } = await admin.query<{ server_version: string }>('SHOW server_version');
    const reports: SizeReport[] = [];
    for (const events of sizes) {
      const log = await generatedLog(admin, url, events, {
        fresh: options.values['fresh'] === 'true',
        processes: options.int('gen-processes', 2),
      });
      if (!log.reused)
        log.generation.peakRssMiB.forEach((mib, k) =>
          recordChildPeak(`generator part ${k + 1}, ${events} events`, mib),
        );
      reports.push(await measureSize(url, log, models, rounds, warmUp, projectorEnv));
    }

    let freshnessReport: ProjectionsReport['freshness'] = null;
    let freshTable = '';
    if (withFreshness) {
      console.error(`projections: freshness at ${rate} commands/s for ${duration} s in ${scratch}`);
      const fresh = await freshness(url, scratch, rate, duration, projectorEnv);
      recordChildPeak('projector (freshness, all read models)', fresh.projectorPeakRssMiB);
      const perModel = readModels.map((m) => freshnessOf(m.name, fresh.latencies.get(m.name)!));
      const all = freshnessOf('all four', fresh.all);
      check(all.samples > 0, 'no write became visible');
      freshnessReport = {
        rate,
        durationSeconds: duration,
        commands: fresh.commands,
        achievedRate: fresh.commands / fresh.seconds,
        models: perModel,
        all,
        projectorPeakRssMiB: fresh.projectorPeakRssMiB,
        targetMet: all.p99Ms <= TARGETS.freshnessP99Ms,
      };
      freshTable = [
        `Freshness: write accepted -> visible (checkpoint past it) at ${rate} commands/s for ${duration} s (${formatRate(freshnessReport.achievedRate)}/s achieved; 80 % doses, 20 % PHQ-9) on a log of its own, projector peak RSS ${fresh.projectorPeakRssMiB.toFixed(0)} MiB`,
        '',
        table(
          ['read model', 'p50 ms', 'p99 ms', 'max ms', 'writes'],
          [...perModel, all].map((f) => [
            f.readModel,
            f.p50Ms.toFixed(1),
            f.p99Ms.toFixed(1),
            f.maxMs.toFixed(1),
            String(f.samples),
          ]),
        ),
        '',
        `Target: p99 <= ${TARGETS.freshnessP99Ms} ms: ${freshnessReport.targetMet ? 'met' : 'MISSED'}.`,
      ].join('\n');
    }

    const report: ProjectionsReport = {
      benchmark: 'projections',
      backend: 'postgres',
      rounds,
      warmUp,
      projectorNodeOptions: projectorEnv['NODE_OPTIONS'] ?? null,
      sizes: reports,
      freshness: freshnessReport,
      versions: { postgres: rows[0]!.server_version, node: process.version },
      machine: machine(),
    };
    const text = [
      `Projections on PostgreSQL ${rows[0]!.server_version}: rebuilds over generated logs (docs/performance.md)`,
      '',
      ...reports.flatMap((r) => [sizeText(r, rounds, warmUp), '']),
      `Targets: rebuild >= ${formatRatio(TARGETS.ratio)} of raw and >= ${TARGETS.eventsPerSecond.toLocaleString('en-US')} events/s; peak RSS <= ${TARGETS.peakRssMiB} MiB.`,
      `Rebuild and projector children: ${report.projectorNodeOptions ? `NODE_OPTIONS=${report.projectorNodeOptions}, the deployed projector's` : "Node's default heap (--projector-heap default)"}; the raw read: Node's default heap.`,
      '',
      freshTable,
      '',
      'Generated logs are kept for the next run: npm run bench -- --only projections --drop-generated drops them.',
      options.values['keep'] && withFreshness ? `Freshness schema kept: ${scratch}` : '',
    ].join('\n');
    const ok = reports.every((r) => r.rebuilds.every((b) => b.targetMet)) && (freshnessReport?.targetMet ?? true);
    return { report, text, ok };
  } finally {
    if (!options.values['keep']) await admin.query(`DROP SCHEMA IF EXISTS "${scratch}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
}
