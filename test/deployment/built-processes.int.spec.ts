import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openEventStoreOn, PostgresDatabase } from '@caretrail/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '@caretrail/event-store/testing';
import { HEALTH_PATHS } from '@caretrail/health';
import {
  appendArgs,
  freePortPair,
  patientHistory,
  testKafkaBrokers,
  uniqueTopicPrefix,
} from '@caretrail/integration/testing';
import { parseMetrics, sampleSum, type MetricFamily } from '@caretrail/observability/testing';
import { ENTRYPOINT, entrypointCommands, read, ROOT } from './deployment-files';

/*
 * The image's commands, run here as the image runs them (the entry script,
 * on the built apps), against the real PostgreSQL and Kafka: what
 * docs/deployment.md promises the probes will find.
 */

const apps = [...entrypointCommands().keys()];

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return path.endsWith('.js') ? [path] : [];
  });
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

it('the built apps need nothing `npm ci --omit=dev` leaves out', () => {
  const { dependencies } = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
  const builtins = new Set(builtinModules);
  const missing = new Set<string>();
  const seen = new Set<string>();
  for (const app of apps) {
    for (const file of jsFiles(join(ROOT, 'dist/apps', app))) {
      for (const [, specifier = ''] of readFileSync(file, 'utf8').matchAll(/require\("([^"./][^"]*)"\)/g)) {
        if (specifier.startsWith('node:') || builtins.has(specifier)) continue;
        seen.add(packageOf(specifier));
        if (!(packageOf(specifier) in dependencies)) missing.add(`${app}: ${specifier}`);
      }
    }
  }
  expect([...missing]).toEqual([]);
  // The scan did find the packages the processes load.
  expect([...seen]).toEqual(expect.arrayContaining(['pg', 'kafkajs', '@nestjs/core', '@electric-sql/pglite']));
});

interface Started {
  child: ChildProcess;
  output(): string;
  port: number;
}

/** Runs the entry script like the image does and waits for the line that names the health port. */
async function startThroughEntrypoint(
  app: string,
  env: Record<string, string>,
  portIn: (line: Record<string, unknown>) => unknown,
): Promise<Started> {
  const child = spawn('sh', [ENTRYPOINT, app], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}:\n${output}`);
    for (const line of output.split('\n')) {
      if (!line.startsWith('{')) continue;
      const port = portIn(JSON.parse(line) as Record<string, unknown>);
      if (typeof port === 'number') return { child, port, output: () => output };
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`${app} did not report its health port within 60 s:\n${output}`);
}

/** GET /metrics of a status server, parsed as Prometheus text. */
async function metricsOf(port: number): Promise<Map<string, MetricFamily>> {
  const response = await fetch(`http://127.0.0.1:${port}${HEALTH_PATHS.metrics}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await response.text());
}

async function get(port: number, path: string): Promise<{ code: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { code: response.status, body: await response.json() };
}

/** The readiness answer once it is `code`, or the last one after 30 s. */
/** The readiness answer once it has `code` and, when given, the subscription `state` (or the last one after 30 s). */
async function untilReady(started: Started, code = 200, state?: string): Promise<{ code: number; body: unknown }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await get(started.port, HEALTH_PATHS.ready);
    const reached =
      answer.code === code && (state === undefined || (answer.body as { state?: string }).state === state);
    if (reached || Date.now() > deadline) return answer;
    await sleep(100);
  }
}

async function stop(started: Started): Promise<number | null> {
  if (started.child.exitCode !== null) return started.child.exitCode;
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  started.child.kill('SIGTERM');
  return exited;
}

