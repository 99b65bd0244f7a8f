import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { CareTrailService } from '../metrics/metrics-registry';

/** The name every CareTrail tracer is asked for: spans carry the process in their resource instead. */
export const TRACER_NAME = 'caretrail';

/** The tracer of CareTrail's own spans: a no-op until startTracing registered a provider. */
export const tracer = (): Tracer => trace.getTracer(TRACER_NAME);

export interface Tracing {
  /** Exports what is still buffered, then stops tracing. */
  shutdown(): Promise<void>;
}

/**
 * The OTLP/HTTP exporter when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; it reads the endpoint, headers
 * and timeout from the standard OTEL_* variables itself. Undefined otherwise.
 */
export function otlpExporterFromEnv(env: NodeJS.ProcessEnv): SpanExporter | undefined {
  if (!env['OTEL_EXPORTER_OTLP_ENDPOINT'] && !env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) return undefined;
  return new OTLPTraceExporter();
}

export interface TracingOptions {
  env?: NodeJS.ProcessEnv;
  /** Where spans go; default the OTLP exporter when configured (otlpExporterFromEnv). */
  exporter?: SpanExporter;
  /** Export each span as it ends instead of in batches (tests that read an in-memory exporter). */
  immediate?: boolean;
}

/**
 * Traces (docs/deployment.md, Traces): with an exporter, registers a tracer
 * provider for this process (W3C trace context, async-hooks context) and
 * returns it; without one registers nothing, so every span CareTrail starts
 * is the API's no-op span and costs next to nothing. Call it first in main.
 */
export function startTracing(service: CareTrailService, options: TracingOptions = {}): Tracing | undefined {
  const exporter = options.exporter ?? otlpExporterFromEnv(options.env ?? process.env);
  if (!exporter) return undefined;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: `caretrail-${service}` }),
    spanProcessors: [options.immediate ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  provider.register();
  return {
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
