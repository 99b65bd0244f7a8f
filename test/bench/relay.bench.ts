/**
 * Relay benchmark (docs/performance.md, "Relay"):
 *
 * - throughput: the relay publishing a backlog of the event log to Kafka
 *   (read the gap-safe order, map to CloudEvents messages, publish with the
 *   idempotent producer and acks=all, save the checkpoint), beside a plain
 *   kafkajs producer sending the very same records (topics, keys, headers,
 *   bodies) in batches of the same size with the same producer settings, in
 *   the same run. Fresh topics for every round and side.
 * - freshness: appends at a steady rate while the relay runs; for every
 *   event, append accepted -> record acknowledged by the broker, and ->
 *   record seen by a real consumer.
 *
 *   npm run bench -- --only relay [--events N] [--rounds R] [--batch B] [--rate R] [--duration S]
 *
 * --events N    events in the backlog (default 20000)
 * --rounds R    measured rounds after one warm-up round (default 3)
 * --batch B     relay batch size = raw sendBatch size (default 500, the relay's default)
 * --rate R      appends per second in the freshness run (default 200)
 * --duration S  seconds of the freshness run (default 20; the first 2 s are warm-up)
 *
 * Kafka: KAFKA_BROKERS, else a broker started for the run (infra/kafka/broker.mjs,
 * free port) and stopped after it. PostgreSQL: DATABASE_URL, else the local server.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { streamFor, type DomainEvent, type EventType } from '@caretrail/domain';
import { sampleEvents } from '@caretrail/domain/testing';
import {
  checkpointOf,
  openEventStoreOn,
  PostgresDatabase,
  START,
  type Checkpoint,
  type EventStore,
  type OpenedStore,
  type SqlDatabase,
} from '@caretrail/event-store';
import {
  allTopics,
  KafkajsPublisher,
  Relay,
  toMessage,
  type EventPublisher,
  type IntegrationMessage,
} from '@caretrail/integration';
import {
  check,
  compareRounds,
  concurrently,
  formatRatio,
  formatStat,
  machine,
  table,
  timed,
  type Machine,
  type Options,
  type Round,
  type Stat,
} from './support/bench';

const ROOT = resolve(__dirname, '../..');
const THROUGHPUT_TARGET = 0.7;
const P99_TARGET_MS = 250;
const PARTITIONS = 3;
const SOURCE = '/caretrail-bench';

interface BrokerScript {
  startBroker(options: Record<string, unknown>): Promise<{ brokers: string; port: number }>;
  stopBroker(handle: { port: number }, options?: { keepData?: boolean; log?: (m: string) => void }): Promise<unknown>;
}

export async function run(options: Options): Promise<{ name: string; report: unknown; text: string; ok: boolean }> {
  const events = options.int('events', 20_000);
  const rounds = options.int('rounds', 3);
  const batch = options.int('batch', 500);
  const rate = options.int('rate', 200);
  const duration = options.int('duration', 20);
  const host = machine();
  const startedAt = new Date().toISOString();

  const kafka = await provideKafka();
  const databaseUrl = process.env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_relay_${randomBytes(4).toString('hex')}`;
  // 16 writers fill the log; a relay needs two connections (lock, reads and checkpoints).
  const open = async (applicationName: string, poolSize: number): Promise<OpenedStore> => {
    const sql = new PostgresDatabase({ connectionString: databaseUrl, schema, applicationName, poolSize });
    return { store: await openEventStoreOn(sql), sql };
  };
  const { store, sql } = await open('bench-relay', 17);
  try {
    console.log(
      `\nrelay: ${events} events, batches of ${batch}, ${rounds} rounds after a warm-up; then ${rate} appends/s for ${duration} s`,
    );
    const payload = await fillLog(store, events);
    const records = await logAsMessages(store, 'template');
    check(records.length === events, `the log holds ${records.length} events, ${events} were appended`);

    // Fresh topics for every round and side, created up front so that no
    // round pays for leader elections or metadata of brand-new topics.
    const prefixes = (side: string): string[] =>
      Array.from({ length: rounds + 1 }, () => `bench-${side}-${randomBytes(4).toString('hex')}`);
    const relayPrefixes = prefixes('relay');
    const rawPrefixes = prefixes('raw');
    await createTopics(
      kafka.brokers,
      [...relayPrefixes, ...rawPrefixes].flatMap((prefix) => allTopics(prefix)),
    );
    const throughput = await compareRounds(rounds, {
      relay: (round) => relayRound(store, sql, kafka.brokers, relayPrefixes[round]!, events, batch),
      raw: (round) => rawRound(kafka.brokers, rawPrefixes[round]!, records, batch),
    });
    const ratio = throughput.relay.median / throughput.raw.median;
    console.log(
      `  throughput: relay ${formatStat(throughput.relay)} vs raw ${formatStat(throughput.raw)} events/s (${formatRatio(ratio)})`,
    );

    const freshness = await freshnessRun(
      await open('bench-relay-fresh', 4),
      store,
      kafka.brokers,
      rate,
      duration,
      batch,
    );
    console.log(
      `  freshness at ${rate}/s: acked p50 ${freshness.acked.p50} ms p99 ${freshness.acked.p99} ms; consumed p50 ${freshness.consumed.p50} ms p99 ${freshness.consumed.p99} ms`,
    );

    const report = {
      benchmark: 'relay',
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      startedAt,
      machine: host,
      versions: {
        kafka: '4.1.1 (single-node KRaft, infra/kafka/broker.mjs)',
        kafkajs: require('kafkajs/package.json').version as string,
        postgres: await serverVersion(sql),
      },
      parameters: {
        events,
        rounds,
        warmUpRounds: 1,
        batch,
        partitions: PARTITIONS,
        topics: 6,
        rate,
        durationSeconds: duration,
        payload,
        externalBroker: kafka.external,
      },
      throughput: {
        relay: throughput.relay,
        raw: throughput.raw,
        ratio,
        unit: 'events/s',
        target: THROUGHPUT_TARGET,
        targetMet: ratio >= THROUGHPUT_TARGET,
      },
      freshness: {
        ...freshness,
        unit: 'ms',
        target: { p99: P99_TARGET_MS },
        targetMet: freshness.consumed.p99 <= P99_TARGET_MS,
      },
    };
    const text = render(report, host);
    return { name: 'relay', report, text, ok: report.throughput.targetMet && report.freshness.targetMet };
  } finally {
    await store.close();
    await dropSchema(databaseUrl, schema);
    await kafka.stop();
  }
}

// ---------------------------------------------------------------- the log

/** Realistic domain events: each patient's history (every event type), 16 writers. */
async function fillLog(store: EventStore, total: number): Promise<{ avgMessageBytes: number }> {
  const plan: DomainEvent[] = [];
  while (plan.length < total) plan.push(...history(`p-${randomUUID()}`));
  plan.length = total;
  let next = 0;
  await concurrently(16, async () => {
    while (next < plan.length) {
      const event = plan[next++]!;
      await store.append(
        streamFor(event),
        [{ type: event.type, data: event.data as unknown as Record<string, unknown> }],
        { expectedVersion: 'any' },
      );
    }
  });
  const sample = (await store.readAll({ after: START, limit: 1000 })).map((e) =>
    toMessage(e, { topicPrefix: 'x', source: SOURCE }),
  );
  const bytes = sample.reduce(
    (sum, m) => sum + m.value.length + Object.entries(m.headers).reduce((h, [k, v]) => h + k.length + v.length, 0),
    0,
  );
  return { avgMessageBytes: Math.round(bytes / sample.length) };
}

