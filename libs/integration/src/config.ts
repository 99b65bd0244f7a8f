import { shardingConfigFromEnv } from '@caretrail/event-store';
import type { PublisherLogLevel } from './publisher/kafkajs-publisher';

export interface KafkaRelayConfig {
  /** KAFKA_BROKERS, comma-separated host:port. */
  brokers: string[];
  /** KAFKA_TOPIC_PREFIX (default `caretrail`): topics are `<prefix>.<area>.v1`. */
  topicPrefix: string;
  /** KAFKA_TOPIC_PARTITIONS (default 3). */
  partitions: number;
  /** KAFKA_REPLICATION_FACTOR (default 1; 3 on a production cluster). */
  replicationFactor: number;
  /** CLOUDEVENTS_SOURCE (default `/caretrail`): the `ce_source` of every message. */
  source: string;
  /** KAFKA_CLIENT_ID (default `caretrail-relay`). */
  clientId: string;
  /** RELAY_BATCH_SIZE (default 500): events read, published and checkpointed together. */
  batchSize: number;
  /** KAFKA_LOG_LEVEL (default `error`): what the Kafka client logs. */
  logLevel: PublisherLogLevel;
  /** RELAY_SHARDS (default 16): shards the relays share out; fixed once the relay has run (docs/kafka.md). */
  shards?: number;
  /** SHARD_LEASE_MS (default 6000): how long a relay's shard lease lives without a heartbeat. */
  leaseMs?: number;
}

/** The relay's configuration, or null when KAFKA_BROKERS is not set (no Kafka: nothing to relay). */
export function kafkaRelayConfigFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaRelayConfig | null {
  const brokers = (env['KAFKA_BROKERS'] ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (brokers.length === 0) return null;
  const logLevel = env['KAFKA_LOG_LEVEL'] || 'error';
  if (!['nothing', 'error', 'warn', 'info', 'debug'].includes(logLevel)) {
    throw new Error(`KAFKA_LOG_LEVEL must be nothing, error, warn, info or debug, got "${logLevel}"`);
  }
  const sharding = shardingConfigFromEnv(env);
  return {
    brokers,
    topicPrefix: env['KAFKA_TOPIC_PREFIX'] || 'caretrail',
    partitions: positiveInt(env, 'KAFKA_TOPIC_PARTITIONS', 3),
    replicationFactor: positiveInt(env, 'KAFKA_REPLICATION_FACTOR', 1),
    source: env['CLOUDEVENTS_SOURCE'] || '/caretrail',
    clientId: env['KAFKA_CLIENT_ID'] || 'caretrail-relay',
    batchSize: positiveInt(env, 'RELAY_BATCH_SIZE', 500),
    logLevel: logLevel as PublisherLogLevel,
    shards: sharding.relayShards,
    leaseMs: sharding.leaseMs,
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}
