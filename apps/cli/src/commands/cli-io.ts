import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DataDirectoryLocked, eventStoreConfigFromEnv, openEventStore, type OpenedStore } from '@caretrail/event-store';

/** Where a command writes: results to `out`, messages to `err`, a progress line to `progress` (stderr). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Rewrites the current progress line (no newline); `done` ends it. */
  progress?(line: string, done?: boolean): void;
}

/** A command-line mistake: exit code 2 with a message that says what to type instead. */
export class UsageError extends Error {}

/** Parses string options (`--name value`); an unknown option or a missing value is a usage error. */
export function parseOptions<Name extends string>(
  argv: string[],
  options: Record<Name, { type: 'string' }>,
  allowPositionals = false,
): { values: Partial<Record<Name, string>>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: options as NonNullable<ParseArgsConfig['options']>,
      strict: true,
      allowPositionals,
    });
    return { values: values as Partial<Record<Name, string>>, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** An ISO-8601 instant with its offset (the API's rule), as a normalised UTC string. */
export function instantOption(
  name: string,
  value: string | undefined,
  { required = true, notAfter }: { required?: boolean; notAfter?: number } = {},
): string | undefined {
  if (value === undefined) {
    if (required) throw new UsageError(`--${name} is required: an instant such as 2026-03-01T00:00:00Z`);
    return undefined;
  }
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    Number.isNaN(Date.parse(value))
  ) {
    throw new UsageError(
      `--${name} must be an instant with a zone, such as 2026-03-01T00:00:00Z (got ${JSON.stringify(value)})`,
    );
  }
  if (notAfter !== undefined && Date.parse(value) > notAfter)
    throw new UsageError(`--${name} must not be in the future (got ${value})`);
  return new Date(value).toISOString();
}

export function choiceOption<T extends string>(
  name: string,
  value: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of: ${choices.join(', ')} (got ${JSON.stringify(value)})`);
  return value as T;
}

/**
 * Opens the event store the API uses (DATABASE_URL, else the embedded store in DATA_DIR). On the
 * embedded default a running server holds the directory's lock: the command then refuses, with
 * the way out, instead of opening the directory behind the server's back (docs/analytics.md).
 */
export async function openStore(io: CliIo, what: string): Promise<OpenedStore | null> {
  try {
    const store = await openEventStore({ ...eventStoreConfigFromEnv(), applicationName: `caretrail-cli ${what}` });
    return { store, sql: store.database };
  } catch (error) {
    if (error instanceof DataDirectoryLocked) {
      io.err(
        `${what}: the embedded store in ${error.dataDir} is held by process ${error.holder.pid} (${error.holder.command}), ` +
          `most likely the API server. Stop it (Ctrl-C in its terminal) and run this command again, ` +
          `or run CareTrail on PostgreSQL (DATABASE_URL), where this command can run beside the server.`,
      );
      return null;
    }
    throw error;
  }
}

/** Runs a command body, turning usage errors into exit code 2 with their message. */
export async function guarded(io: CliIo, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${usage}`);
      return 2;
    }
    throw error;
  }
}

/** A progress line on stderr: rewritten in place on a terminal, a line every few seconds otherwise. */
export function stderrProgress(): (line: string, done?: boolean) => void {
  let last = 0;
  return (line, done = false) => {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r\u001b[2K${line}${done ? '\n' : ''}`);
    } else if (done || Date.now() - last >= 5000) {
      last = Date.now();
      process.stderr.write(`${line}\n`);
    }
  };
}

/** `[#####.....] 50.0 %  12,345/24,690 events  8,000/s  ETA 0:02` */
export function progressLine(label: string, done: number, total: number, seconds: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const width = 30;
  const filled = Math.round(fraction * width);
  const rate = seconds > 0 ? done / seconds : 0;
  const eta = rate > 0 ? (total - done) / rate : Number.NaN;
  const clock = (s: number): string =>
    Number.isFinite(s) ? `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}` : '?';
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(1)} %  ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} events  ${Math.round(rate).toLocaleString('en-US')}/s  ETA ${clock(eta)}`;
}
