import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { EventStore, SqlDatabase } from '@caretrail/event-store';
import {
  createKafkaRelay,
  kafkaRelayConfigFromEnv,
  registerRelayMetrics,
  type KafkaRelayConfig,
  type Relay,
  type RelayStatus,
} from '@caretrail/integration';
import { EVENT_STORE, SQL_DATABASE } from '../http/tokens';
import { ApiMetrics } from '../metrics/api-metrics';

/**
 * Whether this API process runs the Kafka relay (KAFKA_RELAY):
 * - `auto` (default): when KAFKA_BROKERS is set and the store is the
 *   embedded one, which no other process may open (the one-process default);
 * - `on`: whenever KAFKA_BROKERS is set (with PostgreSQL, every API
 *   instance then shares the relay's shards);
 * - `off`: never (apps/relay runs it).
 */
export function hostsRelay(env: NodeJS.ProcessEnv, backend: 'postgres' | 'pglite'): KafkaRelayConfig | null {
  const mode = env['KAFKA_RELAY'] || 'auto';
  if (!['auto', 'on', 'off'].includes(mode)) throw new Error(`KAFKA_RELAY must be auto, on or off, got "${mode}"`);
  const config = kafkaRelayConfigFromEnv(env);
  if (!config || mode === 'off') return null;
  return mode === 'on' || backend === 'pglite' ? config : null;
}

/**
 * Runs the relay inside the API process. It never sits on the write path:
 * it follows the log after commits, so a broker outage only grows its lag.
 * It stops in onModuleDestroy, before the event store closes in
 * onApplicationShutdown.
 */
@Injectable()
export class RelayHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('KafkaRelay');
  private relay: Relay | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) private readonly sql: SqlDatabase,
    private readonly metrics: ApiMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const config = hostsRelay(process.env, this.sql.backend);
    if (!config) return;
    const { relay, publisher } = createKafkaRelay(this.store, this.sql, config, {
      log: (level, message) => this.logger[level === 'info' ? 'log' : level](message),
    });
    this.relay = relay;
    registerRelayMetrics(this.metrics.registry, relay, this.store, this.sql);
    // Topics are created now if the broker answers; if not, the first publish retries it.
    publisher
      .start()
      .catch((error: unknown) =>
        this.logger.warn(`Kafka not reachable yet (${String(error)}); the relay keeps retrying`),
      );
    relay.start();
    this.logger.log(
      `Relaying the event log to Kafka at ${config.brokers.join(',')} (topics ${config.topicPrefix}.*.v1)`,
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay?.stop();
    this.relay = undefined;
  }

  /** Null when this process does not host the relay. */
  status(): Promise<RelayStatus> | null {
    return this.relay?.status() ?? null;
  }
}
