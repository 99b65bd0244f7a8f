import type { FastifyRequest } from 'fastify';

/**
 * A request as the API's guards, interceptors, filters and handlers see it: Fastify's, with the
 * route's parameters and the query as the strings they arrived as (docs/architecture.md#http-edge).
 */
export type ApiRequest = FastifyRequest<{
  Params: Record<string, string | undefined>;
  Querystring: Record<string, string | string[] | undefined>;
}>;
