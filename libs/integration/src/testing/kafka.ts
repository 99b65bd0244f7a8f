import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { streamFor, type DomainEvent, type EventType } from '@caretrail/domain';
import { checkpointOf, START, type Checkpoint, type EventStore } from '@caretrail/event-store';
import { sampleEvents } from '@caretrail/domain/testing';
import { toMessage } from '../messages/to-message';
import type { EventPublisher, IntegrationMessage } from '../publisher/event-publisher';
import { loadBrokerScript, type BrokerScript } from './load-broker-script';

/**
 * The broker the integration tests use: KAFKA_BROKERS, which `npm test`
 * (infra/scripts/test.mjs) sets after starting one. Never guessed: a test
 * that silently found no broker would prove nothing.
 */
export function testKafkaBrokers(): string[] {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter((b) => b.trim() !== '');
  if (brokers.length === 0) {
    throw new Error(
      'KAFKA_BROKERS is not set. Run the tests with `npm test` (it starts a broker), or start one with ' +
        '`node infra/kafka/broker.mjs start` and pass KAFKA_BROKERS=127.0.0.1:9092.',
    );
  }
  return brokers;
}

/** A topic prefix no other test or run uses. */
export function uniqueTopicPrefix(name: string): string {
  return `t-${name}-${randomBytes(4).toString('hex')}`;
}

export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(25);
  }
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  headers: Record<string, string>;
  value: string;
  receivedAt: number;
}

/** A real kafkajs consumer (its own group) reading the topics from the beginning. */
export async function consume(
  brokers: string[],
  topics: string[],
): Promise<{ messages: ConsumedMessage[]; stop(): Promise<void> }> {
  const kafka = new Kafka({ clientId: 'caretrail-test-consumer', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100 });
  const messages: ConsumedMessage[] = [];
  // The relay creates the topics when it starts; wait for them rather than race it.
  const admin = kafka.admin();
  await admin.connect();
  try {
    await until(
      async () => {
        const existing = new Set(await admin.listTopics());
        return topics.every((t) => existing.has(t));
      },
      `the topics ${topics.join(', ')} exist`,
      20_000,
    );
  } finally {
    await admin.disconnect();
  }
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
      }
      messages.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? '',
        headers,
        value: message.value?.toString() ?? '',
        receivedAt: Date.now(),
      });
    },
  });
  return { messages, stop: () => consumer.disconnect() };
}

/** One of each event type for a patient, in an order the domain would write them. */
export function patientHistory(patientId: string): DomainEvent[] {
  return (Object.keys(sampleEvents) as EventType[]).map((type) => {
    const data: Record<string, unknown> = { ...(sampleEvents[type].data as Record<string, unknown>), patientId };
    if (type === 'EntryCorrected' || type === 'EntryEnteredInError') data['stream'] = `careplan-${patientId}`;
    return { type, data } as DomainEvent;
  });
}

export function appendArgs(
  event: DomainEvent,
): [string, { type: string; data: Record<string, unknown> }[], { expectedVersion: 'any' }] {
  return [
    streamFor(event),
    [{ type: event.type, data: event.data as unknown as Record<string, unknown> }],
    { expectedVersion: 'any' },
  ];
}

/** Every event of the log, and per topic and patient the ce_ids a consumer must see, in the log's order. */
export async function expectedMessages(
  store: EventStore,
  topicPrefix: string,
): Promise<{ ids: string[]; order: Map<string, string[]> }> {
  const ids: string[] = [];
  const order = new Map<string, string[]>();
  let after: Checkpoint = START;
  // The gap-safe order holds back events while any older transaction in the
  // cluster (another test's) is open: read until every committed event is in.
  const committed = (await store.lagAfter(START)).events;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const batch = await store.readAll({ after, limit: 1000 });
    if (batch.length === 0) {
      if (ids.length >= committed || Date.now() > deadline) break;
      await sleep(25);
      continue;
    }
    for (const event of batch) {
      const message = toMessage(event, { topicPrefix, source: 'test' });
      ids.push(event.eventId);
      const key = `${message.topic} ${message.key}`;
      order.set(key, [...(order.get(key) ?? []), event.eventId]);
    }
    after = checkpointOf(batch[batch.length - 1]!);
  }
  return { ids, order };
}

/** First deliveries in order, and every redelivery checked to be the same message (same ce_id, key, body). */
export function deduplicate(messages: readonly ConsumedMessage[]): { first: ConsumedMessage[]; redeliveries: number } {
  const seen = new Map<string, ConsumedMessage>();
  const first: ConsumedMessage[] = [];
  let redeliveries = 0;
  for (const m of messages) {
    const id = m.headers['ce_id'] ?? '';
    const earlier = seen.get(id);
    if (!earlier) {
      seen.set(id, m);
      first.push(m);
      continue;
    }
    redeliveries++;
    if (
      earlier.key !== m.key ||
      earlier.value !== m.value ||
      earlier.topic !== m.topic ||
      JSON.stringify(earlier.headers) !== JSON.stringify(m.headers)
    ) {
      throw new Error(`ce_id ${id} arrived twice with different content`);
    }
  }
  return { first, redeliveries };
}

/** Per patient and topic, the ce_ids in the order a consumer saw them (partition order). */
export function orderByPatient(messages: readonly ConsumedMessage[]): Map<string, string[]> {
  const order = new Map<string, string[]>();
  for (const m of [...messages].sort(
    (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
  )) {
    const key = `${m.topic} ${m.key}`;
    let list = order.get(key);
    if (!list) order.set(key, (list = []));
    list.push(m.headers['ce_id'] ?? '');
  }
  return order;
}

/** Wraps a publisher to count what it sent, and optionally to fail like a crashing process. */
export class InstrumentedPublisher implements EventPublisher {
  published = 0;
  batches = 0;
  constructor(
    private readonly inner: EventPublisher,
    private readonly afterPublish?: (batch: number) => Promise<void>,
  ) {}

  async publish(messages: readonly IntegrationMessage[]): Promise<void> {
    await this.inner.publish(messages);
    this.published += messages.length;
    this.batches++;
    await this.afterPublish?.(this.batches);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

// ------------------------------------------------------------------ a broker of the test's own

/** infra/kafka/broker.mjs, to stop and restart a broker of the test's own. */
export function brokerScript(): Promise<BrokerScript> {
  return loadBrokerScript();
}

/** A free port whose successor (the controller port) is free too. */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
  }
  throw new Error('no two free consecutive ports found');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
