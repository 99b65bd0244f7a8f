import { readFileSync } from 'node:fs';
import { Histogram } from 'prom-client';
import { join } from 'node:path';
import type { EventStore, SqlDatabase, IntegrityStatus } from '@caretrail/event-store';
import { registerRelayMetrics, type Relay } from '@caretrail/integration';
import { createMetricsRegistry, eventStoreMetrics, registerPoolMetrics } from '@caretrail/observability';
import { registerProjectionMetrics, type ProjectionHost } from '@caretrail/projections';
import { ApiMetrics } from './api-metrics';
import { registerIntegrityMetrics } from './integrity-metrics';

const DASHBOARD = join(__dirname, '../../../../infra/grafana/caretrail-dashboard.json');

/** Every metric name the three processes register (nothing is collected: the fakes are never called). */
function exportedNames(): Set<string> {
  const api = new ApiMetrics();
  registerIntegrityMetrics(api.registry, () => ({}) as IntegrityStatus);
  registerPoolMetrics(api.registry, { poolUsage: () => ({ total: 0, idle: 0, waiting: 0 }) });
  const projector = createMetricsRegistry('projector');
  eventStoreMetrics(projector);
  registerProjectionMetrics(projector, {} as ProjectionHost);
  const relay = createMetricsRegistry('relay');
  registerRelayMetrics(relay, {} as Relay, {} as EventStore, {} as SqlDatabase);
  const names = new Set<string>();
  for (const registry of [api.registry, projector, relay])
    for (const metric of registry.getMetricsAsArray()) {
      const { name } = metric as unknown as { name: string };
      names.add(name);
      if (metric instanceof Histogram) for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    }
  return names;
}

describe('the Grafana dashboard (infra/grafana)', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  };
  const queried = dashboard.panels.flatMap((panel) =>
    panel.targets.flatMap((target) => [...target.expr.matchAll(/\bcaretrail_[a-z0-9_]+/g)].map(([name]) => name)),
  );

  it('queries only metrics the product exports', () => {
    const exported = exportedNames();
    expect(queried.length).toBeGreaterThan(0);
    expect(queried.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('shows HTTP, commands, conflicts, lag per shard, parked events, the access log, integrity and the pool', () => {
    for (const name of [
      'caretrail_http_requests_total',
      'caretrail_http_request_duration_seconds_bucket',
      'caretrail_commands_total',
      'caretrail_event_store_append_conflicts_total',
      'caretrail_projection_lag_events',
      'caretrail_projection_lag_seconds',
      'caretrail_projection_parked_events',
      'caretrail_relay_lag_events',
      'caretrail_relay_lag_seconds',
      'caretrail_access_log_write_failures_total',
      'caretrail_integrity_state',
      'caretrail_db_pool_connections',
    ])
      expect(queried).toContain(name);
  });
});
