import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pathOf } from '../middleware';
import { Problem } from '../problems/problem';

/** Node's own limit on the request line and headers together (`--max-http-header-size`, 16 KiB by default). */
const TOO_LARGE = new Set(['HPE_HEADER_OVERFLOW', 'HPE_URI_TOO_LONG']);

/** What every answer of the edge's own carries (headers/security-headers.ts sets them on the rest). */
const EDGE_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

/**
 * Requests Node refuses before the application sees them (headers larger than
 * its limit, malformed HTTP) are answered as problem+json like every other
 * refusal, instead of Node's bare status line (docs/architecture.md#http-edge).
 * The server's `clientError` handler (Fastify's `clientErrorHandler`).
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  const problem = TOO_LARGE.has(error.code ?? '')
    ? new Problem(
        431,
        'REQUEST_HEADER_FIELDS_TOO_LARGE',
        'Request header fields too large',
        'The request line and headers together exceed the server limit.',
      )
    : new Problem(400, 'BAD_REQUEST', 'Bad request', 'The request is not valid HTTP.');
  const body = JSON.stringify(problem.body('/'));
  const reason = problem.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${problem.status} ${reason}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      Object.entries(EDGE_HEADERS)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('') +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/**
 * Requests Fastify refuses while routing, before any hook or middleware (a path whose percent
 * escapes do not decode): 400 problem+json, like the same mistake in a route's parameter
 * (Fastify's `frameworkErrors`).
 */
export function answerFrameworkError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const problem = new Problem(400, 'BAD_REQUEST', 'Bad request', `The request is not valid: ${error.message}`);
  const path = pathOf(request.raw);
  void reply
    .status(problem.status)
    .headers({ ...EDGE_HEADERS, 'Content-Type': 'application/problem+json', 'X-Correlation-Id': String(request.id) })
    .send(JSON.stringify(problem.body(path, String(request.id))));
}
