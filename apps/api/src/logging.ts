import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import type { ApiConfig } from './config/api-config';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

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
    genReqId: (request: IncomingMessage, response: ServerResponse) => {
      const sent = request.headers['x-correlation-id'];
      const id = typeof sent === 'string' && CORRELATION_ID.test(sent) ? sent : randomUUID();
      response.setHeader('X-Correlation-Id', id);
      return id;
    },
    // Tokens and personal data stay out of logs.
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
    customProps: (request) => ({ userId: (request as { principal?: { userId: string } }).principal?.userId }),
  };
}