function history(patientId: string): DomainEvent[] {
  return (Object.keys(sampleEvents) as EventType[]).map((type) => {
    const data: Record<string, unknown> = { ...(sampleEvents[type].data as Record<string, unknown>), patientId };
    if (type === 'EntryCorrected' || type === 'EntryEnteredInError') data['stream'] = `careplan-${patientId}`;
    return { type, data } as DomainEvent;
  });
}

/** The log as the relay would publish it, built before any clock starts (the raw side's records). */
async function logAsMessages(store: EventStore, topicPrefix: string): Promise<IntegrationMessage[]> {
  const out: IntegrationMessage[] = [];
  let after: Checkpoint = START;
  for (;;) {
    const page = await store.readAll({ after, limit: 1000 });
    if (page.length === 0) return out;
    out.push(...page.map((e) => toMessage(e, { topicPrefix, source: SOURCE })));
    after = checkpointOf(page[page.length - 1]!);
  }
}

// ---------------------------------------------------------------- throughput

async function relayRound(
  store: EventStore,
  sql: SqlDatabase,
  brokers: string[],
  prefix: string,
  events: number,
  batch: number,
): Promise<Round> {
  const publisher = new KafkajsPublisher({
    brokers,
    topics: allTopics(prefix),
    partitions: PARTITIONS,
    replicationFactor: 1,
    logLevel: 'error',
  });
  await publisher.start(); // topics and producer id before the clock, as for raw
  const relay = new Relay(store, sql, publisher, {
    name: `bench-${prefix}`,
    topicPrefix: prefix,
    source: SOURCE,
    batchSize: batch,
    idleWaitMs: 50,
  });
  const { seconds } = await timed(async () => {
    relay.start();
    while (relay.progress().processed < events) await sleep(1);
  });
  await relay.stop();
  check((await countOnTopics(brokers, allTopics(prefix))) === events, `the relay's topics hold ${events} records`);
  return { count: events, seconds };
}

