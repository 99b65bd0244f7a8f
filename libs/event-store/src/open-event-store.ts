import { PgliteDatabase } from './pglite/pglite-database';
import { PostgresDatabase } from './postgres/postgres-database';
import type { EventStore } from './event-store';
import type { SqlDatabase } from './sql/sql-database';
import { SqlEventStore } from './sql/sql-event-store';

export interface EventStoreConfig {
  /** PostgreSQL connection string; when absent the embedded PGlite store is used. */
  databaseUrl?: string;
  /** Directory of the embedded store; default ./data. */
  dataDir?: string;
  schema?: string;
  poolSize?: number;
  applicationName?: string;
  onBackgroundError?: (error: Error) => void;
}

/** Reads the store configuration from the environment (DATABASE_URL, DATA_DIR, DATABASE_SCHEMA). */
export function eventStoreConfigFromEnv(env: NodeJS.ProcessEnv = process.env): EventStoreConfig {
  return {
    databaseUrl: env['DATABASE_URL'] || undefined,
    dataDir: env['DATA_DIR'] || './data',
    schema: env['DATABASE_SCHEMA'] || 'caretrail',
    poolSize: env['DATABASE_POOL_SIZE'] ? Number(env['DATABASE_POOL_SIZE']) : undefined,
  };
}

/** Opens PostgreSQL when a URL is given, otherwise the embedded store in dataDir. */
export async function openEventStore(config: EventStoreConfig): Promise<SqlEventStore> {
  const database = config.databaseUrl
    ? new PostgresDatabase({
        connectionString: config.databaseUrl,
        schema: config.schema,
        poolSize: config.poolSize,
        applicationName: config.applicationName,
        onBackgroundError: config.onBackgroundError,
      })
    : await PgliteDatabase.open({ dataDir: config.dataDir ?? './data', schema: config.schema });
  try {
    return await SqlEventStore.open(database);
  } catch (error) {
    await database.close();
    throw error;
  }
}

/**
 * What a composition root hands on: the log behind its port, and the SQL
 * database beside it for read-model, checkpoint and access-log tables.
 * Closing the store closes the database too.
 */
export interface OpenedStore {
  store: EventStore;
  sql: SqlDatabase;
}

/**
 * The event store on a database the caller opened, as the port: for code
 * that keeps the `SqlDatabase` for its own tables (tests, benchmarks). The
 * store owns the database from then on: closing the store closes it.
 */
export function openEventStoreOn(database: SqlDatabase): Promise<EventStore> {
  return SqlEventStore.open(database);
}
