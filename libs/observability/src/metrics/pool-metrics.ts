import { Gauge, type Registry } from 'prom-client';

/** The connections of a database pool now (PostgreSQL only; the embedded store has none). */
export interface PoolUsage {
  total: number;
  idle: number;
  waiting: number;
}

/** A database that may have a pool: PostgresDatabase answers, PGlite does not. */
export interface PooledDatabase {
  poolUsage?(): PoolUsage;
}

/**
 * `caretrail_db_pool_connections{state="total|idle|waiting"}`, read from the
 * pool when scraped (no query). Registered only where the store is PostgreSQL.
 */
export function registerPoolMetrics(registry: Registry, database: PooledDatabase): void {
  const usage = database.poolUsage?.bind(database);
  if (!usage) return;
  new Gauge({
    name: 'caretrail_db_pool_connections',
    help: 'Connections of the PostgreSQL pool: total open, idle, and callers waiting for one.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const { total, idle, waiting } = usage();
      this.set({ state: 'total' }, total);
      this.set({ state: 'idle' }, idle);
      this.set({ state: 'waiting' }, waiting);
    },
  });
}
