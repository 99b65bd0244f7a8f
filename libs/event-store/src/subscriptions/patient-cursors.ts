import type { Checkpoint } from '../event-store';
import { quoteIdent, type SqlQueryable } from '../sql/sql-database';
import { CheckpointMoved } from './checkpoint-store';
import { shardCheckpointName } from './shards';

/**
 * Where a shard's rebuild by patient has got to (migration 0012): the head it folds up to, fixed
 * when the shard began, and the last patient (in the order of their ids) whose history is applied.
 */
export interface PatientCursor {
  head: Checkpoint;
  afterPatient: string | null;
  /** The shard's patients applied so far, of `patients` (0 until the first batch of the pass). */
  patientsDone: number;
  /** The shard's patients as its holder listed them: those applied and those it has still to do. */
  patients: number;
}

/**
 * The by-patient cursors of a subscriber's shards, one row each in `patient_cursors` (named like
 * the shard's checkpoint). Moving one compares and sets, like ShardCheckpoints: a concurrent holder
 * makes it throw and roll back the batch.
 */
export class PatientCursors {
  private readonly table: string;

  constructor(
    schema: string,
    private readonly subscriber: string,
  ) {
    this.table = `${quoteIdent(schema)}.patient_cursors`;
  }

  /**
   * The shards' cursors; a shard without one starts now, at the head `headNow` reads (read only
   * when some shard needs it). A head once stored stays, whichever process holds the shard later.
   */
  async load(
    executor: SqlQueryable,
    shards: readonly number[],
    headNow: () => Promise<Checkpoint>,
  ): Promise<Map<number, PatientCursor>> {
    let cursors = await this.read(executor, shards);
    const starting = shards.filter((shard) => !cursors.has(shard));
    if (starting.length > 0) {
      const head = await headNow();
      await executor.query(
        `INSERT INTO ${this.table} (name, head_transaction_id, head_position)
         SELECT name, $2::xid8, $3 FROM unnest($1::text[]) AS name
         ON CONFLICT (name) DO NOTHING`,
        [starting.map((shard) => this.nameOf(shard)), head.transactionId, head.position],
      );
      cursors = await this.read(executor, shards);
    }
    return cursors;
  }

  /** Moves the cursor from `from` to `to` (patients up to `to.afterPatient` applied), if it is still at `from`. */
  async advance(executor: SqlQueryable, shard: number, from: PatientCursor, to: PatientCursor): Promise<void> {
    const { rows } = await executor.query(
      `UPDATE ${this.table} SET after_patient = $3, patients_done = $4, patients = $5, updated_at = now()
       WHERE name = $1 AND after_patient IS NOT DISTINCT FROM $2 RETURNING 1`,
      [this.nameOf(shard), from.afterPatient, to.afterPatient, to.patientsDone, to.patients],
    );
    if (rows.length === 0) throw new CheckpointMoved(this.nameOf(shard));
  }

  /** Ends the shard's pass by patient (its checkpoint moves to the head in the same transaction). */
  async finish(executor: SqlQueryable, shard: number, from: PatientCursor): Promise<void> {
    const { rows } = await executor.query(
      `DELETE FROM ${this.table} WHERE name = $1 AND after_patient IS NOT DISTINCT FROM $2 RETURNING 1`,
      [this.nameOf(shard), from.afterPatient],
    );
    if (rows.length === 0) throw new CheckpointMoved(this.nameOf(shard));
  }

  /** Forgets every shard's cursor (a generation dropped before it finished). */
  async reset(executor: SqlQueryable): Promise<void> {
    await executor.query(`DELETE FROM ${this.table} WHERE starts_with(name, $1)`, [`${this.subscriber}#`]);
  }

  /** The cursors of those shards that are folding their patients (for status: no head is fixed here). */
  async read(executor: SqlQueryable, shards: readonly number[]): Promise<Map<number, PatientCursor>> {
    const names = shards.map((shard) => this.nameOf(shard));
    const { rows } = await executor.query<{
      name: string;
      head_transaction_id: string;
      head_position: string | number;
      after_patient: string | null;
      patients: number;
      patients_done: number;
    }>(
      `SELECT name, head_transaction_id::text AS head_transaction_id, head_position, after_patient, patients,
              patients_done
       FROM ${this.table} WHERE name = ANY($1::text[])`,
      [names],
    );
    const byName = new Map(rows.map((row) => [row.name, row]));
    const cursors = new Map<number, PatientCursor>();
    shards.forEach((shard, i) => {
      const row = byName.get(names[i]!);
      if (!row) return;
      cursors.set(shard, {
        head: { transactionId: row.head_transaction_id, position: Number(row.head_position) },
        afterPatient: row.after_patient,
        patientsDone: row.patients_done,
        patients: row.patients,
      });
    });
    return cursors;
  }

  private nameOf(shard: number): string {
    return shardCheckpointName(this.subscriber, shard);
  }
}
