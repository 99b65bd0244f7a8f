import { replay, REPLAY_OPTIONS, replayTaskArgs, type ReplayResult } from '@caretrail/admin-tasks';
import { readModels } from '@caretrail/read-models';
import { guarded, parseOptions, stderrProgress, type CliIo } from './cli-io';
import { withStoreOrServer } from './local-or-server';

export const REPLAY_USAGE = `  npm run cli -- replay --to <instant> --into <name> [--models ${readModels.map((m) => m.name).join(',')}] [--by recorded|occurred]
      Rebuilds read models from the log as they stood at the instant, into tables of their own
      (replay_<name>_<model>, beside the live ones), with a progress bar and ETA on stderr.
      Resumable: run the same command again after an interruption. Reads the log, writes only
      its own tables, appends and publishes nothing. While the server holds the embedded store,
      the server replays (POST /admin/replays, as an admin) and this command shows its progress.`;

export async function replayCommand(argv: string[], io: CliIo, now: number = Date.now()): Promise<number> {
  return guarded(io, REPLAY_USAGE, async () => {
    const { values } = parseOptions(
      argv,
      Object.fromEntries(REPLAY_OPTIONS.map((name) => [name, { type: 'string' as const }])),
    );
    const args = replayTaskArgs(values, now);
    const progress = io.progress ?? stderrProgress();
    const { result } = await withStoreOrServer(
      (store, sql) => replay(store, sql, args, progress),
      (server) =>
        server.task<ReplayResult>(
          '/admin/replays',
          { to: args.to, into: args.into, models: args.models, by: args.basis, batch: args.batchSize },
          progress,
        ),
    );
    io.out(
      result.status === 'already-complete'
        ? `replay ${args.into} was already complete: ${result.tables.join(', ')}`
        : `replay ${args.into} complete (to ${args.to}, by ${args.basis}): ${result.read} events read, ${result.applied} stood at ${args.to}; tables ${result.tables.join(', ')}`,
    );
    return 0;
  });
}
