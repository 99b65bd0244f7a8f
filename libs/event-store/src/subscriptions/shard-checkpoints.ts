import type { Checkpoint } from '../event-store';
import { quoteIdent, type SqlQueryable } from '../sql/sql-database';
import { CheckpointMoved } from './checkpoint-store';
import { PatientCursors } from './patient-cursors';
import { shardCheckpointName } from './shards';

/** A shard's checkpoint and whether it has a row yet (a first save inserts, later ones compare and set). */
export interface ShardCheckpoint {
  checkpoint: Checkpoint;
  stored: boolean;
}

/**
 * The checkpoints of a subscriber's shards, one row each in `checkpoints`
 * (named `subscriber#shard`). A shard without a row starts where the
 * subscriber's single checkpoint was before the log was sharded, if it had
 * one, else at `from`. Saving compares and sets every row at once, like
 * CheckpointStore: a concurrent holder makes it throw and roll back.
 */
export class ShardCheckpoints {
  private readonly table: string;

  constructor(
    private readonly schema: string,
    private readonly subscriber: string,
  ) {
    this.table = `${quoteIdent(schema)}.checkpoints`;
  }

  async load(
    executor: SqlQueryable,
    shards: readonly number[],
    from: Checkpoint,
  ): Promise<Map<number, ShardCheckpoint>> {
    const names = shards.map((shard) => shardCheckpointName(this.subscriber, shard));
    const { rows } = await executor.query<{ name: string; transaction_id: string; position: string | number }>(
      `SELECT name, transaction_id::text AS transaction_id, position FROM ${this.table} WHERE name = ANY($1::text[])`,
      [[...names, this.subscriber]],
    );
    const byName = new Map(
      rows.map((r) => [r.name, { transactionId: r.transaction_id, position: Number(r.position) } as Checkpoint]),
    );
    const unsharded = byName.get(this.subscriber) ?? from;
    return new Map(
      shards.map((shard, i) => {
        const stored = byName.get(names[i]!);
        return [shard, stored ? { checkpoint: stored, stored: true } : { checkpoint: unsharded, stored: false }];
      }),
    );
  }

  /** Moves the given shards from their checkpoints to `next`, all or none. */
  async save(executor: SqlQueryable, shards: ReadonlyMap<number, ShardCheckpoint>, next: Checkpoint): Promise<void> {
    const update = [...shards].filter(([, c]) => c.stored);
    const insert = [...shards].filter(([, c]) => !c.stored);
    let saved = 0;
    if (update.length > 0) {
      const { rows } = await executor.query(
        `UPDATE ${this.table} AS c SET transaction_id = $4::xid8, position = $5, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::bigint[]) AS p(name, transaction_id, position)
         WHERE c.name = p.name AND c.transaction_id = p.transaction_id::xid8 AND c.position = p.position
         RETURNING 1`,
        [
          update.map(([shard]) => shardCheckpointName(this.subscriber, shard)),
          update.map(([, c]) => c.checkpoint.transactionId),
          update.map(([, c]) => c.checkpoint.position),
          next.transactionId,
          next.position,
        ],
      );
      saved += rows.length;
    }
    if (insert.length > 0) {
      const { rows } = await executor.query(
        `INSERT INTO ${this.table} (name, transaction_id, position)
         SELECT name, $2::xid8, $3 FROM unnest($1::text[]) AS name
         ON CONFLICT (name) DO NOTHING RETURNING 1`,
        [insert.map(([shard]) => shardCheckpointName(this.subscriber, shard)), next.transactionId, next.position],
      );
      saved += rows.length;
    }
    if (saved !== shards.size) throw new CheckpointMoved(this.subscriber);
  }

  /**
   * Forgets every shard's checkpoint, the unsharded one and any rebuild by patient under way (a
   * generation dropped after a switch-over).
   */
  async reset(executor: SqlQueryable): Promise<void> {
    await executor.query(`DELETE FROM ${this.table} WHERE name = $1 OR starts_with(name, $2)`, [
      this.subscriber,
      `${this.subscriber}#`,
    ]);
    await new PatientCursors(this.schema, this.subscriber).reset(executor);
  }
}
