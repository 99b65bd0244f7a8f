import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TaskArgumentError, TaskRefused } from '@caretrail/admin-tasks';
import { DataDirectoryLocked, eventStoreConfigFromEnv, openEventStore, type OpenedStore } from '@caretrail/event-store';
import { ServerFailed } from './local-or-server';

/** Where a command writes: results to `out`, messages to `err`, a progress line to `progress` (stderr). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Rewrites the current progress line (no newline); `done` ends it. */
  progress?(line: string, done?: boolean): void;
}

/** A command-line mistake: exit code 2 with a message that says what to type instead (the tasks' own class). */
export { TaskArgumentError as UsageError } from '@caretrail/admin-tasks';

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
    throw new TaskArgumentError((error as Error).message);
  }
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

/**
 * Runs a command body: a usage mistake is exit code 2 with the usage; a task
 * the store refused, or a server that failed, exit code 1 with its message.
 */
export async function guarded(io: CliIo, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof TaskArgumentError) {
      io.err(`${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof TaskRefused || error instanceof ServerFailed) {
      io.err(error.message);
      return 1;
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
