import { WrongExpectedVersion } from '../errors';
import type { SqlQueryable } from './sql-database';

/**
 * Checks, inside the append's transaction, that the other streams a decision
 * read are still at the versions it read (AppendOptions.readVersions).
 *
 * No lock is taken: a write to one of them that commits after this check
 * and before the append commits is ordered after the append. That is a
 * valid serial order because each command writes one stream only, so the
 * later writer did not read what the append wrote (docs/architecture.md,
 * "Write side"). What the check refuses is a decision made on a state that
 * was already replaced when the append ran, such as a cached care plan that
 * another process has changed.
 */
export async function checkReadVersions(
  executor: SqlQueryable,
  schema: string,
  readVersions: Readonly<Record<string, number>>,
): Promise<void> {
  const entries = Object.entries(readVersions);
  if (entries.length === 0) return;
  const { rows } = await executor.query<{ stream_id: string; expected: string | number; version: string | number }>(
    `SELECT r.stream_id, r.expected, coalesce(s.version, 0) AS version
     FROM unnest($1::text[], $2::bigint[]) AS r(stream_id, expected)
     LEFT JOIN ${schema}.streams s ON s.stream_id = r.stream_id
     WHERE coalesce(s.version, 0) <> r.expected
     LIMIT 1`,
    [entries.map(([id]) => id), entries.map(([, version]) => version)],
  );
  const moved = rows[0];
  if (moved) throw new WrongExpectedVersion(moved.stream_id, Number(moved.expected), Number(moved.version));
}
