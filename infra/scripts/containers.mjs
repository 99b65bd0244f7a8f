// The services of `TESTCONTAINERS=1 npm test` (infra/scripts/test.mjs), in
// throwaway containers: needs Docker or Podman on this machine. Kafka is
// the broker of docker-compose.yml's `kafka` service, same image and
// settings, so the three ways to get a broker (compose, containers,
// infra/kafka/broker.mjs) agree.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const root = new URL('../..', import.meta.url).pathname;

function needsRuntime(service, error) {
  return new Error(
    `TESTCONTAINERS=1 needs a container runtime (Docker or Podman) and none could start ${service}: ${error.message}`,
  );
}

/** PostgreSQL 15 with a `test` database; resolves to its connection string and a stop function. */
export async function startPostgresContainer() {
  const { PostgreSqlContainer } = require('@testcontainers/postgresql');
  let container;
  try {
    container = await new PostgreSqlContainer('postgres:15-alpine').withDatabase('test').start();
  } catch (error) {
    throw needsRuntime('PostgreSQL', error);
  }
  return { url: container.getConnectionUri(), stop: () => container.stop() };
}

/**
 * docker-compose.yml's Kafka image and environment with its port variable
 * set to `port`. The listener uses the same port inside and outside the
 * container, as in the compose file, so the advertised address works from
 * this machine.
 */
export function kafkaContainerSpec(port) {
  const { services } = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
  const environment = Object.fromEntries(
    Object.entries(services.kafka.environment).map(([name, value]) => [
      name,
      String(value).replaceAll('${KAFKA_PORT:-9092}', String(port)),
    ]),
  );
  return { image: services.kafka.image, environment };
}

/** A single-node Kafka broker on 127.0.0.1:`port`; resolves to KAFKA_BROKERS and a stop function. */
export async function startKafkaContainer({ port }) {
  const { GenericContainer, Wait } = require('testcontainers');
  const { image, environment } = kafkaContainerSpec(port);
  let container;
  try {
    container = await new GenericContainer(image)
      .withExposedPorts({ container: port, host: port })
      .withEnvironment(environment)
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .withStartupTimeout(120_000)
      .start();
  } catch (error) {
    throw needsRuntime('Kafka', error);
  }
  return { brokers: `127.0.0.1:${port}`, stop: () => container.stop() };
}
