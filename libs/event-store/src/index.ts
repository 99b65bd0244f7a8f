export * from './event-store';
export * from './errors';
export { SqlEventStore } from './sql/sql-event-store';
export type { SqlDatabase, SqlQueryable } from './sql/sql-database';
export { PostgresDatabase, type PostgresOptions } from './postgres/postgres-database';
export { PgliteDatabase, type PgliteOptions } from './pglite/pglite-database';
export {
  openEventStore,
  openEventStoreOn,
  eventStoreConfigFromEnv,
  type EventStoreConfig,
  type OpenedStore,
} from './open-event-store';
export { CheckpointStore, CheckpointMoved } from './subscriptions/checkpoint-store';
export {
  Subscription,
  EventHandlingFailed,
  type BatchContext,
  type SubscriptionHandler,
  type SubscriptionOptions,
  type SubscriptionState,
  type SubscriptionStatus,
} from './subscriptions/subscription';
export {
  anchorLog,
  verifyEventChain,
  type ChainBreak,
  type ChainBreakReason,
  type ChainReport,
  type LogAnchor,
} from './integrity/verify-chain';
export { StreamChainGuard, type VerifiedHead } from './integrity/stream-chain-guard';
export {
  IntegritySweep,
  type IntegritySweepOptions,
  type IntegrityState,
  type IntegrityStatus,
} from './integrity/integrity-sweep';
export { SqlPatientKeyStore } from './keys/sql-patient-key-store';
export {
  DEFAULT_SHARDS,
  compareCheckpoints,
  leaseMsFrom,
  shardCheckpointName,
  shardCountFrom,
  shardKeyOf,
  shardOf,
  shardingConfigFromEnv,
  type ShardingConfig,
} from './subscriptions/shards';
export {
  LeaseLost,
  newMemberId,
  ShardLeases,
  type ShardLeaseOptions,
  type ShardReport,
} from './subscriptions/shard-leases';
export { ShardCheckpoints, type ShardCheckpoint } from './subscriptions/shard-checkpoints';
export {
  DEFAULT_LEASE_MS,
  ShardedSubscription,
  type HeldShardStatus,
  type ShardedSubscriptionOptions,
  type ShardedSubscriptionStatus,
} from './subscriptions/sharded-subscription';
export { shardStatuses, type ShardStatus } from './subscriptions/shard-status';
