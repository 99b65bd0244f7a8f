import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Problem } from '../problems/problem';

/** Node's own limit on the request line and headers together (`--max-http-header-size`, 16 KiB by default). */
const TOO_LARGE = new Set(['HPE_HEADER_OVERFLOW', 'HPE_URI_TOO_LONG']);

/**
 * Requests Node refuses before the application sees them (headers larger than
 * its limit, malformed HTTP) are answered as problem+json like every other
 * refusal, instead of Node's bare status line (docs/architecture.md#http-edge).
 */
export function answerClientErrorsAsProblems(server: Server): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
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
        'Cache-Control: no-store\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        'X-Frame-Options: DENY\r\n' +
        "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n" +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
