import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { activeTraceparent, contextOf, spanContextOf } from './traceparent';
import { otlpExporterFromEnv, startTracing, tracer } from './tracing';

describe('tracing', () => {
  it('creates no exporter and registers nothing without OTEL_EXPORTER_OTLP_ENDPOINT: spans are no-ops', () => {
    expect(otlpExporterFromEnv({})).toBeUndefined();
    expect(startTracing('api', { env: {} })).toBeUndefined();
    const span = tracer().startSpan('command');
    expect(span.isRecording()).toBe(false);
    expect(trace.getSpan(trace.setSpan(contextOf(undefined), span))?.spanContext().traceId).toBe(
      '00000000000000000000000000000000',
    );
    span.end();
  });

  it('exports over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
    expect(otlpExporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBeInstanceOf(
      OTLPTraceExporter,
    );
  });

  it('records spans once started, and a traceparent names the active span', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing('api', { exporter, immediate: true })!;
    try {
      const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      let inside: string | undefined;
      tracer().startActiveSpan('command', {}, contextOf(parent), (span) => {
        inside = activeTraceparent();
        span.end();
      });
      const [span] = exporter.getFinishedSpans();
      expect(span!.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(span!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      expect(inside).toBe(`00-0af7651916cd43dd8448eb211c80319c-${span!.spanContext().spanId}-01`);
    } finally {
      await tracing.shutdown();
    }
  });

  it('reads only well-formed traceparents', () => {
    expect(spanContextOf('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
    expect(spanContextOf('00-00000000000000000000000000000000-b7ad6b7169203331-01')).toBeUndefined();
    expect(spanContextOf('garbage')).toBeUndefined();
    expect(spanContextOf(42)).toBeUndefined();
  });
});
