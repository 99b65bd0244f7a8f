import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { openEventStoreOn, PostgresDatabase, type EventStore, type SqlDatabase } from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@caretrail/event-store/testing';
import { allTopics } from '../messages/topics';
import { KafkajsPublisher } from '../publisher/kafkajs-publisher';
import {
  appendArgs,
  brokerScript,
  consume,
  deduplicate,
  expectedMessages,
  freePortPair,
  orderByPatient,
  patientHistory,
  until,
} from '../testing/kafka';
import { Relay, type RelayStatus } from './relay';

const OUTAGE_MS = 20_000;

/**
 * This test stops and restarts a broker, so it always starts one of its own
 * on free ports (infra/kafka/broker.mjs) instead of the shared KAFKA_BROKERS:
 * other test files keep theirs, and the test runs the same when KAFKA_BROKERS
 * points at a broker it could not restart (a Docker container, a cluster).
 */
describe('the relay through a Kafka outage', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup) await step().catch((error: unknown) => console.error('cleanup failed:', error));
  });

  it(`keeps appends flowing while the broker is down for ${OUTAGE_MS / 1000} s, then delivers every event, each patient in order`, async () => {
    const { startBroker, stopBroker } = await brokerScript();
    const quiet = { log: () => undefined };
    const port = await freePortPair();
    const broker = await startBroker({ port, fresh: true, ...quiet });
    cleanup.push(() => stopBroker({ port }, { keepData: false, ...quiet }));
    const brokers = [broker.brokers];

    const schema = uniqueSchema('outage');
    cleanup.unshift(() => dropSchema(schema));
    const open = async (applicationName: string): Promise<{ store: EventStore; sql: SqlDatabase }> => {
      const sql = new PostgresDatabase({ connectionString: testDatabaseUrl(), schema, applicationName });
      const store = await openEventStoreOn(sql);
      cleanup.unshift(() => store.close());
      return { store, sql };
    };
    const { store: writer } = await open('outage-writer');
    const { store: relayStore, sql: relaySql } = await open('outage-relay');
    const prefix = 'caretrail';
    const publisher = new KafkajsPublisher({
      brokers,
      topics: allTopics(prefix),
      partitions: 3,
      replicationFactor: 1,
      logLevel: 'nothing',
    });
    await publisher.start();
    const relay = new Relay(relayStore, relaySql, publisher, {
      topicPrefix: prefix,
      source: '/caretrail-test',
      batchSize: 100,
      idleWaitMs: 200,
      retryBackoffMs: { initial: 200, max: 2_000 },
    });
    cleanup.unshift(() => relay.stop());
    relay.start();

    // The write side: 6 patients, appends every ~20 ms, as long as the test wants.
    let writing = true;
    let appended = 0;
    const failures: unknown[] = [];
    const patients = Array.from({ length: 6 }, () => `p-${randomUUID()}`);
    const writers = patients.map(async (patient) => {
      while (writing) {
        for (const event of patientHistory(patient)) {
          if (!writing) return;
          await writer.append(...appendArgs(event)).then(
            () => (appended += 1),
            (error: unknown) => failures.push(error),
          );
          await sleep(100);
        }
      }
    });

    await until(async () => (await relay.status()).published > 20, 'the relay publishes while the broker is up');
    await stopBroker({ port }, { keepData: true, ...quiet });
    const appendedBefore = appended;
    const during: RelayStatus[] = [];
    const outageEnds = Date.now() + OUTAGE_MS;
    while (Date.now() < outageEnds) {
      await sleep(2_000);
      during.push(await relay.status());
    }
    const appendedDuring = appended - appendedBefore;
    await startBroker({ port, ...quiet });
    await sleep(1_000);
    writing = false;
    await Promise.all(writers);

    // Nothing was lost: every event of the log is on Kafka, in each patient's order.
    const consumer = await consume(brokers, allTopics(prefix));
    cleanup.unshift(() => consumer.stop());
    const expected = await expectedMessages(writer, prefix);
    await until(
      () => {
        const seen = new Set(consumer.messages.map((m) => m.headers['ce_id']));
        return expected.ids.every((id) => seen.has(id));
      },
      'every event of the log is on Kafka',
      30_000,
    );
    const { first, redeliveries } = deduplicate(consumer.messages);
    expect(first).toHaveLength(expected.ids.length);
    expect(orderByPatient(first)).toEqual(expected.order);
    expect(redeliveries).toBeLessThanOrEqual(100); // at most the batch in flight when the broker went away

    // The writers never noticed: no append failed, and appends went on through the whole outage
    // (six writers, one append every 100 ms each, for 20 s: about 1,200 when nothing waits on Kafka).
    expect(failures).toEqual([]);
    expect(appendedDuring).toBeGreaterThan(100);

    // The outage was visible in the relay's status, like a stalled projection's.
    const last = during[during.length - 1]!;
    expect(during.some((status) => status.state === 'retrying')).toBe(true);
    expect(last.lastError?.message).toBeTruthy();
    expect(last.lagEvents).toBeGreaterThan(50);
    expect(last.lagSeconds).toBeGreaterThan(5);
    await until(async () => (await relay.status()).lagEvents === 0, 'the relay catches up');
    expect(await relay.status()).toMatchObject({ state: 'running', lastError: null, leader: true });
  });
});
