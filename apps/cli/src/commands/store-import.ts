import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { verifyAccessChain } from '@caretrail/access-log';
import {
  AlreadyImported,
  importStore,
  ImportProgressMoved,
  openEventStoreOn,
  StoreFileChecker,
  StoreFileInvalid,
  TargetNotEmpty,
  verifyEventChain,
  type ImportOptions,
  type ImportResult,
  type SqlDatabase,
} from '@caretrail/event-store';
import { parseOptions, UsageError, type CliIo } from './cli-io';
import { accessLineHash, openStoreDatabase, recordStoreAccess, storeLocation } from './store-database';
import { rateLine } from './store-progress';
import { buildReadModels } from './store-read-models';

/** The file is not a complete, intact export (truncated, changed, another format). */
export const EXIT_FILE_INVALID = 3;

export const REBUILD_NOTE =
  'Read models are not moved: the API (or apps/projector) builds them from the log when it starts on this store ' +
  '(`npm run cli -- projections status` shows how far), or run the import with --rebuild to build them now.';

/**
 * `store import --from FILE|- [--rebuild]` into an empty store, or the rest
 * of an interrupted import of the same file (docs/architecture.md,
 * "Backups"). Exit codes: 0 imported (or already imported), 1 refused (the
 * target is not empty, held by a server, another import runs), 2 usage,
 * 3 the file is not a complete, intact export (the message names the line).
 * `stdin` is read for `--from -`; `importOptions` is for tests.
 */
export async function storeImport(
  argv: string[],
  io: CliIo,
  stdin: Readable = process.stdin,
  importOptions: Partial<ImportOptions> = {},
): Promise<number> {
  const rebuild = argv.includes('--rebuild');
  const { values } = parseOptions(
    argv.filter((a) => a !== '--rebuild'),
    { from: { type: 'string' } },
  );
  const from = values.from;
  if (from === undefined) throw new UsageError('store import needs --from FILE (or --from - to read standard input)');
  const lines = () => createInterface({ input: from === '-' ? stdin : createReadStream(from), crlfDelay: Infinity });
  const label = from === '-' ? 'standard input' : from;
  const started = Date.now();
  try {
    // A file is checked whole before anything is written: a truncated or changed one writes nothing.
    if (from !== '-') await checkWhole(lines(), io, started);
    const database = await openStoreDatabase('store import', io.err);
    if (!database) return 1;
    try {
      const result = await importStore(database, lines(), {
        accessRecordHash: accessLineHash,
        onProgress: (p) => io.progress?.(rateLine('store import', p, started)),
        ...importOptions,
      });
      await recordStoreAccess(database, 'store import', 'create', { from: label, exportId: result.header.exportId });
      io.progress?.(`store import: done in ${((Date.now() - started) / 1000).toFixed(1)} s`, true);
      report(result, database, label, started, io);
      return await afterImport(database, rebuild, io);
    } finally {
      await database.close().catch(() => undefined);
    }
  } catch (error) {
    if (error instanceof StoreFileInvalid) {
      io.err(`store import: ${label} ${error.message}. Nothing after that line was written.`);
      return EXIT_FILE_INVALID;
    }
    if (error instanceof AlreadyImported) {
      io.err(`store import: ${error.message}`);
      return 0;
    }
    if (error instanceof TargetNotEmpty || error instanceof ImportProgressMoved) {
      io.err(`store import: ${error.message}`);
      return 1;
    }
    if ((error as { code?: unknown }).code === 'ENOENT') {
      io.err(`store import: cannot read ${label}: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}

async function checkWhole(lines: AsyncIterable<string>, io: CliIo, started: number): Promise<void> {
  const checker = new StoreFileChecker(accessLineHash);
  for await (const text of lines) {
    checker.check(text);
    if (checker.nextLine % 20_000 === 0) {
      const counts = checker.header?.counts;
      const total = counts ? counts.events + counts.patientKeys + counts.accessRecords + 2 : 0;
      io.progress?.(
        rateLine('store import (checking the file)', { section: 'lines', done: checker.nextLine, total }, started),
      );
    }
  }
  checker.finish();
}

function report(result: ImportResult, database: SqlDatabase, label: string, started: number, io: CliIo): void {
  const seconds = (Date.now() - started) / 1000;
  const { events, patientKeys, accessRecords } = result.header.counts;
  io.out(
    `Imported ${label} into ${storeLocation(database)}: ${events} events, ${patientKeys} patient keys, ` +
      `${accessRecords} access records in ${seconds.toFixed(1)} s (${Math.round(events / Math.max(seconds, 0.001))} events/s)` +
      (result.resumedAtLine === null ? '.' : `, continuing an interrupted import at line ${result.resumedAtLine}.`),
  );
}

/** Proves the move as `audit verify` would, then builds the read models or says how they get built. */
async function afterImport(database: SqlDatabase, rebuild: boolean, io: CliIo): Promise<number> {
  const events = await verifyEventChain(database, database.schema);
  const access = await verifyAccessChain(database);
  if (!events.ok || !access.ok) {
    io.err(
      `store import: the imported store does not verify: ${JSON.stringify(events.firstBreak ?? access.firstBreak)}`,
    );
    return 1;
  }
  io.out(`ok: ${events.eventsChecked} events and ${access.recordsChecked} access records, every chain intact`);
  if (!rebuild) {
    io.out(REBUILD_NOTE);
    return 0;
  }
  const store = await openEventStoreOn(database);
  try {
    await buildReadModels(store, database, (line, done) => io.progress?.(line, done));
  } finally {
    await store.close();
  }
  io.out('Read models built from the imported log.');
  return 0;
}
