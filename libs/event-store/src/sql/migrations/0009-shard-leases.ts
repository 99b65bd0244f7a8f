/**
 * Work on the global order split by patient shards (docs/architecture.md,
 * "Shards and leases"). A subscriber (one generation of a read model, the
 * relay) divides the log into a fixed number of shards; each shard is held by
 * one process at a time under a lease row that its holder renews. The batch
 * transaction re-reads the lease (owner and epoch) as a fence, so a holder
 * that lost its lease cannot write after another took the shard. Members are
 * the processes taking part, so each can compute its fair share. The read
 * model registry records the shard count of each generation.
 */
export function shardLeases(s: string): string {
  return `
CREATE TABLE ${s}.shard_leases (
  subscriber          text NOT NULL,
  shard               integer NOT NULL,
  owner               text,
  epoch               bigint NOT NULL DEFAULT 0,
  expires_at          timestamptz NOT NULL DEFAULT now(),
  state               text NOT NULL DEFAULT 'starting',
  last_error          text,
  last_error_event_id uuid,
  last_error_at       timestamptz,
  events_per_second   integer NOT NULL DEFAULT 0,
  PRIMARY KEY (subscriber, shard)
);

CREATE TABLE ${s}.shard_members (
  subscriber  text NOT NULL,
  member      text NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (subscriber, member)
);

ALTER TABLE ${s}.projections ADD COLUMN shards integer, ADD COLUMN building_shards integer;
`;
}
