import { spawnSync } from 'node:child_process';
import { ROOT, yamlFile } from './deployment-files';

/*
 * `TESTCONTAINERS=1 npm test` starts PostgreSQL and Kafka in containers
 * (infra/scripts/containers.mjs). Our machines have no container runtime, so
 * this checks what it can: the module loads, Kafka's container is the
 * compose file's broker on the port asked for, and without a runtime the
 * failure says what is missing. (With one, the broker starts and stops.)
 */

/** Runs `body` in a Node ES module with `containers` imported, and returns what it prints as JSON. */
function inModule(body: string): unknown {
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `import * as containers from './infra/scripts/containers.mjs';\n${body}`],
    { cwd: ROOT, encoding: 'utf8', timeout: 180_000 },
  );
  if (result.status !== 0) throw new Error(`node exited with ${result.status}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
}

describe('containers for TESTCONTAINERS=1', () => {
  it("runs docker-compose.yml's Kafka with its port variable set to the port asked for", () => {
    const spec = inModule('console.log(JSON.stringify(containers.kafkaContainerSpec(19555)));') as {
      image: string;
      environment: Record<string, string>;
    };
    const compose = yamlFile<{ services: { kafka: { image: string; environment: Record<string, string> } } }>(
      'docker-compose.yml',
    ).services.kafka;
    expect(spec.image).toBe(compose.image);
    expect(Object.keys(spec.environment).sort()).toEqual(Object.keys(compose.environment).sort());
    expect(JSON.stringify(spec.environment)).not.toContain('${');
    expect(spec.environment['KAFKA_LISTENERS']).toContain('PLAINTEXT://:19555');
    expect(spec.environment['KAFKA_ADVERTISED_LISTENERS']).toContain('PLAINTEXT://127.0.0.1:19555');
  });

  it('starts Kafka, or says that a container runtime is needed', () => {
    const outcome = inModule(`
      try {
        const kafka = await containers.startKafkaContainer({ port: 19556 });
        await kafka.stop();
        console.log(JSON.stringify({ brokers: kafka.brokers }));
      } catch (error) {
        console.log(JSON.stringify({ error: error.message }));
      }`) as { brokers?: string; error?: string };
    if (outcome.error === undefined) expect(outcome).toEqual({ brokers: '127.0.0.1:19556' });
    else
      expect(outcome.error).toMatch(
        /^TESTCONTAINERS=1 needs a container runtime \(Docker or Podman\) and none could start Kafka: .+/,
      );
  });
});
