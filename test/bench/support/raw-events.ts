/**
 * The raw baseline's table: the columns of the event store's `events`
 * table, with none of its constraints, indexes beyond the key, triggers or
 * functions.
 */
export async function createRawEventsTable(query: (sql: string) => Promise<unknown>, schema: string): Promise<string> {
  const table = `"${schema}".raw_events`;
  await query(`
    CREATE TABLE ${table} (
      position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
      stream_id       text NOT NULL,
      stream_version  bigint NOT NULL,
      event_id        uuid NOT NULL,
      event_type      text NOT NULL,
      schema_version  integer NOT NULL,
      data            jsonb NOT NULL,
      metadata        jsonb NOT NULL,
      recorded_at     timestamptz(3) NOT NULL DEFAULT now(),
      occurred_at     timestamptz(3)
    )`);
  return table;
}
