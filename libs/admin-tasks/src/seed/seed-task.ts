import type { EventStore } from '@caretrail/event-store';
import { AlreadySeeded, patientsForEvents, seed, type SeedResult } from '@caretrail/seed';
import type { Progress } from '../progress';
import {
  flagOption,
  isInstant,
  onlyKnownOptions,
  stringOption,
  TaskArgumentError,
  TaskRefused,
  wholeNumberOption,
  type TaskOptions,
} from '../task-options';

export const SEED_OPTIONS = ['patients', 'days', 'seed', 'until', 'concurrency', 'verify', 'events', 'part'] as const;

export interface SeedTaskArgs {
  patients: number;
  days: number;
  seed: string;
  /** Epoch ms: nothing is recorded after it. */
  until: number;
  concurrency: number | undefined;
  verify: boolean;
  /** `--part k/n`: only the k-th (1-based) of n equal ranges of patients; omitted for all of them. */
  part?: { index: number; of: number };
}

/** Checks `seed`'s options (from argv or a request body); throws TaskArgumentError. */
export function seedTaskArgs(options: TaskOptions, now: number): SeedTaskArgs {
  onlyKnownOptions(options, SEED_OPTIONS);
  const seedValue = stringOption(options, 'seed') ?? 'caretrail';
  if (!/^[\x21-\x7e]{1,64}$/.test(seedValue))
    throw new TaskArgumentError('--seed must be 1 to 64 printable characters without spaces');
  const days = wholeNumberOption(options, 'days', { fallback: 180, min: 1, max: 3650 });
  if (options['events'] !== undefined && options['patients'] !== undefined)
    throw new TaskArgumentError('give --patients or --events, not both');
  const patients =
    options['events'] === undefined
      ? wholeNumberOption(options, 'patients', { fallback: 100, min: 1, max: 1_000_000 })
      : patientsForEvents(wholeNumberOption(options, 'events', { fallback: 0, min: 1, max: 100_000_000 }), days);
  return {
    patients,
    days,
    seed: seedValue,
    until: untilOption(stringOption(options, 'until'), now),
    concurrency:
      options['concurrency'] === undefined
        ? undefined
        : wholeNumberOption(options, 'concurrency', { fallback: 8, min: 1, max: 64 }),
    verify: flagOption(options, 'verify'),
    ...partOption(stringOption(options, 'part')),
  };
}

/** `--part k/n`, 1 <= k <= n <= 64: one of several processes seeding one seed together. */
function partOption(raw: string | undefined): { part?: { index: number; of: number } } {
  if (raw === undefined) return {};
  const match = /^(\d{1,2})\/(\d{1,2})$/.exec(raw);
  const [k, n] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!(k >= 1 && k <= n && n <= 64))
    throw new TaskArgumentError(`--part must be k/n with 1 <= k <= n <= 64 (got ${JSON.stringify(raw)})`);
  return { part: { index: k - 1, of: n } };
}

/** `--until`: an instant with a zone, or a date (meaning the end of that UTC day); default now, to the minute. */
function untilOption(raw: string | undefined, now: number): number {
  if (raw === undefined) return Math.floor(now / 60_000) * 60_000;
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(`${raw}T00:00:00Z`)))
    return Date.parse(`${raw}T23:59:00Z`);
  if (isInstant(raw)) return Date.parse(raw);
  throw new TaskArgumentError(
    `--until must be a date (2026-11-28) or an instant with a zone (2026-11-28T18:00:00Z), got ${JSON.stringify(raw)}`,
  );
}

export interface SeedTaskContext {
  progress: Progress;
  /** Seals personal data as the API does before it is stored; undefined when the deployment turned that off. */
  seal: ((type: string, data: Record<string, unknown>) => Promise<Record<string, unknown>>) | undefined;
}

/**
 * Runs the seed on `store` wherever the store is open: in the command line's
 * process, or inside the server that holds the embedded store
 * (`POST /admin/seed`). Seeding a seed twice is refused (TaskRefused).
 */
export async function runSeedTask(
  store: EventStore,
  args: SeedTaskArgs,
  { progress, seal }: SeedTaskContext,
): Promise<SeedResult> {
  // PGlite has one connection: appends queue anyway.
  const { backend } = await store.status();
  try {
    const result = await seed(store, {
      patients: args.patients,
      days: args.days,
      seed: args.seed,
      until: args.until,
      verify: args.verify,
      ...(args.part ? { part: args.part } : {}),
      seal,
      concurrency: args.concurrency ?? (backend === 'pglite' ? 1 : 2),
      onProgress: (p) =>
        progress(
          `seed: ${p.patientsDone.toLocaleString('en-US')} of ${p.patients.toLocaleString('en-US')} patients done, ` +
            `now at day ${p.day}/${p.days}; ${p.events.toLocaleString('en-US')} events decided, ${p.appended.toLocaleString('en-US')} appended ` +
            `(${Math.round(p.appended / Math.max(p.seconds, 0.001)).toLocaleString('en-US')}/s)`,
        ),
    });
    progress(`seed: ${result.events.toLocaleString('en-US')} events appended in ${result.seconds.toFixed(1)} s`, true);
    await store.afterBulkLoad();
    return result;
  } catch (error) {
    if (error instanceof AlreadySeeded) throw new TaskRefused('ALREADY_SEEDED', error.message);
    throw error;
  }
}