/** A plain kafkajs producer, the relay's settings, the same records in the same batches. */
async function rawRound(
  brokers: string[],
  prefix: string,
  template: IntegrationMessage[],
  batch: number,
): Promise<Round> {
  const records = template.map((m) => ({ ...m, topic: m.topic.replace(/^template\./, `${prefix}.`) }));
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.ERROR });
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const { seconds } = await timed(async () => {
    for (let i = 0; i < records.length; i += batch) {
      const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
      for (const m of records.slice(i, i + batch)) {
        let list = byTopic.get(m.topic);
        if (!list) byTopic.set(m.topic, (list = []));
        list.push({ key: m.key, value: m.value, headers: m.headers });
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
  });
  await producer.disconnect();
  check(
    (await countOnTopics(brokers, allTopics(prefix))) === records.length,
    `the raw topics hold ${records.length} records`,
  );
  return { count: records.length, seconds };
}

async function createTopics(brokers: string[], topics: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-topics', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
    });
  } finally {
    await admin.disconnect();
  }
  await sleep(1_000);
}

async function countOnTopics(brokers: string[], topics: string[]): Promise<number> {
  const admin = new Kafka({ clientId: 'bench-count', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high) - Number(p.low);
    return total;
  } finally {
    await admin.disconnect();
  }
}

// ---------------------------------------------------------------- freshness

