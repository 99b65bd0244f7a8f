import { BrokenChain } from '../errors';
import type { VerifiedHead } from '../event-store';
import { quoteIdent, type SqlQueryable } from '../sql/sql-database';
import { chainBreakOf, recomputedHash, type ChainBreak } from './verify-chain';

/** How far each stream was verified is remembered for this many streams; others are verified from their start. */
const REMEMBERED_STREAMS = 100_000;

/**
 * Refuses to decide on a stream whose hash chain is broken
 * (docs/audit.md, "Tamper evidence"). Before a command is decided, each
 * stream it loads is verified from the last event this process verified
 * (the verified head), so a write hashes only the events appended since:
 * its own previous write's and other processes'. A break (found here or by
 * the background sweep, `IntegritySweep`) is remembered until restart, and
 * every later decision on that stream is refused with BrokenChain.
 * Edits to events this process verified earlier are the sweep's to find.
 */
export class StreamChainGuard {
  private readonly s: string;
  private readonly heads = new Map<string, VerifiedHead>();
  private readonly broken = new Map<string, ChainBreak>();

  constructor(
    private readonly executor: SqlQueryable,
    schema: string,
    private readonly capacity = REMEMBERED_STREAMS,
  ) {
    this.s = quoteIdent(schema);
  }

  /**
   * Throws BrokenChain naming the first break of the first broken stream.
   * All the streams are verified in one statement (one round trip).
   */
  async check(streamIds: readonly string[]): Promise<void> {
    for (const streamId of streamIds) {
      const known = this.broken.get(streamId);
      if (known) throw new BrokenChain(known);
    }
    const verified = await this.verifyAfter(streamIds);
    for (const [streamId, { head, firstBreak }] of verified) {
      if (firstBreak) {
        this.reportBreak(firstBreak);
        throw new BrokenChain(firstBreak);
      }
      if (head) this.remember(streamId, head);
    }
  }

  /**
   * How far each stream has been verified, for a write that verifies the rest itself
   * (AppendOptions.verifiedHeads): a stream this process has not verified counts from its start.
   * Undefined when one of them is known to be broken: `check` then refuses it.
   */
  headsFor(streamIds: readonly string[]): Record<string, VerifiedHead> | undefined {
    const heads: Record<string, VerifiedHead> = {};
    for (const streamId of streamIds) {
      if (this.broken.has(streamId)) return undefined;
      heads[streamId] = this.heads.get(streamId) ?? { version: 0, hash: null };
    }
    return heads;
  }

  /** Takes the heads a write verified (AppendResult.verifiedHeads): the next check starts after them. */
  verified(heads: Readonly<Record<string, VerifiedHead>>): void {
    for (const [streamId, head] of Object.entries(heads))
      if (head.version > 0 && head.hash !== null && !this.broken.has(streamId)) this.remember(streamId, head);
  }

  /** Records a break found elsewhere (the sweep, a full verification): its stream is refused from now on. */
  reportBreak(chainBreak: ChainBreak): boolean {
    this.heads.delete(chainBreak.streamId);
    if (this.broken.has(chainBreak.streamId)) return false;
    this.broken.set(chainBreak.streamId, chainBreak);
    return true;
  }

  /** Every break known to this process, in the order they were found. */
  get breaks(): ChainBreak[] {
    return [...this.broken.values()];
  }

  /*
   * One statement, so each stream's recorded length and its events come from
   * one snapshot: an append landing meanwhile cannot look like a removal.
   */
  private async verifyAfter(
    streamIds: readonly string[],
  ): Promise<Map<string, { head: VerifiedHead | undefined; firstBreak: ChainBreak | null }>> {
    // Taken before the query: a concurrent check may move the heads while it runs.
    const after = streamIds.map((streamId) => this.heads.get(streamId));
    const { rows } = await this.executor.query<{
      stream_id: string;
      recorded: string | number | null;
      position: string | number | null;
      stream_version: string | number;
      hash: string;
      previous: string | null;
      content_ok: boolean;
    }>(
      `SELECT g.stream_id, (SELECT version FROM ${this.s}.streams st WHERE st.stream_id = g.stream_id) AS recorded,
              e.position, e.stream_version, encode(e.hash, 'hex') AS hash, encode(e.previous_hash, 'hex') AS previous,
              e.hash = ${recomputedHash(this.s, 'e')} AS content_ok
       FROM unnest($1::text[], $2::bigint[]) AS g(stream_id, after_version)
       LEFT JOIN ${this.s}.events e ON e.stream_id = g.stream_id AND e.stream_version > g.after_version
       ORDER BY g.stream_id, e.stream_version`,
      [streamIds, after.map((head) => head?.version ?? 0)],
    );
    const results = new Map<string, { head: VerifiedHead | undefined; firstBreak: ChainBreak | null }>();
    streamIds.forEach((streamId, i) => {
      const ofStream = rows.filter((row) => row.stream_id === streamId);
      results.set(streamId, verifyRows(streamId, after[i], ofStream));
    });
    return results;
  }

  private remember(streamId: string, head: VerifiedHead): void {
    const known = this.heads.get(streamId);
    if (known && known.version >= head.version) return;
    // Re-inserted so that the map's order is the order of use: the oldest entry is dropped first.
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    const oldest = this.heads.keys().next().value;
    if (this.heads.size > this.capacity && oldest !== undefined) this.heads.delete(oldest);
  }
}

/** Walks one stream's rows after its verified head: the same checks as the full verification. */
function verifyRows(
  streamId: string,
  after: VerifiedHead | undefined,
  rows: ReadonlyArray<{
    recorded: string | number | null;
    position: string | number | null;
    stream_version: string | number;
    hash: string;
    previous: string | null;
    content_ok: boolean;
  }>,
): { head: VerifiedHead | undefined; firstBreak: ChainBreak | null } {
  let head = after;
  for (const row of rows) {
    if (row.position === null) continue;
    const version = Number(row.stream_version);
    const checks = {
      ...row,
      position: row.position,
      stream_id: streamId,
      version_ok: version === (head?.version ?? 0) + 1,
    };
    if (!checks.version_ok || !row.content_ok || row.previous !== (head?.hash ?? null)) {
      return { head, firstBreak: chainBreakOf(checks) };
    }
    head = { version, hash: row.hash };
  }
  const recorded = Number(rows[0]?.recorded ?? 0);
  if (recorded !== (head?.version ?? 0)) {
    return { head, firstBreak: { reason: 'stream-length', streamId, streamVersion: null, position: null } };
  }
  return { head, firstBreak: null };
}
