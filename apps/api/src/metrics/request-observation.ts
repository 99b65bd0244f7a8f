import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { tracer } from '@caretrail/observability';
import type { ApiMetrics } from './api-metrics';

/** The matched route's template; requests refused before routing (rate limit, body) have none. */
function routeOf(request: Request): string {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : 'unmatched';
}

/**
 * Times every request, from the first middleware to the last byte (or a
 * closed connection), into caretrail_http_request_duration_seconds. One
 * observe per request: all it costs on the write path.
 */
export const timeRequests =
  (metrics: ApiMetrics) =>
  (request: Request, response: Response, next: NextFunction): void => {
    const started = performance.now();
    response.once('close', () =>
      metrics.requestAnswered(
        request.method,
        routeOf(request),
        response.statusCode,
        (performance.now() - started) / 1000,
      ),
    );
    next();
  };

/**
 * The request's server span (docs/deployment.md, Traces), continuing the
 * caller's W3C `traceparent` when it sends one; the command and the append
 * it leads to are its children. Named by method and route template, with no
 * path, query or body: those name patients. Installed after the body is read
 * (the reader's stream callbacks would leave the span's context behind).
 * Without a tracer provider the span is the no-op one.
 */
export const traceRequests =
  () =>
  (request: Request, response: Response, next: NextFunction): void => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer().startSpan(request.method, { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) {
      span.setAttributes({ 'http.request.method': request.method, 'caretrail.correlation_id': String(request.id) });
      response.once('close', () => {
        const route = routeOf(request);
        span.updateName(`${request.method} ${route}`);
        span.setAttributes({ 'http.route': route, 'http.response.status_code': response.statusCode });
        if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
    }
    context.with(trace.setSpan(parent, span), next);
  };