interface Percentiles {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

/**
 * The relay runs on a store of its own (as in a process of its own), and
 * follows the log from its head; a writer appends `rate` events per second.
 * Accepted = the append resolved (committed). Acked = the relay's publish of
 * the batch holding it resolved (acks from all in-sync replicas). Consumed =
 * a kafkajs consumer in this process received it.
 */
async function freshnessRun(
  relaySide: OpenedStore,
  writer: EventStore,
  brokers: string[],
  rate: number,
  duration: number,
  batch: number,
): Promise<{ acked: Percentiles; consumed: Percentiles; appended: number }> {
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const accepted = new Map<string, number>();
  const acked = new Map<string, number>();
  const consumed = new Map<string, number>();
  await createTopics(brokers, allTopics(prefix));
  const inner = new KafkajsPublisher({
    brokers,
    topics: allTopics(prefix),
    partitions: PARTITIONS,
    replicationFactor: 1,
    logLevel: 'error',
  });
  await inner.start();
  const publisher: EventPublisher = {
    async publish(messages) {
      await inner.publish(messages);
      const now = performance.now();
      for (const m of messages) acked.set(m.headers['ce_id']!, now);
    },
    close: () => inner.close(),
  };
  const head = (await writer.status()).headPosition;
  const from = await lastCheckpoint(writer);
  check(from.position === head, 'the log is quiet before the freshness run');
  const relay = new Relay(relaySide.store, relaySide.sql, publisher, {
    name: `bench-${prefix}`,
    topicPrefix: prefix,
    source: SOURCE,
    batchSize: batch,
    from,
  });
  const kafka = new Kafka({ clientId: 'bench-consumer', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-${prefix}`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topics: allTopics(prefix), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const id = message.headers?.['ce_id']?.toString();
      if (id) consumed.set(id, performance.now());
    },
  });
  await sleep(1_000); // the group is assigned its partitions
  relay.start();

  const patients = Array.from({ length: 50 }, () => history(`p-${randomUUID()}`));
  const interval = 1000 / rate;
  const start = performance.now();
  const warmUpUntil = start + 2_000;
  const measured = new Set<string>();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; performance.now() - start < duration * 1000; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const event = patients[i % patients.length]![Math.floor(i / patients.length) % 35]!;
    inFlight.push(
      writer
        .append(streamFor(event), [{ type: event.type, data: event.data as unknown as Record<string, unknown> }], {
          expectedVersion: 'any',
        })
        .then((result) => {
          const now = performance.now();
          accepted.set(result.eventIds[0]!, now);
          if (now > warmUpUntil) measured.add(result.eventIds[0]!);
        }),
    );
  }
  await Promise.all(inFlight);
  const deadline = Date.now() + 30_000;
  while ([...accepted.keys()].some((id) => !consumed.has(id)) && Date.now() < deadline) await sleep(20);
  await relay.stop();
  await consumer.disconnect();
  await relaySide.store.close();
  check(
    [...accepted.keys()].every((id) => consumed.has(id)),
    'every appended event reached the consumer',
  );

  const delays = (arrivals: Map<string, number>): Percentiles =>
    percentiles([...measured].map((id) => arrivals.get(id)! - accepted.get(id)!));
  return { acked: delays(acked), consumed: delays(consumed), appended: accepted.size };
}

async function lastCheckpoint(store: EventStore): Promise<Checkpoint> {
  let after: Checkpoint = START;
  for (;;) {
    const page = await store.readAll({ after, limit: 5000 });
    if (page.length === 0) return after;
    after = checkpointOf(page[page.length - 1]!);
  }
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), max: at(1), samples: sorted.length };
}

// ---------------------------------------------------------------- services

async function provideKafka(): Promise<{ brokers: string[]; external: boolean; stop(): Promise<void> }> {
  if (process.env['KAFKA_BROKERS'])
    return { brokers: process.env['KAFKA_BROKERS'].split(','), external: true, stop: async () => undefined };
  const script = (await import(join(ROOT, 'infra/kafka/broker.mjs'))) as BrokerScript;
  let port = 29_092;
  while (!((await portFree(port)) && (await portFree(port + 1)))) port += 2;
  const broker = await script.startBroker({ port, fresh: true });
  return {
    brokers: [broker.brokers],
    external: false,
    stop: async () => void (await script.stopBroker({ port }, { keepData: false })),
  };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => done(true)));
  });
}

async function serverVersion(sql: SqlDatabase): Promise<string> {
  const { rows } = await sql.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  return rows[0]?.v ?? 'unknown';
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const database = new PostgresDatabase({ connectionString: databaseUrl, schema });
  try {
    await database.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------- report

function render(
  report: {
    parameters: {
      events: number;
      batch: number;
      rate: number;
      durationSeconds: number;
      payload: { avgMessageBytes: number };
    };
    throughput: { relay: Stat; raw: Stat; ratio: number; targetMet: boolean };
    freshness: { acked: Percentiles; consumed: Percentiles; targetMet: boolean };
  },
  host: Machine,
): string {
  const { parameters: p, throughput: t, freshness: f } = report;
  return [
    `Relay: ${p.events} events, batches of ${p.batch}, ~${p.payload.avgMessageBytes} bytes per record (headers + body); ` +
      `${host.cores} cores, Node ${host.node}, load ${host.loadAverageAtStart.join(' ')}`,
    '',
    table(
      ['measure', 'CareTrail relay', 'raw kafkajs producer', 'relay/raw', 'target'],
      [
        [
          'events/s, log -> Kafka',
          formatStat(t.relay),
          formatStat(t.raw),
          formatRatio(t.ratio),
          `>= 70 %: ${t.targetMet ? 'met' : 'MISSED'}`,
        ],
        [
          `accepted -> acked by broker, ${p.rate}/s (ms)`,
          `p50 ${f.acked.p50}, p99 ${f.acked.p99}, max ${f.acked.max}`,
          '',
          '',
          '',
        ],
        [
          `accepted -> seen by consumer, ${p.rate}/s (ms)`,
          `p50 ${f.consumed.p50}, p99 ${f.consumed.p99}, max ${f.consumed.max}`,
          '',
          '',
          `p99 <= ${P99_TARGET_MS} ms: ${f.targetMet ? 'met' : 'MISSED'}`,
        ],
      ],
    ),
  ].join('\n');
}
