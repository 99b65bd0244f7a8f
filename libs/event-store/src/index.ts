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
export { StreamChainGuard } from './integrity/stream-chain-guard';
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
export { appliedPosition, shardStatuses, type ShardStatus } from './subscriptions/shard-status';
export {
  STORE_FILE_FORMAT,
  STORE_FILE_VERSION,
  StoreFileInvalid,
  type AccessRecordLine,
  type EventLine,
  type PatientKeyLine,
  type StoreFileHeader,
  type StoreFileLine,
} from './move/store-file';
export { StoreFileChecker, type AccessRecordHasher } from './move/store-file-checker';
export { exportStore, StoreNotExportable, type ExportOptions, type ExportProgress } from './move/export-store';
export {
  AlreadyImported,
  importStore,
  ImportProgressMoved,
  ImportStopped,
  TargetNotEmpty,
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
} from './move/import-store';
