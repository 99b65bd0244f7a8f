import { randomUUID } from 'node:crypto';
import { erasureEvent, erasureStream } from '@caretrail/care-log';
import { setTimeout as sleep } from 'node:timers/promises';
import { isEventType } from '@caretrail/domain';
import {
  DEFAULT_SHARDS,
  openEventStoreOn,
  PostgresDatabase,
  shardOf,
  type EventStore,
  type SqlDatabase,
} from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema, withAdminClient } from '@caretrail/event-store/testing';
import { allTopics } from '../messages/topics';
import { KafkajsPublisher } from '../publisher/kafkajs-publisher';
import {
  appendArgs,
  consume,
  deduplicate,
  expectedMessages,
  InstrumentedPublisher,
  orderByPatient,
  patientHistory,
  testKafkaBrokers,
  uniqueTopicPrefix,
  until,
  type ConsumedMessage,
} from '../testing/kafka';
import { messageValidators } from '../testing/message-checks';
import { Relay } from './relay';

const brokers = testKafkaBrokers();
const validators = messageValidators('strict');
const source = '/caretrail-test';

interface Fixture {
  schema: string;
  prefix: string;
  open(applicationName: string): Promise<EventStore>;
  publisher(): KafkajsPublisher;
  relay(store: EventStore, publisher: InstrumentedPublisher): Relay;
  cleanup: (() => Promise<unknown>)[];
}

async function fixture(name: string): Promise<Fixture> {
  const schema = uniqueSchema(name);
  const prefix = uniqueTopicPrefix(name);
  const cleanup: (() => Promise<unknown>)[] = [() => dropSchema(schema)];
  // A relay keeps its checkpoint on the connections of the store it follows (a test kills them by application name).
  const databases = new WeakMap<EventStore, SqlDatabase>();
  const f: Fixture = {
    schema,
    prefix,
    cleanup,
    async open(applicationName) {
      const sql = new PostgresDatabase({ connectionString: testDatabaseUrl(), schema, applicationName });
      const store = await openEventStoreOn(sql);
      databases.set(store, sql);
      cleanup.unshift(() => store.close());
      return store;
    },
    publisher() {
      return new KafkajsPublisher({
        brokers,
        topics: allTopics(prefix),
        partitions: 3,
        replicationFactor: 1,
        logLevel: 'nothing',
      });
    },
    relay(store, publisher) {
      const relay = new Relay(store, databases.get(store)!, publisher, {
        topicPrefix: prefix,
        source,
        batchSize: 50,
        idleWaitMs: 200,
        standbyRetryMs: 100,
        retryBackoffMs: { initial: 50, max: 500 },
      });
      cleanup.unshift(() => relay.stop());
      return relay;
    },
  };
  // Topics exist before any consumer subscribes (the broker does not auto-create them).
  const starter = f.publisher();
  await starter.start();
  await starter.close();
  return f;
}

/** Appends each patient's history in order; patients are spread over concurrent writers. */
async function appendPatients(store: EventStore, patients: string[], writers: number, pauseMs = 0): Promise<number> {
  let appended = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (const patient of patients.filter((__, i) => i % writers === w)) {
        for (const event of patientHistory(patient)) {
          await store.append(...appendArgs(event));
          appended++;
          if (pauseMs) await sleep(pauseMs);
        }
      }
    }),
  );
  return appended;
}

function delivered(messages: readonly ConsumedMessage[], ids: readonly string[]): boolean {
  const seen = new Set(messages.map((m) => m.headers['ce_id']));
  return ids.every((id) => seen.has(id));
}

