import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import type { ApiConfig } from './config/api-config';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's correlation id, made once: the caller's X-Correlation-Id when it sends a sane
 * one, else a new one, answered in the X-Correlation-Id header.
 */
export function correlationIdOf(request: IncomingMessage, response: ServerResponse): string {
  const known = (request as { id?: unknown }).id;
  if (typeof known === 'string') return known;
  const sent = request.headers['x-correlation-id'];
  const id = typeof sent === 'string' && CORRELATION_ID.test(sent) ? sent : randomUUID();
  response.setHeader('X-Correlation-Id', id);
  (request as { id?: string }).id = id;
  return id;
}

/**
 * Gives every request its correlation id before anything can refuse it (security headers,
 * rate limits, the strict JSON body), so those refusals carry it too.
 */
export const correlationId =
  () =>
  (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    correlationIdOf(request, response);
    next();
  };

/**
 * JSON logs, one line per request, with a correlation id: the caller's
 * X-Correlation-Id when it sends a sane one, else a new one. The same id is
 * returned in the response and written into the metadata of every event the
 * request appends.
 */
export function loggingOptions(config: ApiConfig): Options {
  return {
    level: config.logLevel,
    // One line per request at info; above it, skip building per-request loggers altogether.
    autoLogging: ['trace', 'debug', 'info'].includes(config.logLevel),
    genReqId: correlationIdOf,
    // Tokens and personal data stay out of logs.
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
    customProps: (request) => ({ userId: (request as { principal?: { userId: string } }).principal?.userId }),
  };
}
