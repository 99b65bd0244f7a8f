import { Kafka, Partitioners, type Admin, type LogEntry, type Producer } from 'kafkajs';
import type { EventPublisher, IntegrationMessage } from './event-publisher';
import { kafkaLogLine, kafkajsLogLevel, type PublisherLogLevel, type PublisherLogLineLevel } from './kafka-log';

export type { PublisherLogLevel, PublisherLogLineLevel } from './kafka-log';

export interface KafkajsPublisherOptions {
  brokers: string[];
  clientId?: string;
  /** Topics created (if missing) before the first publish. */
  topics: string[];
  partitions: number;
  replicationFactor: number;
  /** Per-request timeout (default 10 s). */
  requestTimeoutMs?: number;
  logLevel?: PublisherLogLevel;
  /** Where client log lines go (default: stderr, one line each). */
  log?: (level: PublisherLogLineLevel, message: string) => void;
}

export class PublisherClosed extends Error {
  constructor() {
    super('The Kafka publisher was closed');
    this.name = 'PublisherClosed';
  }
}

/**
 * The kafkajs adapter of the producer port.
 *
 * - Idempotent producer with acks=-1: a batch counts as sent once every
 *   in-sync replica has it, and the broker drops the client's own retries of
 *   a request it already wrote.
 * - One request in flight per connection (`maxInFlightRequests: 1`), which
 *   idempotence allows (Kafka needs <= 5) and which keeps a partition's
 *   order even across retries; the relay sends one batch at a time anyway.
 * - Java-compatible murmur2 partitioner, chosen explicitly (it is also
 *   kafkajs 2's default, which otherwise prints a warning): any client that
 *   hashes the key the same way agrees on the partition of a patient.
 * - Topics are created explicitly with the configured partitions and
 *   replication (the broker does not auto-create them), once, before the
 *   first publish; if the broker is down that fails like a publish, and the
 *   relay retries.
 * - After a failed publish the producer is dropped and the next publish
 *   starts a new one (a new producer id): a batch that was partly written is
 *   written again, never reordered behind the next one. Retries inside the
 *   client are bounded (about 2.5 s) so the relay's status shows the
 *   outage and a stop never waits for the broker.
 */
export class KafkajsPublisher implements EventPublisher {
  private readonly kafka: Kafka;
  private producer: Promise<Producer> | undefined;
  private topicsCreated = false;
  private closed = false;
  private readonly closing: Promise<never>;
  private rejectClosing!: (error: Error) => void;

  constructor(private readonly options: KafkajsPublisherOptions) {
    const log = options.log ?? ((level, message) => process.stderr.write(`[kafka ${level}] ${message}\n`));
    const threshold = options.logLevel ?? 'error';
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'caretrail-relay',
      brokers: options.brokers,
      connectionTimeout: 3_000,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      // Connecting gives up after about 2.5 s too (the default is about 9 s):
      // the relay's backoff is the outer loop, and a broker that is back is
      // noticed at the next attempt.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
      logLevel: kafkajsLogLevel(threshold),
      logCreator:
        () =>
        ({ level, log: entry }: LogEntry) => {
          const line = kafkaLogLine(level, entry, threshold);
          if (line) log(line.level, line.message);
        },
    });
    this.closing = new Promise<never>((_, reject) => {
      this.rejectClosing = reject;
    });
    this.closing.catch(() => undefined);
  }

  /** Connects and creates the topics now instead of on the first publish. */
  async start(): Promise<void> {
    await this.race(this.connect());
  }

  async publish(messages: readonly IntegrationMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
    for (const m of messages) {
      let list = byTopic.get(m.topic);
      if (!list) byTopic.set(m.topic, (list = []));
      list.push({ key: m.key, value: m.value, headers: m.headers });
    }
    try {
      await this.race(
        (async () => {
          const producer = await this.connect();
          await producer.sendBatch({
            acks: -1,
            timeout: this.options.requestTimeoutMs ?? 10_000,
            topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
          });
        })(),
      );
    } catch (error) {
      await this.dropProducer();
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rejectClosing(new PublisherClosed());
    await this.dropProducer();
  }

  private connect(): Promise<Producer> {
    if (this.closed) return Promise.reject(new PublisherClosed());
    if (this.producer) return this.producer;
    const producer = (async () => {
      if (!this.topicsCreated) {
        await this.createTopics();
        this.topicsCreated = true;
      }
      const created = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        // About 2.5 s of retries (100 ms doubling to 1 s), then the publish fails.
        retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
      });
      try {
        await created.connect();
      } catch (error) {
        await created.disconnect().catch(() => undefined);
        throw error;
      }
      return created;
    })();
    this.producer = producer;
    // A failed connect is not cached: the next publish tries again.
    producer.catch(() => {
      if (this.producer === producer) this.producer = undefined;
    });
    return producer;
  }

  private async createTopics(): Promise<void> {
    const admin: Admin = this.kafka.admin({ retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 } });
    await admin.connect();
    try {
      // Only the missing ones: a restart asks the broker for nothing it has,
      // and an account without the right to create topics starts where an
      // operator created them. Existing topics are left as they are; one that
      // another relay created meanwhile makes createTopics answer false.
      const existing = new Set(await admin.listTopics());
      const missing = this.options.topics.filter((topic) => !existing.has(topic));
      if (missing.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: this.options.partitions,
          replicationFactor: this.options.replicationFactor,
        })),
      });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async dropProducer(): Promise<void> {
    const current = this.producer;
    this.producer = undefined;
    if (!current) return;
    const producer = await current.catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }

  private race<T>(work: Promise<T>): Promise<T> {
    work.catch(() => undefined); // may settle after close won the race
    return Promise.race([work, this.closing]);
  }
}
