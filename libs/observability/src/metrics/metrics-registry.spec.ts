import { createMetricsRegistry } from './metrics-registry';
import { registerPoolMetrics } from './pool-metrics';

describe('createMetricsRegistry', () => {
  it('labels every metric with its service and prefixes the default process metrics', async () => {
    const registry = createMetricsRegistry('projector');
    const metrics = await registry.getMetricsAsJSON();
    const names = metrics.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['caretrail_process_cpu_seconds_total']));
    expect(names.filter((name) => !name.startsWith('caretrail_'))).toEqual([]);
    const cpu = metrics.find((m) => m.name === 'caretrail_process_cpu_seconds_total')!;
    expect(cpu.values[0]!.labels).toMatchObject({ service: 'projector' });
  });

  it('reports a pool only where the database has one', async () => {
    const pooled = createMetricsRegistry('api');
    registerPoolMetrics(pooled, { poolUsage: () => ({ total: 5, idle: 3, waiting: 1 }) });
    const pool = (await pooled.getMetricsAsJSON()).find((m) => m.name === 'caretrail_db_pool_connections')!;
    expect(pool.values.map((v) => [v.labels['state'], v.value])).toEqual([
      ['total', 5],
      ['idle', 3],
      ['waiting', 1],
    ]);
    const embedded = createMetricsRegistry('api');
    registerPoolMetrics(embedded, {});
    expect((await embedded.getMetricsAsJSON()).some((m) => m.name === 'caretrail_db_pool_connections')).toBe(false);
  });
});
