import { setTimeout as sleep } from 'node:timers/promises';
import {
  compareCheckpoints,
  DEFAULT_LEASE_MS,
  DEFAULT_SHARDS,
  ShardCheckpoints,
  ShardedSubscription,
  START,
  type BatchContext,
  type Checkpoint,
  type ReadAllOptions,
  type ShardedSubscriptionStatus,
  type StoredEvent,
  type EventStore,
  type SqlDatabase,
  type SubscriptionHandler,
} from '@caretrail/event-store';
import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { contextOf, traceparentOf, tracer } from '@caretrail/observability';
import type { KafkaRelayConfig } from '../config';
import { toMessage, TRACEPARENT_HEADER, type MessageOptions } from '../messages/to-message';
import { isErasureEvent } from '@caretrail/care-log';
import { allTopics } from '../messages/topics';
import type { EventPublisher, IntegrationMessage } from '../publisher/event-publisher';
import { KafkajsPublisher, type PublisherLogLineLevel } from '../publisher/kafkajs-publisher';

export const RELAY_SUBSCRIPTION = 'kafka-relay';

export interface RelayOptions extends MessageOptions {
  /** Subscription name: shard checkpoints and leases (default `kafka-relay`). */
  name?: string;
  /**
   * Shards the relay divides the log into (RELAY_SHARDS, default 16). Relays share them out; a
   * patient's events are in one shard, so they reach Kafka in order. Fixed once the relay has run.
   */
  shards?: number;
  /** Lease duration of a shard (SHARD_LEASE_MS, default 6 s). */
  leaseMs?: number;
  batchSize?: number;
  /** Backoff while the broker is unreachable (default 250 ms doubling to 5 s). */
  retryBackoffMs?: { initial: number; max: number };
  idleWaitMs?: number;
  /** How often a relay looks for its fair share of the shards (default a third of the lease). */
  standbyRetryMs?: number;
  /** Where a relay with no checkpoint starts (default: the beginning of the log). */
  from?: Checkpoint;
  /** How long `stop` lets a batch in flight finish before it closes the publisher under it (default 2 s). */
  stopGraceMs?: number;
  /** Read the next batch while the broker acknowledges this one (default true). */
  prefetch?: boolean;
}

/** A projection-like status: where the relay is, how far behind, what went wrong. */
export interface RelayStatus extends ShardedSubscriptionStatus {
  /** Highest position in the log. */
  headPosition: number;
  /**
   * Events not yet published, estimated as head position minus checkpoint
   * position (positions of rolled-back appends leave gaps; 0 when caught up).
   */
  lagEvents: number;
  /** Age of the oldest event not yet published; 0 when caught up. */
  lagSeconds: number;
  /** Messages the broker acknowledged since this process started. */
  published: number;
}

/**
 * The event log is its own outbox: the relay follows the log's gap-safe
 * global order and publishes each batch, and only after the broker
 * acknowledged it does it save the checkpoint. A crash in between publishes
 * the batch again (at-least-once, same `ce_id`); nothing is ever skipped.
 * Writers never wait for it: a broker outage only grows the lag.
 */
export class Relay {
  private readonly subscription: ShardedSubscription;
  private readonly checkpoints: ShardCheckpoints;
  private readonly shards: number;
  private readonly name: string;
  private readonly batchSize: number;
  private published = 0;
  private lastPublishedAt: number | null = null;
  private prefetched: { after: Checkpoint; batch: Promise<StoredEvent[]> } | undefined;

  constructor(
    private readonly store: EventStore,
    /** Holds the relay's checkpoint and leadership lock (docs/architecture.md). */
    private readonly sql: SqlDatabase,
    private readonly publisher: EventPublisher,
    private readonly options: RelayOptions,
  ) {
    const handler: SubscriptionHandler = { handle: (batch, context) => this.handle(batch, context) };
    this.name = options.name ?? RELAY_SUBSCRIPTION;
    this.batchSize = options.batchSize ?? 500;
    this.shards = options.shards ?? DEFAULT_SHARDS;
    this.checkpoints = new ShardCheckpoints(sql.schema, this.name);
    const followed = options.prefetch === false ? store : this.prefetching(store);
    this.subscription = new ShardedSubscription(followed, sql, handler, {
      name: this.name,
      shards: this.shards,
      leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
      ...(options.standbyRetryMs ? { rebalanceMs: options.standbyRetryMs } : {}),
      // The embedded store admits one process: it holds every shard.
      exclusive: sql.backend === 'pglite',
      batchSize: this.batchSize,
      onError: 'retry',
      retryBackoffMs: options.retryBackoffMs ?? { initial: 250, max: 5_000 },
      idleWaitMs: options.idleWaitMs ?? 1_000,
      ...(options.from ? { from: options.from } : {}),
    });
  }

  start(): void {
    this.subscription.start();
  }

  /**
   * Stops following the log and closes the publisher. A batch in flight gets
   * `stopGraceMs` to be acknowledged and checkpointed; after that the
   * publisher is closed under it and the batch is published again by
   * whoever runs next.
   */
  async stop(): Promise<void> {
    const stopped = this.subscription.stop();
    const grace = new AbortController();
    await Promise.race([
      stopped,
      sleep(this.options.stopGraceMs ?? 2_000, undefined, { signal: grace.signal }).catch(() => undefined),
    ]);
    grace.abort();
    await this.publisher.close();
    await stopped;
  }

  /** The subscription's in-memory status (no database round trip): state, shards held, checkpoint, last error. */
  progress(): ShardedSubscriptionStatus {
    return this.subscription.status();
  }

