import { guarded, UsageError, type CliIo } from './cli-io';
import { storeExport } from './store-export';
import { storeImport } from './store-import';

export const STORE_USAGE = `  npm run -s cli -- store export [--out FILE|-]
      Writes the whole store (the event log with its hashes, the patients' keys,
      erased ones destroyed, and the access log) as one NDJSON file, to FILE or
      standard output. Reads DATABASE_URL, else the embedded store in DATA_DIR
      (stop the API on it first), read-only, also a restored copy that refuses
      to open. Progress on stderr. Exit 0 written, 1 the store cannot be read.
  npm run -s cli -- store import --from FILE|- [--rebuild]
      Writes such a file into an empty store (DATABASE_URL, else DATA_DIR):
      same events, order, positions, versions, ids, hashes, keys and access log.
      Run it again with the same file to finish an interrupted import. Read
      models are rebuilt from the log (--rebuild: now). Exit 0 imported, 1 the
      target is not empty or busy, 2 usage, 3 the file is truncated or changed
      (the message names the line). docs/deployment.md, "Moving to PostgreSQL".`;

/** `store export` and `store import`; returns the exit code. */
export function storeCommand(argv: string[], io: CliIo): Promise<number> {
  return guarded(io, STORE_USAGE, async () => {
    const [sub, ...rest] = argv;
    if (sub === 'export') return storeExport(rest, io);
    if (sub === 'import') return storeImport(rest, io);
    throw new UsageError(`store needs a command: export or import${sub === undefined ? '' : ` (not "${sub}")`}`);
  });
}
