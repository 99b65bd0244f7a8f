import { generateDataKey, PatientKeyDestroyed, type PatientKeyStore } from '@caretrail/security';
import { quoteIdent, type SqlDatabase } from '../sql/sql-database';

/**
 * The default key store: the `patient_keys` table (migration 0006), beside
 * the events but never inside them. Keys are stored as they are; a KMS
 * adapter would store them wrapped instead (docs/erasure.md).
 */
export class SqlPatientKeyStore implements PatientKeyStore {
  private readonly table: string;

  constructor(private readonly database: SqlDatabase) {
    this.table = `${quoteIdent(database.schema)}.patient_keys`;
  }

  async getOrCreate(patientId: string): Promise<Uint8Array> {
    // Two writers racing on a new patient both insert; the loser reads the winner's key.
    await this.database.query(
      `INSERT INTO ${this.table} (patient_id, key) VALUES ($1, $2) ON CONFLICT (patient_id) DO NOTHING`,
      [patientId, generateDataKey()],
    );
    const key = await this.get(patientId);
    if (key === null) throw new PatientKeyDestroyed(patientId);
    return key;
  }

  async get(patientId: string): Promise<Uint8Array | null> {
    const { rows } = await this.database.query<{ key: Uint8Array | null }>(
      `SELECT key FROM ${this.table} WHERE patient_id = $1`,
      [patientId],
    );
    const key = rows[0]?.key;
    return key ? Buffer.from(key) : null;
  }

  async destroy(patientId: string): Promise<{ destroyedAt: string; already: boolean }> {
    const { rows } = await this.database.query<{ destroyed_at: Date; already: boolean }>(
      `WITH before AS (SELECT destroyed_at FROM ${this.table} WHERE patient_id = $1 FOR UPDATE),
            destroyed AS (
              UPDATE ${this.table} SET key = NULL, destroyed_at = now()
              WHERE patient_id = $1 AND key IS NOT NULL RETURNING destroyed_at),
            created AS (
              INSERT INTO ${this.table} (patient_id, key, destroyed_at)
              SELECT $1, NULL, now() WHERE NOT EXISTS (SELECT 1 FROM before)
              ON CONFLICT (patient_id) DO NOTHING RETURNING destroyed_at)
       SELECT destroyed_at, false AS already FROM destroyed
       UNION ALL SELECT destroyed_at, false FROM created
       UNION ALL SELECT destroyed_at, true FROM before WHERE destroyed_at IS NOT NULL`,
      [patientId],
    );
    const row = rows[0] ?? (await this.destroyedAt(patientId));
    // The old key's bytes stay in dead row versions until vacuumed: ask for that now (best effort,
    // outside any transaction; WAL and backups keep them until they are recycled, docs/erasure.md).
    if (!row.already) await this.database.query(`VACUUM ${this.table}`).catch(() => undefined);
    return { destroyedAt: new Date(row.destroyed_at).toISOString(), already: row.already };
  }

  /** A concurrent destroy won the race (its row was not visible to this statement's snapshot). */
  private async destroyedAt(patientId: string): Promise<{ destroyed_at: Date; already: boolean }> {
    const { rows } = await this.database.query<{ destroyed_at: Date | null }>(
      `SELECT destroyed_at FROM ${this.table} WHERE patient_id = $1`,
      [patientId],
    );
    const destroyedAt = rows[0]?.destroyed_at;
    if (!destroyedAt) throw new Error(`the key of patient ${patientId} could not be destroyed`);
    return { destroyed_at: destroyedAt, already: true };
  }
}
