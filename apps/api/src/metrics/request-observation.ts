import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tracer } from '@caretrail/observability';
import type { ApiMetrics } from './api-metrics';

/** The matched route's template; requests refused before routing (rate limit, body) have none. */
function routeOf(request: FastifyRequest): string {
  const url = request.routeOptions.url;
  return typeof url === 'string' && !request.is404 ? url : 'unmatched';
}

/**
 * Times every request, from its first hook to the last byte (or a closed
 * connection), into caretrail_http_request_duration_seconds. One observe per
 * request: all it costs on the write path. Registered before the middleware,
 * so refusals there (rate limit, body) are timed too.
 */
export function timeRequests(fastify: FastifyInstance, metrics: ApiMetrics): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const started = performance.now();
    reply.raw.once('close', () =>
      metrics.requestAnswered(
        request.method,
        routeOf(request),
        reply.raw.statusCode,
        (performance.now() - started) / 1000,
      ),
    );
    done();
  });
}

/**
 * The request's server span (docs/deployment.md, Traces), continuing the
 * caller's W3C `traceparent` when it sends one; the command and the append
 * it leads to are its children. Named by method and route template, with no
 * path, query or body: those name patients. Started once the body is read,
 * just before the route's handler, so the handler runs in its context.
 * Without a tracer provider the span is the no-op one.
 */
export function traceRequests(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', (request, reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer().startSpan(request.method, { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) {
      span.setAttributes({ 'http.request.method': request.method, 'caretrail.correlation_id': String(request.id) });
      reply.raw.once('close', () => {
        const route = routeOf(request);
        const status = reply.raw.statusCode;
        span.updateName(`${request.method} ${route}`);
        span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
    }
    context.with(trace.setSpan(parent, span), done);
  });
}
