import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { exportStore, StoreNotExportable, type ExportProgress } from '@caretrail/event-store';
import { parseOptions, UsageError, type CliIo } from './cli-io';
import { openStoreDatabase, recordStoreAccess, storeLocation } from './store-database';
import { rateLine } from './store-progress';

/**
 * `store export [--out FILE|-]`: the whole store as one file
 * (docs/architecture.md, "Backups"). Returns the exit code: 0 written, 1 the
 * store could not be read (held by a server, not a CareTrail store), 2 usage.
 */
export async function storeExport(argv: string[], io: CliIo, stdout: Writable = process.stdout): Promise<number> {
  const { values } = parseOptions(argv, { out: { type: 'string' } });
  const toStdout = values.out === undefined || values.out === '-';
  if (toStdout && 'isTTY' in stdout && stdout.isTTY)
    throw new UsageError('store export writes the whole store: give --out FILE, or pipe it (--out - or no --out)');
  const database = await openStoreDatabase('store export', io.err);
  if (!database) return 1;
  // The file appears under its name only once complete; until then it is FILE.partial, readable by its owner only.
  const partial = toStdout ? null : `${values.out}.partial`;
  let sink: Writable | null = null;
  try {
    await recordStoreAccess(database, 'store export', 'export', { out: toStdout ? '-' : values.out }).catch(
      (error: unknown) => {
        throw notAStore(error, database.schema);
      },
    );
    sink = partial === null ? stdout : createWriteStream(partial, { mode: 0o600 });
    const target = sink;
    const started = Date.now();
    const header = await exportStore(database, {
      write: async (text) => {
        if (!target.write(text)) await once(target, 'drain');
      },
      onProgress: (p: ExportProgress) => io.progress?.(rateLine('store export', p, started)),
    });
    if (partial !== null) {
      const finished = once(target, 'finish');
      target.end();
      await finished;
      renameSync(partial, values.out!);
    }
    const seconds = (Date.now() - started) / 1000;
    const { events, patientKeys, accessRecords } = header.counts;
    io.progress?.(`store export: done in ${seconds.toFixed(1)} s`, true);
    io.err(
      `Exported ${storeLocation(database)}: ${events} events, ${patientKeys} patient keys, ${accessRecords} access ` +
        `records in ${seconds.toFixed(1)} s (${Math.round(events / Math.max(seconds, 0.001))} events/s)` +
        `${toStdout ? '' : ` to ${values.out}`}. The file holds the patients' keys: keep it as private as the database.`,
    );
    return 0;
  } catch (error) {
    if (error instanceof StoreNotExportable) {
      io.err(`store export: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    if (partial !== null && sink !== null && !sink.writableFinished) {
      sink.destroy();
      rmSync(partial, { force: true });
    }
    await database.close();
  }
}

/** The access log (or its chains, migration 0008) is missing: no store, or one too old to export. */
function notAStore(error: unknown, schema: string): unknown {
  const code = (error as { code?: unknown }).code;
  return code === '42P01' || code === '3F000' || code === '42883'
    ? new StoreNotExportable(
        `The schema "${schema}" holds no CareTrail store at migration 0008 or later (its access log chains are ` +
          'missing); open an older store once with this release to migrate it, then export.',
      )
    : error;
}
