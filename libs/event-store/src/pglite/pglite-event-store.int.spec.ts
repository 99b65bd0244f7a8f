import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataDirectoryLocked } from '../errors';
import { SqlEventStore } from '../sql/sql-event-store';
import { eventStoreContract, events, headCheckpoint } from '../testing/event-store-contract';
import { sqlAdapterGuarantees } from '../testing/sql-adapter-guarantees';
import { LOCK_FILE } from './data-dir-lock';
import { PgliteDatabase } from './pglite-database';

const openStore = async (dataDir: string): Promise<SqlEventStore> =>
  SqlEventStore.open(await PgliteDatabase.open({ dataDir }));

eventStoreContract(
  'PGlite',
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'caretrail-contract-'));
    return { open: () => openStore(dataDir), destroy: async () => rmSync(dataDir, { recursive: true, force: true }) };
  },
  sqlAdapterGuarantees,
);

describe('event store on PGlite', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'caretrail-pglite-'));
  let store: SqlEventStore;

  beforeAll(async () => {
    store = await openStore(dataDir);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a second opener of the data directory, naming the holder, and loses nothing', async () => {
    await store.append('careplan-lock', events(3), { expectedVersion: 'no-stream' });

    const second = openStore(dataDir);
    await expect(second).rejects.toBeInstanceOf(DataDirectoryLocked);
    await expect(second).rejects.toThrow(new RegExp(`in use by process ${process.pid} on `));

    await store.append('careplan-lock', events(2), { expectedVersion: 3 });
    await store.close();
    store = await openStore(dataDir);
    expect((await store.readStream('careplan-lock')).map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps every file and folder of the data directory private to its user, also those created later', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'caretrail-modes-')), 'data');
    const umask = process.umask(0o022);
    try {
      const fresh = await openStore(dir);
      await fresh.append('careplan-modes', events(50), { expectedVersion: 'no-stream' });
      expect(wideEntries(dir)).toEqual([]);
      await fresh.close();

      // A data directory left readable by an older version, or by a copy, is narrowed when opened.
      const catalog = join(dir, 'pgdata', 'global', 'pg_control');
      chmodSync(catalog, 0o666);
      chmodSync(join(dir, 'pgdata'), 0o755);
      process.umask(0o022);
      const reopened = await openStore(dir);
      await reopened.append('careplan-modes', events(50), { expectedVersion: 50 });
      await reopened.close();
      expect(wideEntries(dir)).toEqual([]);
      expect(lstatSync(dir).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(umask);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes over a lock left by a process that died', async () => {
    const other = mkdtempSync(join(tmpdir(), 'caretrail-stale-'));
    const deadPid = 2 ** 22 + 12345; // above the kernel's pid_max, so never alive
    writeFileSync(
      join(other, LOCK_FILE),
      JSON.stringify({ pid: deadPid, hostname: require('node:os').hostname(), startedAt: 'then', command: 'crashed' }),
    );
    const reopened = await openStore(other);
    await reopened.append('careplan-stale', events(1), { expectedVersion: 'no-stream' });
    await reopened.close();
    rmSync(other, { recursive: true, force: true });
  });

  it('orders transaction ids as numbers, also where they gain a digit', async () => {
    // A fresh cluster's ids are in the hundreds: push them past a power of ten
    // so that text order (…, 998, 999, 1000) and number order disagree.
    const { rows } = await store.database.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
    const boundary = 10 ** String(Number(rows[0]!.xid) + 20).length;
    const from = await headCheckpoint(store);
    const written: string[] = [];
    for (let xid = Number(rows[0]!.xid); xid < boundary + 5; xid++) {
      if (xid > boundary - 5) {
        written.push(...(await store.append('careplan-digits', events(1), { expectedVersion: 'any' })).eventIds);
      } else {
        await store.database.query('SELECT pg_current_xact_id()');
      }
    }
    const seen = [];
    let after = from;
    for (
      let batch = await store.readAll({ after, limit: 2 });
      batch.length > 0;
      batch = await store.readAll({ after, limit: 2 })
    ) {
      seen.push(...batch);
      after = { transactionId: batch[batch.length - 1]!.transactionId, position: batch[batch.length - 1]!.position };
    }
    expect(seen.map((e) => e.eventId)).toEqual(written);
  });

  it('never lets a reader observe a later commit before an open transaction finishes', async () => {
    // PGlite runs one statement or transaction at a time: a read issued while
    // a writer holds a transaction open waits for it, so commit order is
    // position order and no reader can pass an uncommitted position.
    const from = await headCheckpoint(store);
    let readDone = false;
    const open = store.database.transaction(async (tx) => {
      await store.appendWithin(tx, 'careplan-held', events(1), { expectedVersion: 'any' });
      await sleep(200);
      expect(readDone).toBe(false);
    });
    const read = store.readAll({ after: from }).then((batch) => {
      readDone = true;
      return batch;
    });
    await open;
    expect((await read).map((e) => e.streamId)).toEqual(['careplan-held']);
  });
});

/** Paths under `root` that anyone but their owner could read, write or enter. */
function wideEntries(root: string): string[] {
  const found: string[] = [];
  const visit = (path: string): void => {
    const stat = lstatSync(path);
    if (stat.isDirectory()) {
      if ((stat.mode & 0o777) !== 0o700) found.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else if ((stat.mode & 0o077) !== 0) {
      found.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
    }
  };
  visit(root);
  return found;
}
