import 'reflect-metadata';
import { startTracing } from '@caretrail/observability';
import { createApp } from './app';
import { apiConfigFromEnv } from './config/api-config';

async function main(): Promise<void> {
  // First, so that every span of the process is recorded (none without OTEL_EXPORTER_OTLP_ENDPOINT).
  const tracing = startTracing('api');
  const config = apiConfigFromEnv();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const where = config.store.databaseUrl ? 'PostgreSQL' : `the embedded store in ${config.store.dataDir}`;
  // The last spans are exported once the API has stopped (Nest's shutdown hooks ran on the same signal).
  if (tracing) for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void tracing.shutdown());
  console.log(`CareTrail API on http://${config.host}:${config.port} (docs at /docs), events in ${where}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
