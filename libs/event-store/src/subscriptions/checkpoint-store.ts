import { START, type Checkpoint } from '../event-store';
import { quoteIdent, type SqlQueryable } from '../sql/sql-database';

/** Thrown when another runner moved the checkpoint first: this one must stop and re-read. */
export class CheckpointMoved extends Error {
  constructor(readonly subscription: string) {
    super(`Checkpoint ${subscription} was moved by another runner`);
    this.name = 'CheckpointMoved';
  }
}

/**
 * Checkpoints of the subscribers of the global order. Saving is a
 * compare-and-set on the previous value: if two runners ever worked on the
 * same name at once (a lock lost to a network partition), the second save
 * fails and its transaction rolls back instead of applying events twice.
 */
export class CheckpointStore {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `${quoteIdent(schema)}.checkpoints`;
  }

  async load(executor: SqlQueryable, name: string): Promise<Checkpoint> {
    const { rows } = await executor.query<{ transaction_id: string; position: string | number }>(
      `SELECT transaction_id::text AS transaction_id, position FROM ${this.table} WHERE name = $1`,
      [name],
    );
    const row = rows[0];
    return row ? { transactionId: row.transaction_id, position: Number(row.position) } : START;
  }

  async save(executor: SqlQueryable, name: string, previous: Checkpoint, next: Checkpoint): Promise<void> {
    const { rows } = await executor.query(
      `INSERT INTO ${this.table} AS c (name, transaction_id, position) VALUES ($1, $4::xid8, $5)
       ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, position = EXCLUDED.position, updated_at = now()
         WHERE c.transaction_id = $2::xid8 AND c.position = $3
       RETURNING 1`,
      [name, previous.transactionId, previous.position, next.transactionId, next.position],
    );
    if (rows.length === 0) throw new CheckpointMoved(name);
  }

  async reset(executor: SqlQueryable, name: string): Promise<void> {
    await executor.query(`DELETE FROM ${this.table} WHERE name = $1`, [name]);
  }
}
