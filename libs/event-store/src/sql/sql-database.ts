/**
 * The little a SQL back end must offer for the shared event store: both
 * node-postgres and PGlite fit behind it, so the SQL is written once.
 */
export interface SqlQueryable {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlDatabase extends SqlQueryable {
  readonly backend: 'postgres' | 'pglite';
  /** Schema holding CareTrail's tables; every statement qualifies names with it. */
  readonly schema: string;
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * Runs work with one connection held for its whole duration (advisory
   * locks are per connection).
   */
  withConnection<T>(work: (connection: SqlQueryable) => Promise<T>): Promise<T>;
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** The connections of its pool now; absent where there is none (the embedded store). */
  poolUsage?(): { total: number; idle: number; waiting: number };
}

/** Quotes an SQL identifier (schema, table) the way PostgreSQL's quote_ident does. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** PostgreSQL's unique_violation and the store's own SQLSTATEs raised from PL/pgSQL. */
export const SqlState = {
  uniqueViolation: '23505',
  wrongExpectedVersion: 'CT001',
  idempotencyKeyReused: 'CT002',
  appendOnly: 'CT003',
} as const;

export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export function sqlDetailOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'detail' in error) {
    const detail = (error as { detail: unknown }).detail;
    return typeof detail === 'string' ? detail : undefined;
  }
  return undefined;
}
