import { Umzug, type UmzugStorage } from 'umzug';
import { quoteIdent, type SqlDatabase, type SqlQueryable } from '../sql-database';
import { eventLog } from './0001-event-log';
import { checkpoints } from './0002-checkpoints';
import { projections } from './0003-projections';
import { patientIndex } from './0004-patient-index';
import { accessLog } from './0005-access-log';
import { patientKeys } from './0006-patient-keys';
import { idempotencyRequestHash } from './0007-idempotency-request-hash';
import { accessLogChains } from './0008-access-log-chains';
import { shardLeases } from './0009-shard-leases';
import { parkedEventDecisions } from './0010-parked-event-decisions';
import { storeImport } from './0011-store-import';
import { patientCursors } from './0012-patient-cursors';
import { parkedEventRetries } from './0013-parked-event-retries';
import { accessLogSharedBatches } from './0014-access-log-shared-batches';

/**
 * Versioned schema migrations, shared by every SQL back end. A migration is
 * never edited once released: a change is a new entry at the end.
 */
const migrations: ReadonlyArray<{ name: string; sql: (schema: string) => string }> = [
  { name: '0001-event-log', sql: eventLog },
  { name: '0002-checkpoints', sql: checkpoints },
  { name: '0003-projections', sql: projections },
  { name: '0004-patient-index', sql: patientIndex },
  { name: '0005-access-log', sql: accessLog },
  { name: '0006-patient-keys', sql: patientKeys },
  { name: '0007-idempotency-request-hash', sql: idempotencyRequestHash },
  { name: '0008-access-log-chains', sql: accessLogChains },
  { name: '0009-shard-leases', sql: shardLeases },
  { name: '0010-parked-event-decisions', sql: parkedEventDecisions },
  { name: '0011-store-import', sql: storeImport },
  { name: '0012-patient-cursors', sql: patientCursors },
  { name: '0013-parked-event-retries', sql: parkedEventRetries },
  { name: '0014-access-log-shared-batches', sql: accessLogSharedBatches },
];

/**
 * Brings the schema up to date. Several processes may start at once: an
 * advisory lock makes them take turns, and all pending migrations apply in
 * one transaction, so a failure leaves the previous version intact. `to`
 * stops after the named migration: a test of how a migration treats rows
 * written before it.
 */
export async function migrate(db: SqlDatabase, options: { to?: string } = {}): Promise<string[]> {
  const s = quoteIdent(db.schema);
  return db.withConnection(async (connection) => {
    await connection.query('SELECT pg_advisory_lock(hashtext($1))', [`caretrail-migrate:${db.schema}`]);
    try {
      await connection.exec('BEGIN');
      try {
        await connection.exec(`
          CREATE SCHEMA IF NOT EXISTS ${s};
          CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
            name       text PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
          );`);
        const umzug = new Umzug<SqlQueryable>({
          migrations: migrations.map(({ name, sql }) => ({
            name,
            up: ({ context }) => context.exec(sql(s)),
          })),
          context: connection,
          storage: migrationTable(s),
          logger: undefined,
        });
        const applied = await umzug.up(options.to ? { to: options.to } : {});
        await connection.exec('COMMIT');
        return applied.map((m) => m.name);
      } catch (error) {
        await connection.exec('ROLLBACK');
        throw error;
      }
    } finally {
      await connection.query('SELECT pg_advisory_unlock(hashtext($1))', [`caretrail-migrate:${db.schema}`]);
    }
  });
}

function migrationTable(s: string): UmzugStorage<SqlQueryable> {
  return {
    async executed({ context }) {
      const { rows } = await context.query<{ name: string }>(`SELECT name FROM ${s}.schema_migrations ORDER BY name`);
      return rows.map((r) => r.name);
    },
    async logMigration({ name, context }) {
      await context.query(`INSERT INTO ${s}.schema_migrations (name) VALUES ($1)`, [name]);
    },
    async unlogMigration({ name, context }) {
      await context.query(`DELETE FROM ${s}.schema_migrations WHERE name = $1`, [name]);
    },
  };
}
