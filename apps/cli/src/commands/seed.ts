import { parseArgs } from 'node:util';
import { SqlPatientKeyStore, type EventStore, type SqlDatabase } from '@caretrail/event-store';
import { encryptEventData } from '@caretrail/privacy';
import { CachingPatientKeyStore } from '@caretrail/security';
import { AlreadySeeded, seed, type SeedResult } from '../seed/seed';
import { openStore, stderrProgress, UsageError, type CliIo } from './cli-io';

export const SEED_USAGE = `  npm run cli -- seed [--patients N] [--days D] [--seed S] [--until <instant>]
      Generates plausible histories for N patients (default 100) over the D
      days (default 180) ending --until (default now), through the domain's
      own commands: enrolment, care teams, plans, medications and doses with
      varied adherence, sessions, side effects, PHQ-9/GAD-7, consultations,
      track switches and corrections. The same --seed (default "caretrail")
      gives the same patients, ids and events. Opens the store itself: on the
      embedded default, stop the server first.`;

export interface SeedArgs {
  patients: number;
  days: number;
  seed: string;
  until: number;
  concurrency: number | undefined;
  verify: boolean;
  json: boolean;
}

/** Parses `seed` options; throws UsageError with what to type instead. */
export function parseSeedArgs(argv: string[], now: number = Date.now()): SeedArgs {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        patients: { type: 'string' },
        days: { type: 'string' },
        seed: { type: 'string' },
        until: { type: 'string' },
        concurrency: { type: 'string' },
        verify: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (positionals.length > 0)
    throw new UsageError(`seed takes no arguments besides its options (got ${JSON.stringify(positionals[0])})`);
  const patients = integer('patients', values['patients'], 100, 1, 1_000_000);
  const days = integer('days', values['days'], 180, 1, 3650);
  const concurrency =
    values['concurrency'] === undefined ? undefined : integer('concurrency', values['concurrency'], 8, 1, 64);
  const seedValue = (values['seed'] as string | undefined) ?? 'caretrail';
  if (!/^[\x21-\x7e]{1,64}$/.test(seedValue))
    throw new UsageError('--seed must be 1 to 64 printable characters without spaces');
  return {
    patients,
    days,
    seed: seedValue,
    until: until(values['until'] as string | undefined, now),
    concurrency,
    verify: values['verify'] === true,
    json: values['json'] === true,
  };
}

function integer(name: string, raw: string | boolean | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < min || n > max) {
    throw new UsageError(
      `--${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')} (got ${JSON.stringify(raw)})`,
    );
  }
  return n;
}

/** `--until`: an instant with a zone, or a date (meaning the end of that UTC day); default now, to the minute. */
function until(raw: string | undefined, now: number): number {
  if (raw === undefined) return Math.floor(now / 60_000) * 60_000;
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(`${raw}T00:00:00Z`)))
    return Date.parse(`${raw}T23:59:00Z`);
  if (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw) &&
    !Number.isNaN(Date.parse(raw))
  )
    return Date.parse(raw);
  throw new UsageError(
    `--until must be a date (2026-11-28) or an instant with a zone (2026-11-28T18:00:00Z), got ${JSON.stringify(raw)}`,
  );
}

/** `npm run cli -- seed ...`; returns the exit code. */
export async function seedCommand(argv: string[], io: CliIo): Promise<number> {
  let args: SeedArgs;
  try {
    args = parseSeedArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${SEED_USAGE}`);
    return 2;
  }
  const opened = await openStore(io, 'seed');
  if (!opened) return 1;
  const { store, sql } = opened;
  try {
    const result = await runSeed(store, sql, args, io);
    if (result === null) return 1;
    io.out(args.json ? JSON.stringify(result) : summary(result));
    const refused = Object.entries(result.refused);
    if (refused.length > 0) {
      io.err(
        `The domain refused ${refused.reduce((n, [, c]) => n + c, 0)} generated commands (${refused.map(([code, n]) => `${code} x${n}`).join(', ')}); they wrote nothing.`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

async function runSeed(store: EventStore, sql: SqlDatabase, args: SeedArgs, io: CliIo): Promise<SeedResult | null> {
  const progress = io.progress ?? stderrProgress();
  const embedded = sql.backend === 'pglite';
  // Personal data is sealed per patient as the API seals it, unless the deployment turned that off.
  const keys = new CachingPatientKeyStore(new SqlPatientKeyStore(sql));
  const seal =
    process.env['PERSONAL_DATA_ENCRYPTION'] === 'off'
      ? undefined
      : (type: string, data: Record<string, unknown>) => encryptEventData(type, data, keys);
  try {
    const result = await seed(store, {
      patients: args.patients,
      days: args.days,
      seed: args.seed,
      until: args.until,
      verify: args.verify,
      seal,
      // PGlite has one connection: appends queue anyway.
      concurrency: args.concurrency ?? (embedded ? 1 : 12),
      onProgress: (p) =>
        progress(
          `seed: ${p.patientsDone.toLocaleString('en-US')} of ${p.patients.toLocaleString('en-US')} patients done, ` +
            `now at day ${p.day}/${p.days}; ${p.events.toLocaleString('en-US')} events decided, ${p.appended.toLocaleString('en-US')} appended ` +
            `(${Math.round(p.appended / Math.max(p.seconds, 0.001)).toLocaleString('en-US')}/s)`,
        ),
    });
    progress(`seed: ${result.events.toLocaleString('en-US')} events appended in ${result.seconds.toFixed(1)} s`, true);
    return result;
  } catch (error) {
    if (error instanceof AlreadySeeded) {
      io.err(`seed: ${error.message}`);
      return null;
    }
    throw error;
  }
}

function summary(r: SeedResult): string {
  return (
    `Seeded ${r.patients.toLocaleString('en-US')} patients over ${r.days} days (${r.from} to ${r.until}, --seed ${r.seed}): ` +
    `${r.events.toLocaleString('en-US')} events from ${r.commands.toLocaleString('en-US')} commands in ${r.appends.toLocaleString('en-US')} appends, ` +
    `${r.seconds.toFixed(1)} s (${Math.round(r.eventsPerSecond).toLocaleString('en-US')} events/s). First patient: ${r.firstPatientId ?? '-'}`
  );
}