describe('the Kafka relay (PostgreSQL, real broker)', () => {
  let f: Fixture;
  afterEach(async () => {
    for (const step of f.cleanup) await step().catch(() => undefined);
  });

  it('publishes every appended event to its topic with CloudEvents headers and a valid body, each patient in order', async () => {
    f = await fixture('relay-all');
    const consumer = await consume(brokers, allTopics(f.prefix));
    f.cleanup.unshift(() => consumer.stop());
    const store = await f.open(`${f.schema}-a`);
    const publisher = new InstrumentedPublisher(f.publisher());
    const relay = f.relay(store, publisher);
    relay.start();

    const patients = Array.from({ length: 8 }, () => `p-${randomUUID()}`);
    const appended = await appendPatients(store, patients, 4);
    const expected = await expectedMessages(store, f.prefix);
    expect(expected.ids).toHaveLength(appended);
    await until(() => delivered(consumer.messages, expected.ids), 'every event is on Kafka');

    const { first, redeliveries } = deduplicate(consumer.messages);
    expect(redeliveries).toBe(0);
    expect(first).toHaveLength(appended);
    for (const m of first) {
      const type = /^caretrail\.(\w+)\.v\d+$/.exec(m.headers['ce_type'] ?? '')?.[1] ?? '';
      expect(isEventType(type)).toBe(true);
      if (!isEventType(type)) continue;
      expect({ type, errors: validators.headers(m.headers) }).toEqual({ type, errors: [] });
      expect({ type, errors: validators.body(type, JSON.parse(m.value)) }).toEqual({ type, errors: [] });
      expect(m.headers).toMatchObject({ ce_source: source, ce_subject: m.key, 'content-type': 'application/json' });
      expect(patients).toContain(m.key);
    }
    // The extension attributes place each message in the log as the store recorded it, and over every
    // topic a stream's versions arrive without a gap.
    const versions = new Map<string, number[]>();
    for (const m of first) {
      const streamId = m.headers['ce_streamid'] ?? '';
      const stored = (await store.readStream(streamId)).find((e) => e.eventId === m.headers['ce_id']);
      expect({ streamVersion: m.headers['ce_streamversion'], position: m.headers['ce_position'] }).toEqual({
        streamVersion: String(stored?.streamVersion),
        position: String(stored?.position),
      });
      versions.set(streamId, [...(versions.get(streamId) ?? []), Number(m.headers['ce_streamversion'])]);
    }
    for (const [streamId, seen] of versions) {
      const sorted = [...seen].sort((a, b) => a - b);
      expect({ streamId, versions: sorted }).toEqual({ streamId, versions: sorted.map((_, i) => i + 1) });
    }
    // Names never travel: every patient was enrolled as Ada Lovelace.
    expect(consumer.messages.some((m) => m.value.includes('Lovelace') || m.value.includes('ada@example.org'))).toBe(
      false,
    );
    expect(orderByPatient(first)).toEqual(expected.order);

    const status = await relay.status();
    expect(status).toMatchObject({
      leader: true,
      state: 'running',
      lagEvents: 0,
      lagSeconds: 0,
      published: appended,
      lastError: null,
    });
    expect(status.checkpoint.position).toBe(status.headPosition);

    // An erasure record is not for integrators, and the relay goes on past it.
    const erased = patients[0]!;
    await store.append(
      erasureStream(erased),
      [
        erasureEvent(
          {
            patientId: erased,
            reason: 'GDPR request 17',
            erasedBy: { userId: 'admin-1', role: 'admin' },
            erasedAt: new Date().toISOString(),
          },
          { correlationId: 'c-erase' },
        ),
      ],
      { expectedVersion: 'any' },
    );
    const later = await store.append(...appendArgs(patientHistory(erased)[0]!));
    await until(() => delivered(consumer.messages, later.eventIds), 'the event after the erasure is on Kafka');
    expect(consumer.messages.some((m) => (m.headers['ce_type'] ?? '').includes('PatientDataErased'))).toBe(false);
    expect((await relay.status()).lastError).toBeNull();
  });

  it('killed between publish and checkpoint, then restarted: every event delivered, repeats only as the same ce_id', async () => {
    f = await fixture('relay-crash');
    const consumer = await consume(brokers, allTopics(f.prefix));
    f.cleanup.unshift(() => consumer.stop());
    const writer = await f.open(`${f.schema}-writer`);
    const doomedStore = await f.open(`${f.schema}-doomed`);

    // The relay dies right after the broker acknowledged its third batch,
    // before it saved the checkpoint: its database sessions end and its
    // subscription is stopped without finishing the batch.
    let killed: Promise<void> | undefined;
    const doomed = new InstrumentedPublisher(f.publisher(), async (batch) => {
      if (batch !== 3) return;
      await withAdminClient((c) =>
        c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
          `${f.schema}-doomed`,
        ]),
      );
      killed = first.stop();
      throw new Error('killed after the broker acknowledged, before the checkpoint');
    });
    const first = f.relay(doomedStore, doomed);
    first.start();

    const patients = Array.from({ length: 10 }, () => `p-${randomUUID()}`);
    const writing = appendPatients(writer, patients, 5, 10);
    await until(() => killed !== undefined, 'the first relay published three batches and died');
    await killed;

    // Restarted (another process would do the same): it resumes from the checkpoint.
    const restartedStore = await f.open(`${f.schema}-restarted`);
    const restarted = new InstrumentedPublisher(f.publisher());
    const second = f.relay(restartedStore, restarted);
    second.start();
    const appended = await writing;
    const expected = await expectedMessages(writer, f.prefix);
    expect(expected.ids).toHaveLength(appended);
    await until(() => delivered(consumer.messages, expected.ids), 'every event is on Kafka');

    const { first: firstDeliveries, redeliveries } = deduplicate(consumer.messages);
    expect(firstDeliveries).toHaveLength(appended);
    // The third batch went out twice: from the dead relay, and again from the restarted one.
    expect(redeliveries).toBeGreaterThanOrEqual(1);
    expect(redeliveries).toBeLessThanOrEqual(50);
    expect(restarted.published).toBe(appended - doomed.published + redeliveries);
    expect(orderByPatient(firstDeliveries)).toEqual(expected.order);
    expect(await second.status()).toMatchObject({ leader: true, lagEvents: 0 });
  });

  it('shares the shards between two relays, each patient in order; one stops and the other takes its shards', async () => {
    f = await fixture('relay-pair');
    const consumer = await consume(brokers, allTopics(f.prefix));
    f.cleanup.unshift(() => consumer.stop());
    const stores = [await f.open(`${f.schema}-one`), await f.open(`${f.schema}-two`)];
    const publishers = [new InstrumentedPublisher(f.publisher()), new InstrumentedPublisher(f.publisher())];
    const relays = [f.relay(stores[0]!, publishers[0]!), f.relay(stores[1]!, publishers[1]!)];
    relays.forEach((r) => r.start());
    await until(
      () => relays.every((r) => r.progress().held.length === DEFAULT_SHARDS / 2),
      'each relay holds half of the shards',
    );

    // Two patients in the shards of each relay, so both publish.
    const shardsOf = relays.map((r) => new Set(r.progress().held.map((h) => h.shard)));
    const patientsOf = (relay: number, count: number): string[] => {
      const found: string[] = [];
      while (found.length < count) {
        const patient = `p-${randomUUID()}`;
        if (shardsOf[relay]!.has(shardOf(patient, DEFAULT_SHARDS))) found.push(patient);
      }
      return found;
    };
    const appended = await appendPatients(stores[0]!, [...patientsOf(0, 2), ...patientsOf(1, 2)], 4);
    const expected = await expectedMessages(stores[0]!, f.prefix);
    await until(() => delivered(consumer.messages, expected.ids), 'every event is on Kafka');
    const statuses = await Promise.all(relays.map((r) => r.status()));
    expect(statuses.map((s) => s.leader)).toEqual([true, true]);
    expect(publishers.map((p) => p.published > 0)).toEqual([true, true]);
    expect(publishers[0]!.published + publishers[1]!.published).toBe(appended);
    expect(deduplicate(consumer.messages).redeliveries).toBe(0);
    expect(orderByPatient(consumer.messages)).toEqual(expected.order);

    const before = publishers[1]!.published;
    await relays[0]!.stop();
    await until(() => relays[1]!.progress().held.length === DEFAULT_SHARDS, 'the other relay holds every shard');
    const more = await appendPatients(stores[0]!, patientsOf(0, 1), 1);
    const all = await expectedMessages(stores[0]!, f.prefix);
    await until(() => delivered(consumer.messages, all.ids), 'the other relay publishes what came after');
    expect(publishers[1]!.published - before).toBe(more);
    // A clean stop checkpoints what it published and releases its shards: the successor repeats nothing.
    expect(deduplicate(consumer.messages).redeliveries).toBe(0);
    expect(orderByPatient(deduplicate(consumer.messages).first)).toEqual(all.order);
  });
});
