import type { VerifiedHead } from '../event-store';
import { recomputedHash } from './verify-chain';

/**
 * The hash-chain check a write carries with it (AppendOptions.verifiedHeads,
 * docs/audit.md "Tamper evidence"): a `chain` CTE with one row per named
 * stream saying whether the events after the writer's verified head still
 * verify (content hash recomputed, each linked to its predecessor's hash,
 * versions one after another) and whether the stream's recorded length is
 * its last event's version, the same checks as `StreamChainGuard.check`;
 * and the head it verified up to. The append's write of the stream row is
 * conditioned on `ok`, so nothing is written when a chain is broken, and the
 * check and the write see one snapshot.
 *
 * Parameters are numbered from `firstParam`.
 */
export function verifiedHeadsCte(
  s: string,
  heads: Readonly<Record<string, VerifiedHead>>,
  firstParam: number,
): { cte: string; ok: string; verified: string; params: unknown[] } {
  const entries = Object.entries(heads);
  const [ids, versions, hashes] = [firstParam, firstParam + 1, firstParam + 2].map((n) => `$${n}`);
  const cte = `chain AS (
    SELECT g.stream_id,
           coalesce(bool_and(r.ok), true)
             AND coalesce((SELECT st.version FROM ${s}.streams st WHERE st.stream_id = g.stream_id), 0)
               = coalesce(max(r.stream_version), g.after_version) AS ok,
           coalesce(max(r.stream_version), g.after_version) AS head_version,
           coalesce((array_agg(r.hash ORDER BY r.stream_version DESC))[1], g.after_hash) AS head_hash
    FROM unnest(${ids}::text[], ${versions}::bigint[], ${hashes}::text[]) AS g(stream_id, after_version, after_hash)
    LEFT JOIN LATERAL (
      SELECT e.stream_version, encode(e.hash, 'hex') AS hash,
             e.stream_version = lag(e.stream_version, 1, g.after_version) OVER w + 1
               AND encode(e.previous_hash, 'hex') IS NOT DISTINCT FROM lag(encode(e.hash, 'hex'), 1, g.after_hash) OVER w
               AND e.hash = ${recomputedHash(s, 'e')} AS ok
      FROM ${s}.events e
      WHERE e.stream_id = g.stream_id AND e.stream_version > g.after_version
      WINDOW w AS (ORDER BY e.stream_version)
    ) r ON true
    GROUP BY g.stream_id, g.after_version, g.after_hash)`;
  return {
    cte,
    ok: `(SELECT bool_and(ok) FROM chain)`,
    verified: `(SELECT json_object_agg(stream_id, json_build_object('version', head_version, 'hash', head_hash)) FROM chain)`,
    params: [entries.map(([id]) => id), entries.map(([, head]) => head.version), entries.map(([, head]) => head.hash)],
  };
}

/** The `verified` column of a write that carried the CTE, as heads. */
export function verifiedHeadsOf(json: unknown): Record<string, VerifiedHead> {
  const heads: Record<string, VerifiedHead> = {};
  for (const [streamId, head] of Object.entries((json ?? {}) as Record<string, { version: unknown; hash: unknown }>))
    heads[streamId] = { version: Number(head.version), hash: typeof head.hash === 'string' ? head.hash : null };
  return heads;
}
