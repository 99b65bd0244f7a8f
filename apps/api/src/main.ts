import 'reflect-metadata';
import { createApp } from './app';
import { apiConfigFromEnv } from './config/api-config';

async function main(): Promise<void> {
  const config = apiConfigFromEnv();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const where = config.store.databaseUrl ? 'PostgreSQL' : `the embedded store in ${config.store.dataDir}`;
  console.log(`CareTrail API on http://${config.host}:${config.port} (docs at /docs), events in ${where}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
