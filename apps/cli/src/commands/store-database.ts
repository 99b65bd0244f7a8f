import { randomUUID } from 'node:crypto';
import { AccessLog, accessRecordHash, type AccessAction, type AccessOutcome } from '@caretrail/access-log';
import {
  DataDirectoryLocked,
  eventStoreConfigFromEnv,
  PgliteDatabase,
  PostgresDatabase,
  type AccessRecordLine,
  type SqlDatabase,
} from '@caretrail/event-store';
import { operator } from './local-or-server';

/**
 * The database of the store this command works on, opened without opening
 * the store: no migration, no check of transaction ids (`store export` reads
 * a restored copy the store refuses to open). DATABASE_URL (with
 * DATABASE_SCHEMA), else the embedded store in DATA_DIR, which must not be
 * held by a running server. Null when the directory is locked: `err` says by whom.
 */
export async function openStoreDatabase(what: string, err: (line: string) => void): Promise<SqlDatabase | null> {
  const config = eventStoreConfigFromEnv();
  if (config.databaseUrl)
    return new PostgresDatabase({
      connectionString: config.databaseUrl,
      schema: config.schema,
      poolSize: 2,
      applicationName: `caretrail-cli ${what}`,
    });
  try {
    return await PgliteDatabase.open({ dataDir: config.dataDir ?? './data', schema: config.schema });
  } catch (error) {
    if (error instanceof DataDirectoryLocked) {
      err(`${what}: ${error.message} Stop the API server on this directory first: a move needs the store to itself.`);
      return null;
    }
    throw error;
  }
}

/** Where the store is, for messages: the database URL without its password, or the directory. */
export function storeLocation(database: SqlDatabase): string {
  const config = eventStoreConfigFromEnv();
  if (database.backend === 'pglite') return `the embedded store in ${config.dataDir}`;
  const url = new URL(config.databaseUrl!);
  url.password = url.password ? '***' : '';
  return `PostgreSQL ${url.toString()} (schema ${database.schema})`;
}

/**
 * A whole-store export or import touches every patient's data: it is on
 * the access log like any other (docs/audit.md), as the operator's.
 */
export function recordStoreAccess(
  database: SqlDatabase,
  route: 'store export' | 'store import',
  action: Extract<AccessAction, 'export' | 'create'>,
  detail: Record<string, unknown>,
): Promise<unknown> {
  const outcome: AccessOutcome = 'allowed';
  return new AccessLog(database).append({
    recordedAt: new Date().toISOString(),
    userId: operator(),
    role: 'admin',
    patientId: null,
    category: 'store',
    action,
    outcome,
    status: 200,
    method: 'CLI',
    route,
    clientAddress: null,
    correlationId: randomUUID(),
    detail: { ...detail, via: 'database' },
  });
}

/** An access record line's hash as the access log computes it (for the file checker). */
export function accessLineHash(line: AccessRecordLine): string {
  return accessRecordHash(line.previousHash, {
    ...line,
    action: line.action as AccessAction,
    outcome: line.outcome as AccessOutcome,
  });
}
