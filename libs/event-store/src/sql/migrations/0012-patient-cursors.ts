/**
 * Rebuilds by patient (docs/read-models.md, "How a rebuild proceeds"): a
 * shard that starts from an empty table first folds each of its patients'
 * histories up to a head fixed when it began, patient after patient, then
 * follows the global order from that head. This row is where such a shard
 * has got to, written in the batch transaction with the rows it made: the
 * head, and the last patient (in the order of their ids) whose history is
 * applied, with how many of the shard's patients are applied of how many
 * its holder listed (the pass's progress in GET /admin/projections). It is
 * deleted in the transaction that gives the shard its checkpoint at the head.
 */
export function patientCursors(s: string): string {
  return `
CREATE TABLE ${s}.patient_cursors (
  name                text PRIMARY KEY,
  head_transaction_id xid8 NOT NULL,
  head_position       bigint NOT NULL,
  after_patient       text,
  patients            integer NOT NULL DEFAULT 0,
  patients_done       integer NOT NULL DEFAULT 0,
  updated_at          timestamptz NOT NULL DEFAULT now()
);
`;
}
