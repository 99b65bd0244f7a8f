/**
 * Moving a store (docs/architecture.md, "Backups"): `store import` writes
 * another store's events with their positions, ids and instants. Their
 * hashes cover the transaction id they were first written under, which is
 * not this cluster's: a new cluster counts transactions from its own,
 * usually lower, number. So an imported row keeps that id in
 * `origin_transaction_id` for its hash, while `transaction_id` is the
 * importing transaction's, and the gap-safe order keeps working on the
 * target's own counter. Events written here leave it null and hash their
 * own transaction id, exactly as before.
 *
 * `store_imports` records an import's progress in the transaction of each
 * batch it writes, so an interrupted import resumes after its last
 * committed batch, and the store refuses to open while one is unfinished.
 */
export function storeImport(s: string): string {
  return `
ALTER TABLE ${s}.events ADD COLUMN origin_transaction_id xid8;

CREATE OR REPLACE FUNCTION ${s}.chain_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT e.hash INTO NEW.previous_hash FROM ${s}.events e
  WHERE e.stream_id = NEW.stream_id AND e.stream_version = NEW.stream_version - 1;
  NEW.hash := ${s}.event_hash(NEW.previous_hash, NEW.position, coalesce(NEW.origin_transaction_id, NEW.transaction_id),
    NEW.stream_id, NEW.stream_version, NEW.event_id, NEW.event_type, NEW.schema_version, NEW.data, NEW.metadata,
    NEW.recorded_at, NEW.occurred_at);
  RETURN NEW;
END
$$;

CREATE TABLE ${s}.store_imports (
  -- sha256 of the export file's header line: the same file resumes, another is refused.
  file_id     text PRIMARY KEY CHECK (file_id ~ '^[0-9a-f]{64}$'),
  header      jsonb NOT NULL,
  -- The first line of the file not yet written here.
  next_line   bigint NOT NULL CHECK (next_line > 0),
  started_at  timestamptz(3) NOT NULL DEFAULT now(),
  finished_at timestamptz(3)
);
`;
}
