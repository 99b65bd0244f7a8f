import { PgliteDatabase } from './pglite/pglite-database';
import { PostgresDatabase } from './postgres/postgres-database';
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
