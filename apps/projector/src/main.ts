import { eventStoreConfigFromEnv, openEventStore } from '@caretrail/event-store';
import { ProjectionHost } from '@caretrail/projections';
import { readModels } from '@caretrail/read-models';
import { serveProjectorHealth } from './health';

/*
 * The projector on its own: runs every read model against the store in
 * DATABASE_URL. Run several for availability: each read model has one active
 * runner at a time and the others take over when it stops. (On the embedded
 * default the API runs the read models itself: the data directory admits one
 * process only.)
 */
async function main(): Promise<void> {
  const config = { ...eventStoreConfigFromEnv(), applicationName: 'caretrail-projector' };
  if (!config.databaseUrl) {
    throw new Error(
      'The projector runs against PostgreSQL (DATABASE_URL); on the embedded store the API runs the read models.',
    );
  }
  const store = await openEventStore(config);
  const host = new ProjectionHost(store, store.database, readModels, {
    poisonPolicy: process.env['PROJECTION_POISON_POLICY'] === 'park' ? 'park' : 'stop',
  });
  await host.start();
  const health = await serveProjectorHealth(host, process.env);
  console.log(
    JSON.stringify({ msg: 'projector started', readModels: readModels.map((m) => m.name), healthPort: health?.port }),
  );
  const shutdown = async (): Promise<void> => {
    await health?.close();
    await host.stop();
    await store.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
