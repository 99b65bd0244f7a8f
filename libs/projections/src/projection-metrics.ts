import { Gauge, type Registry } from 'prom-client';
import { cachedFor, SCRAPE_CACHE_MS } from '@caretrail/observability';
import type { ProjectionHost } from './projection-host';

/**
 * The read models' metrics (docs/deployment.md, Metrics), computed when
 * scraped from what `GET /admin/projections` shows, cached for a couple of
 * seconds: lag in events and seconds per model and shard, events applied per
 * second and parked events per model. Every process running read models
 * reads the same lease rows, so they all report every shard: aggregate with
 * `max by (model, shard)`.
 */
export function registerProjectionMetrics(registry: Registry, host: ProjectionHost, cacheMs = SCRAPE_CACHE_MS): void {
  const status = cachedFor(cacheMs, () => host.status());
  const parked = cachedFor(cacheMs, () => host.parkedCounts());
  const perShard = (name: string, help: string, value: (shard: { lagEvents: number; lagSeconds: number }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['model', 'shard'] as const,
      registers: [registry],
      async collect() {
        const models = await status();
        this.reset();
        for (const model of models)
          for (const shard of model.shards) this.set({ model: model.name, shard: String(shard.shard) }, value(shard));
      },
    });
  perShard(
    'caretrail_projection_lag_events',
    'Events a read model shard has still to read past (estimated).',
    (s) => s.lagEvents,
  );
  perShard(
    'caretrail_projection_lag_seconds',
    'Age of the oldest event a read model shard has still to read past.',
    (s) => s.lagSeconds,
  );
  new Gauge({
    name: 'caretrail_projection_events_per_second',
    help: 'Events a read model applies per second, over the processes holding its shards.',
    labelNames: ['model'] as const,
    registers: [registry],
    async collect() {
      const models = await status();
      this.reset();
      for (const model of models) this.set({ model: model.name }, model.eventsPerSecond);
    },
  });
  new Gauge({
    name: 'caretrail_projection_parked_events',
    help: 'Events a read model could not apply and parked (PROJECTION_POISON_POLICY=park).',
    labelNames: ['model'] as const,
    registers: [registry],
    async collect() {
      const counts = await parked();
      this.reset();
      for (const [model, count] of counts) this.set({ model }, count);
    },
  });
}
