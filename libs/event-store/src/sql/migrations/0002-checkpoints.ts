/**
 * Where each subscriber of the global order (projection, relay) has got to.
 * A projection writes its checkpoint in the transaction that writes its rows.
 */
export function checkpoints(s: string): string {
  return `
CREATE TABLE ${s}.checkpoints (
  name           text PRIMARY KEY,
  transaction_id xid8 NOT NULL,
  position       bigint NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
`;
}