describe('the processes the image runs, through the entry script', () => {
  const schema = uniqueSchema('deploy');
  const base = { DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: schema, LOG_LEVEL: 'info' };
  afterAll(() => dropSchema(schema));

  it('projector: alive and ready on PROJECTOR_STATUS_PORT, and stops cleanly on SIGTERM', async () => {
    const projector = await startThroughEntrypoint('projector', { ...base, PROJECTOR_STATUS_PORT: '0' }, (line) =>
      line['msg'] === 'projector started' ? line['healthPort'] : undefined,
    );
    try {
      expect(await get(projector.port, HEALTH_PATHS.live)).toEqual({ code: 200, body: { status: 'ok' } });
      expect(await untilReady(projector)).toMatchObject({ code: 200, body: { status: 'ok', failed: [] } });
      const status = await get(projector.port, HEALTH_PATHS.status);
      expect(status.code).toBe(200);
      expect((status.body as { name: string }[]).map((m) => m.name).sort()).toEqual(
        ['adherence', 'collaboration', 'current-plan', 'registry'].sort(),
      );
      // Metrics on the same port (docs/deployment.md, Metrics): per model and shard, labelled with the process.
      const metrics = await metricsOf(projector.port);
      const lag = metrics.get('caretrail_projection_lag_events')!;
      expect(new Set(lag.metrics.map((m) => m.labels?.['model']))).toEqual(
        new Set(['adherence', 'collaboration', 'current-plan', 'registry']),
      );
      expect(
        lag.metrics.every((m) => m.labels?.['service'] === 'projector' && /^\d+$/.test(m.labels['shard'] ?? '')),
      ).toBe(true);
      for (const name of ['caretrail_projection_lag_seconds', 'caretrail_projection_events_per_second'])
        expect(metrics.get(name)?.type).toBe('GAUGE');
      expect(sampleSum(metrics, 'caretrail_projection_parked_events')).toBe(0);
      expect(sampleSum(metrics, 'caretrail_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
      expect(metrics.get('caretrail_event_store_read_duration_seconds')?.type).toBe('HISTOGRAM');
      expect(sampleSum(metrics, 'caretrail_process_cpu_seconds_total', { service: 'projector' })).toBeGreaterThan(0);
    } finally {
      expect(await stop(projector)).toBe(0);
    }
  });

  it('relay: alive and ready on RELAY_STATUS_PORT, and stops cleanly on SIGTERM', async () => {
    const store = await openEventStoreOn(
      new PostgresDatabase({ connectionString: testDatabaseUrl(), schema, applicationName: `${schema}-writer` }),
    );
    try {
      // Something to publish, so that the published count moves.
      await store.append(...appendArgs(patientHistory('p-published')[0]!));
    } finally {
      await store.close();
    }
    const relay = await startThroughEntrypoint(
      'relay',
      {
        ...base,
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('deploy'),
        RELAY_STATUS_PORT: '0',
      },
      (line) => (typeof line['msg'] === 'string' && line['msg'].startsWith('status on') ? line['port'] : undefined),
    );
    try {
      expect(await get(relay.port, HEALTH_PATHS.live)).toEqual({ code: 200, body: { status: 'ok' } });
      expect(await untilReady(relay)).toMatchObject({ code: 200, body: { status: 'ok', state: 'running' } });
      expect(await get(relay.port, HEALTH_PATHS.status)).toMatchObject({ code: 200, body: { leader: true } });
      // Ready once it runs; the event appended before it started is published soon after.
      let metrics = await metricsOf(relay.port);
      for (let tries = 0; tries < 100 && sampleSum(metrics, 'caretrail_relay_published_total') < 1; tries++) {
        await sleep(100);
        metrics = await metricsOf(relay.port);
      }
      expect(sampleSum(metrics, 'caretrail_relay_published_total', { service: 'relay' })).toBe(1);
      expect(sampleSum(metrics, 'caretrail_relay_last_publish_timestamp_seconds')).toBeGreaterThan(0);
      expect(sampleSum(metrics, 'caretrail_relay_broker_connected')).toBe(1);
      // One sample per shard (RELAY_SHARDS, default 16), whoever holds it.
      expect(
        metrics
          .get('caretrail_relay_lag_events')!
          .metrics.map((m) => Number(m.labels?.['shard']))
          .sort((a, b) => a - b),
      ).toEqual(Array.from({ length: 16 }, (_, shard) => shard));
      expect(metrics.get('caretrail_relay_lag_seconds')?.type).toBe('GAUGE');
      // Starting against a broker logs no error (docs/kafka.md, Logging).
      expect(relay.output()).not.toMatch(/"level":50/);
    } finally {
      expect(await stop(relay)).toBe(0);
    }
  });

  it('relay: alive but not ready while the broker is unreachable, saying why', async () => {
    const store = await openEventStoreOn(
      new PostgresDatabase({ connectionString: testDatabaseUrl(), schema, applicationName: `${schema}-writer` }),
    );
    try {
      // Something to publish, so the relay has to reach the broker.
      await store.append(...appendArgs(patientHistory('p-unreachable')[0]!));
    } finally {
      await store.close();
    }
    const relay = await startThroughEntrypoint(
      'relay',
      {
        ...base,
        KAFKA_BROKERS: `127.0.0.1:${await freePortPair()}`,
        KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('unreachable'),
        RELAY_STATUS_PORT: '0',
      },
      (line) => (typeof line['msg'] === 'string' && line['msg'].startsWith('status on') ? line['port'] : undefined),
    );
    try {
      // Not ready from the start; `retrying` once its first publish failed.
      expect(await untilReady(relay, 503, 'retrying')).toMatchObject({
        code: 503,
        body: { status: 'down', state: 'retrying', lastError: { message: expect.any(String) } },
      });
      // Restarting it would not bring the broker back: liveness holds.
      expect(await get(relay.port, HEALTH_PATHS.live)).toEqual({ code: 200, body: { status: 'ok' } });
    } finally {
      expect(await stop(relay)).toBe(0);
    }
  });
});
