import { Counter, Gauge, type Registry } from 'prom-client';
import type { EventStore, SqlDatabase } from '@caretrail/event-store';
import { cachedFor, SCRAPE_CACHE_MS } from '@caretrail/observability';
import type { Relay } from './relay';
import { relayShardsStatus } from './relay-shards';

/**
 * The relay's metrics (docs/deployment.md, Metrics; docs/kafka.md): lag in
 * events and seconds per shard (from the lease rows, every relay reports
 * every shard: aggregate with `max by (shard)`), computed when scraped and
 * cached briefly; what this process published and when it last did; and
 * whether its broker answers (0 while it retries a publish).
 */
export function registerRelayMetrics(
  registry: Registry,
  relay: Relay,
  store: EventStore,
  sql: SqlDatabase,
  cacheMs = SCRAPE_CACHE_MS,
): void {
  const shards = cachedFor(cacheMs, () => relayShardsStatus(store, sql));
  const perShard = (name: string, help: string, value: (shard: { lagEvents: number; lagSeconds: number }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['shard'] as const,
      registers: [registry],
      async collect() {
        const status = await shards();
        this.reset();
        for (const shard of status?.shards ?? []) this.set({ shard: String(shard.shard) }, value(shard));
      },
    });
  perShard('caretrail_relay_lag_events', 'Events a relay shard has still to publish (estimated).', (s) => s.lagEvents);
  perShard(
    'caretrail_relay_lag_seconds',
    'Age of the oldest event a relay shard has still to publish.',
    (s) => s.lagSeconds,
  );
  new Counter({
    name: 'caretrail_relay_published_total',
    help: 'Messages this relay published and the broker acknowledged since the process started.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(relay.publishing().published);
    },
  });
  new Gauge({
    name: 'caretrail_relay_last_publish_timestamp_seconds',
    help: 'When this relay last had a batch acknowledged (Unix time; 0 before its first).',
    registers: [registry],
    collect() {
      this.set((relay.publishing().lastPublishedAt ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'caretrail_relay_broker_connected',
    help: 'Whether the broker answers this relay: 0 while a publish is being retried, else 1.',
    registers: [registry],
    collect() {
      this.set(relay.progress().state === 'retrying' ? 0 : 1);
    },
  });
}
