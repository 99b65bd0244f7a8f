import { openEventStoreOn, PostgresDatabase } from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@caretrail/event-store/testing';
import { kafkaRelayConfigFromEnv } from '../config';
import { appendArgs, patientHistory, testKafkaBrokers, uniqueTopicPrefix, until } from '../testing/kafka';
import { createKafkaRelay } from './relay';

const brokers = testKafkaBrokers();

/**
 * A relay restart is routine: its topics exist by then, and the broker says
 * so. That must not show up as an error line (docs/kafka.md, Logging).
 */
describe('starting the relay (PostgreSQL, real broker)', () => {
  const schema = uniqueSchema('relay-start-log');
  afterAll(() => dropSchema(schema));

  it('logs no error line, neither when it creates its topics nor when they already exist', async () => {
    const config = kafkaRelayConfigFromEnv({
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('start-log'),
      // Everything kafkajs says reaches the log below.
      KAFKA_LOG_LEVEL: 'debug',
    })!;
    const lines: { start: number; level: string; message: string }[] = [];
    for (const start of [1, 2]) {
      const sql = new PostgresDatabase({
        connectionString: testDatabaseUrl(),
        schema,
        applicationName: `${schema}-${start}`,
      });
      const store = await openEventStoreOn(sql);
      try {
        const { relay, publisher } = createKafkaRelay(store, sql, config, {
          idleWaitMs: 100,
          log: (level, message) => lines.push({ start, level, message }),
        });
        await publisher.start();
        relay.start();
        // Each start publishes an event: the producer's path is logged too.
        const [event] = patientHistory(`p-start-${start}`);
        await store.append(...appendArgs(event!));
        await until(async () => (await relay.status()).published === 1, `relay start ${start} publishes`);
        await relay.stop();
      } finally {
        await store.close();
      }
    }
    // Both starts talked to the broker, and what the client said reached the log.
    expect(new Set(lines.map((l) => l.start))).toEqual(new Set([1, 2]));
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
