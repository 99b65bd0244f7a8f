#!/usr/bin/env node
// End-to-end smoke check of the local broker with the client CareTrail uses:
// start (fresh) -> create topic -> produce 100 messages with an idempotent
// producer (acks=-1) -> consume them with a consumer group -> stop keeping data
// -> start again on the same port -> read the same 100 messages with a new
// group (the data survived) -> stop and delete.
//
//   node infra/kafka/smoke.mjs
//
// Uses KAFKA_PORT if set, otherwise 19092 (controller 19093), so it does not
// touch a development broker on 9092. Exits non-zero on any mismatch.

import { createRequire } from 'node:module';
import { startBroker, stopBroker } from './broker.mjs';

const { Kafka, logLevel } = createRequire(import.meta.url)('kafkajs');

const port = Number(process.env.KAFKA_PORT ?? 19092);
const TOPIC = 'caretrail.smoke';
const COUNT = 100;
const timings = {};
const t = async (name, fn) => {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings[name] = Math.round(performance.now() - t0);
  }
};

let broker;
let exitCode = 0;
try {
  broker = await t('start (fresh)', () => startBroker({ port, fresh: true }));
  const kafka = new Kafka({ clientId: 'caretrail-smoke', brokers: [broker.brokers], logLevel: logLevel.WARN });

  const admin = kafka.admin();
  await admin.connect();
  await t('createTopic', () =>
    admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }], waitForLeaders: true }),
  );
  await admin.disconnect();

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await t(`produce ${COUNT} (one send each)`, async () => {
    for (let i = 0; i < COUNT; i++) {
      // Keyed like CareTrail events (key = patient id) so all three partitions are used.
      await producer.send({
        topic: TOPIC,
        acks: -1,
        messages: [{ key: `patient-${i % 7}`, value: JSON.stringify({ i }) }],
      });
    }
  });
  await producer.disconnect();

  const first = await t('consume (group, first join)', () => consumeAll(kafka, 'caretrail-smoke-1'));
  check('consumed before restart', first);

  await t('stop (keepData)', () => stopBroker(broker, { keepData: true }));
  broker = await t('start (reuse data)', () => startBroker({ port }));
  const kafka2 = new Kafka({ clientId: 'caretrail-smoke', brokers: [broker.brokers], logLevel: logLevel.WARN });
  const second = await t('consume after restart', () => consumeAll(kafka2, 'caretrail-smoke-2'));
  check('consumed after restart', second);
} catch (err) {
  console.error(`smoke FAILED: ${err.stack ?? err}`);
  exitCode = 1;
} finally {
  if (broker) await t('stop (delete)', () => stopBroker(broker));
}

console.log('\ntimings (ms):');
for (const [k, v] of Object.entries(timings)) console.log(`  ${k.padEnd(34)} ${v}`);
process.exit(exitCode);

function check(label, ids) {
  const unique = new Set(ids);
  const ok = ids.length === COUNT && unique.size === COUNT;
  console.log(`${label}: ${ids.length} messages, ${unique.size} distinct ${ok ? 'OK' : 'MISMATCH'}`);
  if (!ok) exitCode = 1;
}

async function consumeAll(kafka, groupId, timeoutMs = 30_000) {
  const consumer = kafka.consumer({ groupId });
  const ids = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${ids.length}/${COUNT} messages within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            ids.push(JSON.parse(message.value.toString()).i);
            if (ids.length >= COUNT) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return ids;
}