  /** What this process published (no database round trip): messages since it started, and when it last did. */
  publishing(): { published: number; lastPublishedAt: number | null } {
    return { published: this.published, lastPublishedAt: this.lastPublishedAt };
  }

  async status(): Promise<RelayStatus> {
    const subscription = this.subscription.status();
    // A relay holding no shard reports where the relays as a whole are: the least advanced shard, from the table.
    const checkpoint = subscription.leader ? subscription.checkpoint : await this.leastCheckpoint();
    const { headPosition } = await this.store.status();
    const next = (await this.store.readAll({ after: checkpoint, limit: 1 }))[0];
    return {
      ...subscription,
      checkpoint,
      headPosition,
      lagEvents: next ? Math.max(1, headPosition - checkpoint.position) : 0,
      lagSeconds: next ? Math.max(0, (Date.now() - Date.parse(next.recordedAt)) / 1000) : 0,
      published: this.published,
    };
  }

  private async leastCheckpoint(): Promise<Checkpoint> {
    const all = Array.from({ length: this.shards }, (_, shard) => shard);
    const loaded = await this.checkpoints.load(this.sql, all, this.options.from ?? START);
    return [...loaded.values()].map((c) => c.checkpoint).sort(compareCheckpoints)[0] ?? START;
  }

  /*
   * The store as the subscription sees it, with `readAll` answered from the
   * prefetch when it asks for exactly the batch after the one just handled.
   * The subscription is serial (read, publish, checkpoint, read...); reading
   * batch n+1 while the broker acknowledges batch n takes the read (about a
   * tenth of the relay's time, docs/performance.md) off the critical path.
   * A prefetched page is a valid gap-safe read: it was taken after batch n
   * was read, and nothing can later appear behind its last event. An empty
   * one is not trusted (events may have committed since): the store is asked
   * again. The proper home of this is an option of `Subscription` (event
   * store); until then the relay wraps the store it hands to its subscription.
   */
  private prefetching(store: EventStore): EventStore {
    const readAll = async (options: ReadAllOptions): Promise<StoredEvent[]> => {
      const prefetched = this.prefetched;
      this.prefetched = undefined;
      if (
        prefetched &&
        prefetched.after.transactionId === options.after.transactionId &&
        prefetched.after.position === options.after.position &&
        (options.limit ?? 500) === this.batchSize
      ) {
        const batch = await prefetched.batch.catch(() => []);
        if (batch.length > 0) return batch;
      }
      return store.readAll(options);
    };
    return new Proxy(store, {
      get(target, property) {
        if (property === 'readAll') return readAll;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  private async handle(batch: StoredEvent[], context: BatchContext): Promise<void> {
    // The erasure record is administrative and its subject's data never
    // travelled on Kafka (no personal data is published): nothing to tell.
    const messages: IntegrationMessage[] = batch
      .filter((event) => !isErasureEvent(event))
      .map((event) => toMessage(event, this.options));
    const spans = publishSpans(
      batch.filter((event) => !isErasureEvent(event)),
      messages,
    );
    if (this.options.prefetch !== false && batch.length === this.batchSize) {
      const next = this.store.readAll({ after: context.next, limit: this.batchSize });
      next.catch(() => undefined); // a failed prefetch is read again by the subscription
      this.prefetched = { after: context.next, batch: next };
    }
    try {
      await this.publisher.publish(messages);
    } catch (error) {
      for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: 'not acknowledged' }).end();
      throw error;
    }
    for (const span of spans) span.end();
    this.published += messages.length;
    this.lastPublishedAt = Date.now();
    await context.saveCheckpoint();
  }
}

/**
 * One producer span per message, a child of the span that wrote its event
 * (the event's stored traceparent), ended once the broker acknowledged it;
 * the message carries that span as its W3C `traceparent` header, so a
 * consumer continues the writer's trace (docs/kafka.md, Headers). Untraced
 * here, the span is the no-op one and the header is the stored traceparent
 * itself; an event written untraced gets no header.
 */
function publishSpans(events: readonly StoredEvent[], messages: readonly IntegrationMessage[]): Span[] {
  return messages.map((message, i) => {
    const span = tracer().startSpan(
      `publish ${message.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.destination.name': message.topic,
        },
      },
      contextOf(events[i]!.metadata.traceparent),
    );
    const traceparent = traceparentOf(span.spanContext());
    if (traceparent !== undefined) message.headers[TRACEPARENT_HEADER] = traceparent;
    return span;
  });
}

/** A relay with the kafkajs publisher, configured from KafkaRelayConfig (apps/relay, the API host). */
export function createKafkaRelay(
  store: EventStore,
  sql: SqlDatabase,
  config: KafkaRelayConfig,
  overrides: Partial<RelayOptions> & { log?: (level: PublisherLogLineLevel, message: string) => void } = {},
): { relay: Relay; publisher: KafkajsPublisher } {
  const { log, ...relayOverrides } = overrides;
  const publisher = new KafkajsPublisher({
    brokers: config.brokers,
    clientId: config.clientId,
    topics: allTopics(config.topicPrefix),
    partitions: config.partitions,
    replicationFactor: config.replicationFactor,
    logLevel: config.logLevel,
    ...(log ? { log } : {}),
  });
  const relay = new Relay(store, sql, publisher, {
    topicPrefix: config.topicPrefix,
    source: config.source,
    batchSize: config.batchSize,
    ...(config.shards ? { shards: config.shards } : {}),
    ...(config.leaseMs ? { leaseMs: config.leaseMs } : {}),
    ...relayOverrides,
  });
  return { relay, publisher };
}
