import {
  compareCheckpoints,
  shardStatuses,
  START,
  type Checkpoint,
  type EventStore,
  type ShardStatus,
  type SqlDatabase,
} from '@caretrail/event-store';
import { RELAY_SUBSCRIPTION } from './relay';

/** The relays' shards as every process sees them (docs/kafka.md, "Relays share the log by shards"). */
export interface RelayShardsStatus {
  name: string;
  /** failed (a shard retrying: the broker refuses), stopped (no relay holds a shard), starting, catching-up, running. */
  state: string;
  /** The least advanced shard's checkpoint: every event before it is on Kafka. */
  checkpoint: Checkpoint;
  headPosition: number;
  lagEvents: number;
  lagSeconds: number;
  eventsPerSecond: number;
  lastError: ShardStatus['lastError'];
  shardCount: number;
  shards: ShardStatus[];
}

/**
 * Reads the relay's lease rows and shard checkpoints; null when no relay has
 * ever run against this store. Any process can answer, whether it hosts a
 * relay or not.
 */
export async function relayShardsStatus(
  store: EventStore,
  sql: SqlDatabase,
  name = RELAY_SUBSCRIPTION,
): Promise<RelayShardsStatus | null> {
  const { rows } = await sql.query<{ shards: number }>(
    `SELECT count(*)::int AS shards FROM "${sql.schema}".shard_leases WHERE subscriber = $1`,
    [name],
  );
  const shardCount = rows[0]?.shards ?? 0;
  if (shardCount === 0) return null;
  const shards = await shardStatuses(sql, store, name, shardCount);
  const checkpoint = shards.map((s) => s.checkpoint).sort(compareCheckpoints)[0] ?? START;
  const { headPosition } = await store.status();
  // Estimated like the relay's own status (head minus checkpoint position): counting the rest of the log is costly.
  const next = (await store.readAll({ after: checkpoint, limit: 1 }))[0];
  const failing = shards.find((s) => s.state === 'retrying' || s.state === 'failed');
  const owners = new Map(shards.filter((s) => s.owner !== null).map((s) => [s.owner, s.eventsPerSecond]));
  return {
    name,
    state: failing
      ? 'failed'
      : shards.every((s) => s.owner === null)
        ? 'stopped'
        : shards.some((s) => s.owner === null || s.state === 'starting')
          ? 'starting'
          : shards.some((s) => s.state === 'catching-up')
            ? 'catching-up'
            : 'running',
    checkpoint,
    headPosition,
    lagEvents: next ? Math.max(1, headPosition - checkpoint.position) : 0,
    lagSeconds: next ? Math.max(0, (Date.now() - Date.parse(next.recordedAt)) / 1000) : 0,
    eventsPerSecond: [...owners.values()].reduce((sum, rate) => sum + rate, 0),
    lastError: failing?.lastError ?? shards.find((s) => s.lastError)?.lastError ?? null,
    shardCount,
    shards,
  };
}
