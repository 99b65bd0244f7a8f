import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/**
 * Takes a reply over to write its body as it is produced (an export, a task's progress): the
 * status line and headers go out now, with those already set on the reply and by the middleware,
 * and the caller writes to and ends the Node response it gets back. Fastify sends nothing for it
 * afterwards; a failure after this point can only cut the body short (problem-details.filter.ts).
 */
export function startStream(reply: FastifyReply, status: number, headers: Record<string, string>): ServerResponse {
  reply.hijack();
  const raw = reply.raw;
  const set = reply.getHeaders() as Record<string, string | string[]>;
  raw.writeHead(status, { ...set, ...headers });
  return raw;
}
