import { readFileSync } from 'node:fs';
import { fromEpochDay, streams, type DomainCommand, type DomainError } from '@caretrail/domain';
import type { EventStore } from '@caretrail/event-store';
import { DAY } from './clock';
import { DomainWriter } from './domain-writer';
import { cliniciansFor } from './patient/clinicians';
import { PatientSimulation } from './patient/patient-simulation';
import { IdSource } from './random';

/**
 * The generator's version: part of every cache key for generated logs
 * (benchmarks keep a generated schema per size and version). Bump it when the
 * same options would generate other events.
 */
export const SEED_VERSION = 1;

/** About how many events one patient-year of simulated care produces (measured: 432 for --seed bench, 250 patients). */
export const EVENTS_PER_PATIENT_YEAR = 430;

/** Patients to simulate over `days` days for about `events` events (`seed --events`). */
export function patientsForEvents(events: number, days: number): number {
  return Math.max(1, Math.ceil((events * 365) / (EVENTS_PER_PATIENT_YEAR * days)));
}

export interface SeedOptions {
  patients: number;
  days: number;
  /** Any string: the same seed gives the same histories (ids, events, streams). */
  seed: string;
  /** The end of the history (epoch ms): nothing is recorded after it. Default: now. */
  until: number;
  /** Appends run when this many events are buffered (default 20,000). */
  flushEvents?: number;
  /** Batch appends in flight at once (default 2; 1 is right for PGlite, which has one connection). */
  concurrency?: number;
  /** Events per multi-stream append (default 5,000). */
  batchEvents?: number;
  /**
   * Only this part of the patients: part `index` (0-based) of `of` equal
   * ranges of patient numbers. Separate processes seeding every part of one
   * seed write exactly the patients one process would (ids come from the seed
   * and the patient's number), so generation runs on several cores.
   */
  part?: { index: number; of: number };
  /** Patients simulated side by side; their days interleave in the log (default 1,000; memory grows with it). */
  cohortSize?: number;
  /** Also decide every command over its full history and compare (slow; for tests). */
  verify?: boolean;
  onProgress?: (progress: SeedProgress) => void;
  onRefused?: (command: DomainCommand, error: DomainError) => void;
  /** Seals personal data before it is stored (see DomainWriterOptions.seal). */
  seal?: (type: string, data: Record<string, unknown>) => Promise<Record<string, unknown>>;
}

export interface SeedProgress {
  patientsDone: number;
  patients: number;
  /** Days simulated in the current cohort, of `days`. */
  day: number;
  days: number;
  events: number;
  appended: number;
  seconds: number;
}

export interface SeedResult {
  seed: string;
  patients: number;
  days: number;
  from: string;
  until: string;
  commands: number;
  events: number;
  appends: number;
  /** Commands the domain refused, by error code (a healthy run has none). */
  refused: Record<string, number>;
  /** Commands that would have happened after `until`. */
  notYetDue: number;
  seconds: number;
  eventsPerSecond: number;
  firstPatientId: string | null;
  /** Which part of the patients this run seeded (`SeedOptions.part`). */
  part: { index: number; of: number };
  /** The peak resident set of the process that ran the seed (its whole life so far), MiB. */
  peakRssMiB: number;
}

/** The store already holds this seed's patients; seeding again would conflict on every stream. */
export class AlreadySeeded extends Error {
  constructor(
    readonly seed: string,
    readonly stream: string,
  ) {
    super(
      `The store already holds the patients of --seed ${JSON.stringify(seed)} (stream ${stream} exists). ` +
        'Use another --seed to add patients, or seed an empty store.',
    );
    this.name = 'AlreadySeeded';
  }
}

/**
 * Generates plausible histories for `patients` patients over `days` days
 * ending at `until`, through the domain's own commands (see PatientSimulation
 * and DomainWriter), and appends them to the store.
 */
export async function seed(store: EventStore, options: SeedOptions): Promise<SeedResult> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const lastDay = Math.floor(options.until / DAY);
  const firstDay = lastDay - options.days;
  const flushEvents = options.flushEvents ?? 20_000;
  const concurrency = options.concurrency ?? 2;
  const cohortSize = options.cohortSize ?? 1000;
  const part = options.part ?? { index: 0, of: 1 };
  if (!(
    Number.isInteger(part.of) &&
    part.of >= 1 &&
    Number.isInteger(part.index) &&
    part.index >= 0 &&
    part.index < part.of
  ))
    throw new RangeError(`seed: part ${part.index} of ${part.of} does not exist`);
  const first = Math.floor((part.index * options.patients) / part.of);
  const end = Math.floor(((part.index + 1) * options.patients) / part.of);
  const firstPatientId = end > first ? new IdSource(options.seed, first).patientId : null;
  if (firstPatientId !== null) {
    const stream = streams.carePlan(firstPatientId);
    if ((await store.streamVersion(stream)) > 0) throw new AlreadySeeded(options.seed, stream);
  }

  const writer = new DomainWriter({
    until: options.until,
    verify: options.verify,
    onRefused: options.onRefused,
    seal: options.seal,
    ...(options.batchEvents === undefined ? {} : { batchEvents: options.batchEvents }),
  });
  const clinicians = cliniciansFor(options.patients);
  let lastReport = 0;
  let patientsDone = 0;
  const report = (day: number, force = false) => {
    const now = seconds();
    if (!options.onProgress || (!force && now - lastReport < 1)) return;
    lastReport = now;
    options.onProgress({
      patientsDone,
      patients: end - first,
      day: day - firstDay,
      days: options.days,
      events: writer.stats.events,
      appended: writer.stats.appended,
      seconds: now,
    });
  };

  for (let start = first; start < end; start += cohortSize) {
    const cohort: PatientSimulation[] = [];
    for (let i = start; i < Math.min(end, start + cohortSize); i++) {
      const patient = new PatientSimulation(writer, options.seed, i, clinicians, firstDay, lastDay);
      writer.addPatient(patient.ids);
      cohort.push(patient);
    }
    for (let day = firstDay; day <= lastDay; day++) {
      for (const patient of cohort) await patient.runDay(day);
      if (writer.bufferedEvents >= flushEvents) await writer.flush(store, concurrency);
      // Let the appends in flight make progress while the next days are generated.
      await new Promise((resolve) => setImmediate(resolve));
      report(day);
    }
    await writer.flush(store, concurrency);
    for (const patient of cohort) writer.forgetPatient(patient.patientId);
    patientsDone += cohort.length;
  }
  await writer.drain(store, concurrency);
  report(lastDay, true);
  const total = seconds();
  return {
    seed: options.seed,
    patients: options.patients,
    days: options.days,
    from: fromEpochDay(firstDay),
    until: new Date(options.until).toISOString(),
    commands: writer.stats.commands,
    events: writer.stats.appended,
    appends: writer.stats.appends,
    refused: writer.stats.refused,
    notYetDue: writer.stats.notYetDue,
    seconds: total,
    eventsPerSecond: writer.stats.appended / total,
    firstPatientId,
    part,
    peakRssMiB: peakRssMiB(),
  };
}

/**
 * This process's peak resident set, MiB: /proc's VmHWM on Linux, where getrusage's maxRSS also
 * counts the parent's resident set at fork (a seed started by a large process would report that);
 * maxRSS (KiB) elsewhere.
 */
function peakRssMiB(): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // Not Linux: no /proc.
  }
  return process.resourceUsage().maxRSS / 1024;
}
