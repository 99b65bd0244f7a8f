import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A request as the API's middleware sees it: Node's own, with what Fastify's
 * middleware runner copies onto it before the body is read (docs/architecture.md#http-edge).
 */
export type RawRequest = IncomingMessage & {
  /** The correlation id (Fastify's request id, made by `correlationIdFor`). */
  id?: string;
  /** The client's address, through TRUST_PROXY. */
  ip?: string;
  /** `http` or `https`, through TRUST_PROXY. */
  protocol?: string;
};

/** Connect-style middleware: it runs before routing and before the body is read. */
export type Middleware = (request: RawRequest, response: ServerResponse, next: (error?: unknown) => void) => void;

/** The path of a request, without its query. */
export const pathOf = (request: IncomingMessage): string => {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
};

/** One request header's value (the first, if sent twice), or undefined. */
export const headerOf = (request: { headers: IncomingMessage['headers'] }, name: string): string | undefined => {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};
