import type { SqlQueryable } from '@caretrail/event-store';

/** Names and DDL of a read model's generation tables (blue/green: one table per generation). */
export class ProjectionTables {
  constructor(private readonly schema: string) {}

  /** `"schema"."rm_adherence_3"` for generation 3 of `adherence`. */
  table(name: string, generation: number): string {
    return `"${this.schema}"."rm_${name.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${generation}"`;
  }

  registry(): string {
    return `"${this.schema}".projections`;
  }

  parked(): string {
    return `"${this.schema}".parked_events`;
  }

  parkedRetries(): string {
    return `"${this.schema}".parked_event_retries`;
  }

  async create(executor: SqlQueryable, name: string, generation: number): Promise<void> {
    const table = this.table(name, generation);
    await executor.exec(`
      CREATE TABLE IF NOT EXISTS ${table} (
        key        text PRIMARY KEY,
        patient_id text NOT NULL,
        doc        jsonb NOT NULL,
        position   bigint NOT NULL
      );
      CREATE INDEX IF NOT EXISTS rm_${name.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${generation}_patient ON ${table} (patient_id);`);
  }

  async drop(executor: SqlQueryable, name: string, generation: number): Promise<void> {
    await executor.exec(`DROP TABLE IF EXISTS ${this.table(name, generation)}`);
  }
}

/** The checkpoint name of one generation of a read model. */
export const checkpointName = (name: string, generation: number): string => `projection:${name}:${generation}`;
