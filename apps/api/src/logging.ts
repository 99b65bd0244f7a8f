import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import type { ApiConfig } from './config/api-config';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's correlation id, Fastify's request id: the caller's X-Correlation-Id when it
 * sends a sane one, else a new one.
 */
export function correlationIdFor(request: IncomingMessage): string {
  const sent = request.headers['x-correlation-id'];
  return typeof sent === 'string' && CORRELATION_ID.test(sent) ? sent : randomUUID();
}

/** The id Fastify gave the request (correlationIdFor), which its middleware runner copies onto it. */
const idOf = (request: IncomingMessage): string => String((request as { id?: unknown }).id);

/**
 * Answers every request's correlation id in X-Correlation-Id before anything can refuse it
 * (security headers, rate limits, the strict JSON body), so those refusals carry it too.
 */
export const correlationId =
  () =>
  (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    response.setHeader('X-Correlation-Id', idOf(request));
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
    genReqId: idOf,
    // Tokens and personal data stay out of logs.
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
    customProps: (request) => ({ userId: (request as { principal?: { userId: string } }).principal?.userId }),
  };
}
