import { PGlite, type Transaction } from '@electric-sql/pglite';
import { join } from 'node:path';
import type { SqlDatabase, SqlQueryable } from '../sql/sql-database';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock';
import { makeDataDirectoryPrivate } from './private-files';

export interface PgliteOptions {
  /**
   * CareTrail's data directory, held exclusively while open. The database
   * lives in its `pgdata` folder; other files (keys) sit beside it.
   */
  dataDir: string;
  schema?: string;
}

/**
 * PGlite (PostgreSQL compiled to WebAssembly, in this process) behind the
 * SqlDatabase interface. It has one connection: statements and transactions
 * run one at a time, in the order they were issued.
 */
export class PgliteDatabase implements SqlDatabase {
  readonly backend = 'pglite';
  readonly schema: string;

  private constructor(
    private readonly db: PGlite,
    private readonly lock: DataDirLock,
    schema: string,
  ) {
    this.schema = schema;
  }

  static async open({ dataDir, schema = 'caretrail' }: PgliteOptions): Promise<PgliteDatabase> {
    makeDataDirectoryPrivate(dataDir);
    const lock = acquireDataDirLock(dataDir);
    try {
      const db = await PGlite.create({ dataDir: join(dataDir, 'pgdata') });
      // A new data directory is unpacked with PGlite's own modes: narrow them.
      makeDataDirectoryPrivate(dataDir);
      return new PgliteDatabase(db, lock, schema);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  query<Row>(text: string, params?: unknown[]): Promise<{ rows: Row[] }> {
    return this.db.query<Row>(text, params);
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(script);
  }

  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(transactionQueryable(tx)));
  }

  withConnection<T>(work: (connection: SqlQueryable) => Promise<T>): Promise<T> {
    return work(this);
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    return this.db.listen(channel, onNotify);
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      this.lock.release();
    }
  }
}

function transactionQueryable(tx: Transaction): SqlQueryable {
  return {
    query: <Row>(text: string, params?: unknown[]) => tx.query<Row>(text, params),
    async exec(script: string) {
      await tx.exec(script);
    },
  };
}
