import type { AlongsideStatement, AppendOptions } from '../event-store';
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

/**
 * What a single-event append adds to its one statement for `readVersions`
 * and `alongside` (docs/architecture.md, "Folded state cache"): a condition
 * for the stream's write, so nothing is written when a stream read moved,
 * and a lateral call of the alongside function per inserted event, so it
 * runs only when the event was written. Parameters are numbered after the
 * append's own `firstParam - 1`.
 */
export function singleAppendExtras(
  schema: string,
  { readVersions, alongside }: Pick<AppendOptions, 'readVersions' | 'alongside'>,
  firstParam: number,
): { guard: string; join: string; params: unknown[] } {
  const params: unknown[] = [];
  let guard = 'true';
  const entries = Object.entries(readVersions ?? {});
  if (entries.length > 0) {
    params.push(
      entries.map(([id]) => id),
      entries.map(([, version]) => version),
    );
    guard = `NOT EXISTS (SELECT 1 FROM unnest($${firstParam}::text[], $${firstParam + 1}::bigint[]) AS r(stream_id, expected)
      LEFT JOIN ${schema}.streams rs ON rs.stream_id = r.stream_id
      WHERE coalesce(rs.version, 0) <> r.expected)`;
  }
  let join = '';
  if (alongside) {
    const offset = firstParam - 1 + params.length;
    join = `CROSS JOIN LATERAL (SELECT count(*) AS alongside FROM ${renumbered(alongside, offset)} WHERE inserted.position > 0) extra`;
    params.push(...alongside.params);
  }
  return { guard, join, params };
}

/** Runs an alongside statement on its own, in the caller's transaction. */
export async function runAlongside(executor: SqlQueryable, alongside: AlongsideStatement): Promise<void> {
  await executor.query(`SELECT count(*) FROM ${alongside.call}`, [...alongside.params]);
}

function renumbered({ call }: AlongsideStatement, offset: number): string {
  return call.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}
