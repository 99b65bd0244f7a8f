import type { Checkpoint, StoredEvent } from '../event-store';

/** Shards per subscriber when nothing else is configured (docs/architecture.md, "Shards and leases"). */
export const DEFAULT_SHARDS = 16;

/**
 * The shard of a key: FNV-1a (32 bit) over its UTF-8 bytes, modulo the
 * shard count. Stable across processes, releases and platforms, so every
 * process agrees on it without asking anyone.
 */
export function shardOf(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/**
 * What an event is sharded by: its patient (every domain event names one, so
 * a patient's events stay in one shard and in order), else its stream.
 */
export function shardKeyOf(event: Pick<StoredEvent, 'data' | 'streamId'>): string {
  const patientId = event.data['patientId'];
  return typeof patientId === 'string' && patientId !== '' ? patientId : event.streamId;
}

/** The checkpoint name of one shard of a subscriber. */
export const shardCheckpointName = (subscriber: string, shard: number): string => `${subscriber}#${shard}`;

/** Orders checkpoints as the gap-safe global order does: transaction id, then position. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (byTransaction !== 0n) return byTransaction < 0n ? -1 : 1;
  return a.position - b.position;
}

/** Reads a shard count from the environment (e.g. PROJECTION_SHARDS): a whole number from 1 to 1024. */
export function shardCountFrom(value: string | undefined, variable: string): number {
  if (value === undefined || value.trim() === '') return DEFAULT_SHARDS;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 1024) {
    throw new Error(`${variable} must be a whole number of shards from 1 to 1024, got "${value}"`);
  }
  return count;
}

/** Reads a lease duration in milliseconds from the environment (e.g. SHARD_LEASE_MS): 1000 to 600000. */
export function leaseMsFrom(value: string | undefined, variable: string, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1000 || ms > 600_000) {
    throw new Error(`${variable} must be a lease duration in milliseconds from 1000 to 600000, got "${value}"`);
  }
  return ms;
}

/** How a process shares out its subscribers' work (docs/deployment.md, Environment). */
export interface ShardingConfig {
  /** PROJECTION_SHARDS: shards of a new read-model generation. */
  projectionShards: number;
  /** RELAY_SHARDS: shards of the Kafka relay, fixed once it has run. */
  relayShards: number;
  /** SHARD_LEASE_MS: how long a shard lease lives without a heartbeat. */
  leaseMs: number;
}

export function shardingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ShardingConfig {
  return {
    projectionShards: shardCountFrom(env['PROJECTION_SHARDS'], 'PROJECTION_SHARDS'),
    relayShards: shardCountFrom(env['RELAY_SHARDS'], 'RELAY_SHARDS'),
    leaseMs: leaseMsFrom(env['SHARD_LEASE_MS'], 'SHARD_LEASE_MS', 6000),
  };
}
