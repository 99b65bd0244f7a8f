import type { EventStore, SqlDatabase } from '@caretrail/event-store';
import { ProjectionHost } from '@caretrail/projections';
import { readModels } from '@caretrail/read-models';

/**
 * Builds every read model from the log up to its head, in this process, and
 * stops: what the API or apps/projector would do at start on a store whose
 * read models are empty (after `store import`).
 */
export async function buildReadModels(
  store: EventStore,
  sql: SqlDatabase,
  progress?: (line: string, done?: boolean) => void,
): Promise<void> {
  const { headPosition } = await store.status();
  const host = new ProjectionHost(store, sql, readModels, { reconcileMs: 200 });
  await host.start();
  try {
    for (;;) {
      const statuses = await host.status();
      const failed = statuses.find((s) => s.lastError !== null);
      if (failed) throw new Error(`read model ${failed.name} stopped: ${failed.lastError!.message}`);
      const behind = statuses.filter((s) => s.rebuild !== null || s.lagEvents > 0 || s.headPosition < headPosition);
      if (behind.length === 0) break;
      progress?.(`building read models: ${statuses.length - behind.length} of ${statuses.length} caught up`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    progress?.(`building read models: all ${readModels.length} caught up`, true);
  } finally {
    await host.stop();
  }
}
