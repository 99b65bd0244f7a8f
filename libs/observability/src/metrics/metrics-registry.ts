import { collectDefaultMetrics, Registry } from 'prom-client';

/** Where every CareTrail process serves its metrics (docs/deployment.md, Metrics). */
export const METRICS_PATH = '/metrics';

/** Every metric the product exports starts with this (docs/deployment.md, Metrics). */
export const METRIC_PREFIX = 'caretrail_';

/** The three processes (docs/deployment.md): the `service` label of every metric they export. */
export type CareTrailService = 'api' | 'projector' | 'relay';

/**
 * A registry of this process's own (never prom-client's global one: tests run
 * several API instances in one process), labelled with the service, with
 * Node's default process metrics under the CareTrail prefix
 * (`caretrail_process_cpu_seconds_total`, `caretrail_nodejs_heap_size_used_bytes`, ...).
 */
export function createMetricsRegistry(service: CareTrailService): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}
