/**
 * The Kafka relay on its own: follows the event log and publishes it to
 * Kafka (docs/kafka.md). Run several to share the work: the log's shards
 * by patient (RELAY_SHARDS) are divided among them under leases
 * (SHARD_LEASE_MS), and a dead relay's shards move to the others.
 *
 *   DATABASE_URL=postgres://... KAFKA_BROKERS=127.0.0.1:9092 node dist/apps/relay/apps/relay/src/main.js
 *
 * With the embedded store (DATA_DIR, no DATABASE_URL) the API process hosts
 * the relay instead: the data directory has one owner, and a second opener
 * fails with a message naming it.
 *
 * Environment: DATABASE_URL | DATA_DIR, DATABASE_SCHEMA, KAFKA_BROKERS,
 * KAFKA_TOPIC_PREFIX, KAFKA_TOPIC_PARTITIONS, KAFKA_REPLICATION_FACTOR,
 * CLOUDEVENTS_SOURCE, RELAY_BATCH_SIZE, RELAY_SHARDS, SHARD_LEASE_MS, KAFKA_LOG_LEVEL, LOG_LEVEL,
 * RELAY_STATUS_PORT (serves GET /status, /health/live, /health/ready and
 * /health when set; docs/deployment.md),
 * RELAY_STATUS_LOG_SECONDS (a status line every N s; default 60, 0 = never).
 */
import pino from 'pino';
import { eventStoreConfigFromEnv, openEventStore } from '@caretrail/event-store';
import { healthPortFromEnv, serveHealth, type HealthServer } from '@caretrail/health';
import { createKafkaRelay, kafkaRelayConfigFromEnv, registerRelayMetrics, type Relay } from '@caretrail/integration';
import { createMetricsRegistry, eventStoreMetrics, registerPoolMetrics, startTracing } from '@caretrail/observability';
import type { Registry } from 'prom-client';

const log = pino({ name: 'caretrail-relay', level: process.env['LOG_LEVEL'] || 'info' });

async function main(): Promise<void> {
  // First, so that every publish span is recorded (none without OTEL_EXPORTER_OTLP_ENDPOINT: docs/deployment.md, Traces).
  const tracing = startTracing('relay');
  const config = kafkaRelayConfigFromEnv(process.env);
  if (!config) throw new Error('KAFKA_BROKERS is not set: the relay needs a broker, e.g. KAFKA_BROKERS=127.0.0.1:9092');
  const store = await openEventStore({
    ...eventStoreConfigFromEnv(process.env),
    applicationName: 'caretrail-relay',
    onBackgroundError: (error) => log.warn({ err: error }, 'database connection problem'),
  });
  const { relay, publisher } = createKafkaRelay(store, store.database, config, {
    log: (level, message) => log[level]({ kafka: true }, message),
  });
  publisher
    .start()
    .catch((error: unknown) => log.warn({ err: error }, 'Kafka not reachable yet; the relay keeps retrying'));
  const metrics = createMetricsRegistry('relay');
  store.observe(eventStoreMetrics(metrics));
  registerPoolMetrics(metrics, store.database);
  registerRelayMetrics(metrics, relay, store, store.database);
  relay.start();
  log.info(
    { brokers: config.brokers, topics: `${config.topicPrefix}.*.v1`, backend: store.database.backend },
    'relay started',
  );

  const server = await serveStatus(relay, metrics, healthPortFromEnv(process.env, 'RELAY_STATUS_PORT'));
  const every = Number(process.env['RELAY_STATUS_LOG_SECONDS'] ?? 60);
  const timer =
    every > 0
      ? setInterval(
          () =>
            void relay.status().then(
              (s) => log.info({ status: s }, 'relay status'),
              () => undefined,
            ),
          every * 1000,
        )
      : undefined;

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    clearInterval(timer);
    await server?.close();
    // The relay first: a batch in flight is acknowledged and checkpointed (or published again by the next leader).
    await relay.stop();
    await store.close();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/**
 * Ready while the store answers and this relay publishes (running, catching
 * up) or stands by holding no shard; not while it retries (broker down), failed
 * or stopped. /status is the relay's status (state, checkpoint, lag, last error);
 * /metrics is `metrics` (docs/deployment.md, Metrics).
 */
async function serveStatus(
  relay: Relay,
  metrics: Registry,
  port: number | undefined,
): Promise<HealthServer | undefined> {
  if (port === undefined) return undefined;
  const server = await serveHealth({
    port,
    host: process.env['HOST'] || '127.0.0.1',
    status: () => relay.status(),
    metrics: { contentType: metrics.contentType, text: () => metrics.metrics() },
    readiness: async () => {
      const { state, lastError } = await relay.status();
      return {
        ready: state === 'running' || state === 'catching-up' || state === 'standby',
        detail: { state, lastError },
      };
    },
  });
  log.info({ port: server.port }, 'status on /status, health on /health/live and /health/ready, metrics on /metrics');
  return server;
}

main().catch((error: unknown) => {
  log.fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
