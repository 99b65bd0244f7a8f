/**
 * The Kafka relay on its own: follows the event log and publishes it to
 * Kafka (docs/kafka.md). Run several for availability: one leads (an
 * advisory lock), the others stand by and take over.
 *
 *   DATABASE_URL=postgres://... KAFKA_BROKERS=127.0.0.1:9092 node dist/apps/relay/apps/relay/src/main.js
 *
 * With the embedded store (DATA_DIR, no DATABASE_URL) the API process hosts
 * the relay instead: the data directory has one owner, and a second opener
 * fails with a message naming it.
 *
 * Environment: DATABASE_URL | DATA_DIR, DATABASE_SCHEMA, KAFKA_BROKERS,
 * KAFKA_TOPIC_PREFIX, KAFKA_TOPIC_PARTITIONS, KAFKA_REPLICATION_FACTOR,
 * CLOUDEVENTS_SOURCE, RELAY_BATCH_SIZE, KAFKA_LOG_LEVEL, LOG_LEVEL,
 * RELAY_STATUS_PORT (serves GET /status and /health when set),
 * RELAY_STATUS_LOG_SECONDS (a status line every N s; default 60, 0 = never).
 */
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { eventStoreConfigFromEnv, openEventStore } from '@caretrail/event-store';
import { createKafkaRelay, kafkaRelayConfigFromEnv, type Relay } from '@caretrail/integration';

const log = pino({ name: 'caretrail-relay', level: process.env['LOG_LEVEL'] || 'info' });

async function main(): Promise<void> {
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
  relay.start();
  log.info(
    { brokers: config.brokers, topics: `${config.topicPrefix}.*.v1`, backend: store.database.backend },
    'relay started',
  );

  const server = serveStatus(relay, process.env['RELAY_STATUS_PORT']);
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
    server?.close();
    // The relay first: a batch in flight is acknowledged and checkpointed (or published again by the next leader).
    await relay.stop();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** GET /status: the relay's status (state, checkpoint, lag, last error); GET /health: 200 unless it failed or stopped. */
function serveStatus(relay: Relay, port: string | undefined): Server | undefined {
  if (!port) return undefined;
  const server = createServer((request, response) => {
    const send = (code: number, body: unknown): void => {
      response.writeHead(code, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.url !== '/status' && request.url !== '/health') return send(404, { error: 'not found' });
    relay.status().then(
      (status) => {
        if (request.url === '/status') return send(200, status);
        const healthy = status.state !== 'failed' && status.state !== 'stopped';
        send(healthy ? 200 : 503, { status: healthy ? 'ok' : 'down', state: status.state });
      },
      (error: unknown) => send(503, { status: 'down', error: String(error) }),
    );
  });
  server.listen(Number(port), process.env['HOST'] || '127.0.0.1', () =>
    log.info({ port: Number(port) }, 'status on /status and /health'),
  );
  return server;
}

main().catch((error: unknown) => {
  log.fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
