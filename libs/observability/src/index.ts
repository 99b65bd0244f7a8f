/**
 * @caretrail/observability: what every process needs for metrics
 * (Prometheus, prom-client) and traces (OpenTelemetry): docs/deployment.md,
 * Metrics and Traces. The libraries start spans through `tracer()`; only the
 * processes' main files call startTracing.
 */
export { createMetricsRegistry, METRIC_PREFIX, METRICS_PATH, type CareTrailService } from './metrics/metrics-registry';
export { cachedFor, SCRAPE_CACHE_MS } from './metrics/scrape-cache';
export {
  eventStoreMetrics,
  type AppendOutcome,
  type EventStoreTimings,
  type LogRead,
} from './metrics/event-store-metrics';
export { registerPoolMetrics, type PooledDatabase, type PoolUsage } from './metrics/pool-metrics';
export {
  otlpExporterFromEnv,
  startTracing,
  tracer,
  TRACER_NAME,
  type Tracing,
  type TracingOptions,
} from './tracing/tracing';
export { activeTraceparent, contextOf, spanContextOf, traceparentOf } from './tracing/traceparent';
