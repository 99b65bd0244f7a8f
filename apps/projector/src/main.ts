import { eventStoreConfigFromEnv, openEventStore, shardingConfigFromEnv } from '@caretrail/event-store';
import { createMetricsRegistry, eventStoreMetrics, registerPoolMetrics, startTracing } from '@caretrail/observability';
import { ProjectionHost, registerProjectionMetrics } from '@caretrail/projections';
import { readModels } from '@caretrail/read-models';
import { serveProjectorHealth } from './health';

/*
 * The projector on its own: runs every read model against the store in
 * DATABASE_URL. Run several to share the work: each read model's shards
 * (PROJECTION_SHARDS) are divided among the running projectors under leases
 * (SHARD_LEASE_MS), and the shards of one that dies move to the others
 * (docs/architecture.md, "Shards and leases"). (On the embedded default the
 * API runs the read models itself: the data directory admits one process only.)
 */
async function main(): Promise<void> {
  // First, so that every span is recorded (none without OTEL_EXPORTER_OTLP_ENDPOINT: docs/deployment.md, Traces).
  const tracing = startTracing('projector');
  const config = { ...eventStoreConfigFromEnv(), applicationName: 'caretrail-projector' };
  if (!config.databaseUrl) {
    throw new Error(
      'The projector runs against PostgreSQL (DATABASE_URL); on the embedded store the API runs the read models.',
    );
  }
  const sharding = shardingConfigFromEnv(process.env);
  // Every setting is checked before the store is opened: a wrong one stops the projector untouched.
  const options = {
    poisonPolicy: process.env['PROJECTION_POISON_POLICY'] === 'park' ? ('park' as const) : ('stop' as const),
    shards: sharding.projectionShards,
    leaseMs: sharding.leaseMs,
    batchSize: batchSizeFrom(process.env['PROJECTION_BATCH_SIZE']),
    rebuildPauseMs: rebuildPauseFrom(process.env['PROJECTION_REBUILD_PAUSE_MS']),
  };
  const store = await openEventStore(config);
  const host = new ProjectionHost(store, store.database, readModels, options);
  const metrics = createMetricsRegistry('projector');
  store.observe(eventStoreMetrics(metrics));
  registerPoolMetrics(metrics, store.database);
  registerProjectionMetrics(metrics, host);
  await host.start();
  const health = await serveProjectorHealth(host, process.env, metrics);
  console.log(
    JSON.stringify({
      msg: 'projector started',
      readModels: readModels.map((m) => m.name),
      member: host.member,
      healthPort: health?.port,
    }),
  );
  const shutdown = async (): Promise<void> => {
    await health?.close();
    await host.stop();
    await store.close();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

/** PROJECTION_BATCH_SIZE: events read per page of the log (default 1000). */
function batchSizeFrom(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > 100_000) {
    throw new Error(`PROJECTION_BATCH_SIZE must be a whole number of events from 1 to 100000, got "${value}"`);
  }
  return size;
}

function rebuildPauseFrom(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0 || ms > 60_000) {
    throw new Error(
      `PROJECTION_REBUILD_PAUSE_MS must be a whole number of milliseconds from 0 to 60000, got "${value}"`,
    );
  }
  return ms;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
