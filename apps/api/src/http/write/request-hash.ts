import { createHash } from 'node:crypto';
import type { ApiRequest as Request } from '../request';

/**
 * What an Idempotency-Key is stored with (docs/architecture.md, "Write
 * side"): a SHA-256 of the method, the path, the query and the body, with
 * object keys sorted so that a client re-serialising the same body sends the
 * same request. The same key with another request is refused (422), not
 * answered with the first request's result.
 */
export function requestHashOf(request: Request): string {
  const path = request.originalUrl.split('?')[0] ?? '/';
  const canonical = JSON.stringify(
    { method: request.method, path, query: request.query, body: (request.body as unknown) ?? null },
    (_, value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : value,
  );
  return createHash('sha256').update(canonical).digest('hex');
}
