import { parseArgs } from 'node:util';
import { runSeedTask, SEED_OPTIONS, seedTaskArgs, type SeedTaskArgs } from '@caretrail/admin-tasks';
import { SqlPatientKeyStore, type SqlDatabase } from '@caretrail/event-store';
import { encryptEventData } from '@caretrail/care-log';
import { seedSignIns, type SeedResult } from '@caretrail/seed';
import { CachingPatientKeyStore } from '@caretrail/security';
import { guarded, stderrProgress, UsageError, type CliIo } from './cli-io';
import { withStoreOrServer } from './local-or-server';

export const SEED_USAGE = `  npm run cli -- seed [--patients N | --events N] [--days D] [--seed S] [--until <instant>]
      Generates plausible histories for N patients (default 100) over the D
      days (default 180) ending --until (default now), through the domain's
      own commands: enrolment, care teams, plans, medications and doses with
      varied adherence, sessions, side effects, PHQ-9/GAD-7, consultations,
      track switches and corrections. The same --seed (default "caretrail")
      gives the same patients, ids and events. On the embedded default, while
      the server runs, the server seeds (POST /admin/seed, as an admin:
      CARETRAIL_API_URL, CARETRAIL_TOKEN or a local admin token) and this
      command shows its progress; otherwise it opens the store itself.
      --events N instead of --patients: as many patients as make about N
      events over the days (about 430 per patient-year). Events are appended
      in multi-stream batches (--concurrency of them at once, default 2).
      --part k/n seeds only the k-th of n equal ranges of patients: n
      processes with --part 1/n ... n/n together write exactly what one
      process writes, on n cores.`;

export interface SeedArgs extends SeedTaskArgs {
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
        ...Object.fromEntries(SEED_OPTIONS.map((name) => [name, { type: 'string' as const }])),
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
  const { json, ...options } = values;
  return { ...seedTaskArgs(options, now), json: json === true };
}

/** `npm run cli -- seed ...`; returns the exit code. */
export async function seedCommand(argv: string[], io: CliIo): Promise<number> {
  return guarded(io, SEED_USAGE, async () => {
    const { json, ...args } = parseSeedArgs(argv);
    const progress = io.progress ?? stderrProgress();
    const { result } = await withStoreOrServer(
      (store, sql) => runSeedTask(store, args, { progress, seal: sealFor(sql) }),
      // What this command checked is what the server runs: --until resolved here, to the minute.
      (server) =>
        server.task<SeedResult>('/admin/seed', { ...args, until: new Date(args.until).toISOString() }, progress),
    );
    io.out(json ? JSON.stringify(result) : `${summary(result)}\n${signInHelp(result)}`);
    const refused = Object.entries(result.refused);
    if (refused.length > 0) {
      io.err(
        `The domain refused ${refused.reduce((n, [, c]) => n + c, 0)} generated commands (${refused.map(([code, n]) => `${code} x${n}`).join(', ')}); they wrote nothing.`,
      );
    }
    return 0;
  });
}

/** Personal data is sealed per patient as the API seals it, unless the deployment turned that off. */
function sealFor(
  sql: SqlDatabase,
): ((type: string, data: Record<string, unknown>) => Promise<Record<string, unknown>>) | undefined {
  if (process.env['PERSONAL_DATA_ENCRYPTION'] === 'off') return undefined;
  const keys = new CachingPatientKeyStore(new SqlPatientKeyStore(sql));
  return (type, data) => encryptEventData(type, data, keys);
}

function summary(r: SeedResult): string {
  return (
    `Seeded ${r.patients.toLocaleString('en-US')} patients over ${r.days} days (${r.from} to ${r.until}, --seed ${r.seed}): ` +
    `${r.events.toLocaleString('en-US')} events from ${r.commands.toLocaleString('en-US')} commands in ${r.appends.toLocaleString('en-US')} appends, ` +
    `${r.seconds.toFixed(1)} s (${Math.round(r.eventsPerSecond).toLocaleString('en-US')} events/s). First patient: ${r.firstPatientId ?? '-'}`
  );
}

const TOKEN = (userId: string, role: string) => `npm run -s cli -- token --user ${userId} --role ${role}`;

/** Who to sign in as to see what was seeded (README, "Try it"): clinicians see their caseload at GET /patients. */
export function signInHelp(r: Pick<SeedResult, 'seed' | 'patients'>): string {
  const signIns = seedSignIns(r.seed, r.patients);
  const lines = ['Sign in as (paste the printed token into /docs, Authorize):'];
  for (const role of ['therapist', 'prescriber', 'care-manager'] as const) {
    const ids = signIns[role];
    const range = ids.length > 1 ? `${ids[0]} to ${ids.at(-1)}` : (ids[0] ?? '');
    lines.push(`  ${`${role}s`.padEnd(14)} ${range.padEnd(32)} ${TOKEN(ids[0] ?? '', role)}`);
  }
  for (const patientId of signIns.patient)
    lines.push(`  ${'patient'.padEnd(14)} ${patientId.padEnd(32)} ${TOKEN(patientId, 'patient')}`);
  lines.push(
    'A clinician sees the patients on their care teams by name at GET /patients; a patient sees their own record.',
  );
  return lines.join('\n');
}
