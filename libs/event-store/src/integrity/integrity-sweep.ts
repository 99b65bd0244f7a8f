import { quoteIdent, type SqlQueryable } from '../sql/sql-database';
import type { StreamChainGuard } from './stream-chain-guard';
import {
  chainBreakOf,
  firstShortenedStream,
  recomputedHash,
  type ChainBreak,
  type ChainCheckRow,
} from './verify-chain';

/**
 * - `checking`: the first pass over the log has not finished;
 * - `ok`: the last pass found every chain intact;
 * - `degraded`: the last step could not run (the database away): nothing is known to be broken, nothing was checked;
 * - `failing`: a chain is broken (`firstBreak`); decisions on its stream are refused.
 */
export type IntegrityState = 'checking' | 'ok' | 'degraded' | 'failing';

export interface IntegrityStatus {
  state: IntegrityState;
  /** Why the state is not `ok`, in words. */
  reason: string | null;
  /** The first break this process found (on a load or in the sweep); every one is in `breaks`. */
  firstBreak: ChainBreak | null;
  breaks: ChainBreak[];
  /** The sweep's place in the current pass: the last global position it verified (0 = a pass starts). */
  checkpoint: number;
  /** Passes over the whole log completed since start. */
  passes: number;
  eventsChecked: number;
  lastPassCompletedAt: string | null;
  lastError: string | null;
}

export interface IntegritySweepOptions {
  /** Events verified per step. Default 500. */
  batchSize?: number;
}

/**
 * The background verifier (docs/audit.md, "Tamper evidence"): walks the
 * event log in position order a batch per step, recomputing each event's
 * hash and its link to its predecessor, from a checkpoint kept between
 * steps; a step costs one indexed query. At the end of a pass it checks
 * every stream's recorded length, then starts again from the beginning, so
 * an edit to any event is found within one pass. Breaks go to the
 * StreamChainGuard, which then refuses decisions on their streams. An event
 * whose transaction commits after the sweep passed its position is checked
 * in the next pass.
 */
export class IntegritySweep {
  private readonly s: string;
  private readonly batchSize: number;
  private checkpoint = 0;
  private passes = 0;
  private eventsChecked = 0;
  private lastPassCompletedAt: string | null = null;
  private lastError: string | null = null;

  constructor(
    private readonly executor: SqlQueryable,
    schema: string,
    private readonly guard: StreamChainGuard,
    { batchSize = 500 }: IntegritySweepOptions = {},
  ) {
    this.s = quoteIdent(schema);
    this.batchSize = batchSize;
  }

  /** One step; returns the breaks it found that were not known before. Never throws: a failure is `degraded`. */
  async step(): Promise<ChainBreak[]> {
    try {
      const found = await this.verifyBatch();
      this.lastError = null;
      return found.filter((chainBreak) => this.guard.reportBreak(chainBreak));
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      return [];
    }
  }

  /** Steps until the current pass is complete: what a test or an operator waiting for a verdict calls. */
  async completePass(): Promise<ChainBreak[]> {
    const passes = this.passes;
    const found: ChainBreak[] = [];
    while (this.passes === passes) {
      found.push(...(await this.step()));
      if (this.lastError !== null) break;
    }
    return found;
  }

  status(): IntegrityStatus {
    const breaks = this.guard.breaks;
    const firstBreak = breaks[0] ?? null;
    const state: IntegrityState = firstBreak
      ? 'failing'
      : this.lastError !== null
        ? 'degraded'
        : this.passes === 0
          ? 'checking'
          : 'ok';
    return {
      state,
      reason: firstBreak
        ? `${firstBreak.reason} in stream ${firstBreak.streamId}` +
          (firstBreak.streamVersion === null ? '' : ` at version ${firstBreak.streamVersion}`)
        : this.lastError !== null
          ? `the integrity check could not run: ${this.lastError}`
          : this.passes === 0
            ? 'the first pass over the log is still running'
            : null,
      firstBreak,
      breaks,
      checkpoint: this.checkpoint,
      passes: this.passes,
      eventsChecked: this.eventsChecked,
      lastPassCompletedAt: this.lastPassCompletedAt,
      lastError: this.lastError,
    };
  }

  private async verifyBatch(): Promise<ChainBreak[]> {
    const { rows } = await this.executor.query<ChainCheckRow>(
      `SELECT e.position, e.stream_id, e.stream_version,
              e.hash = ${recomputedHash(this.s, 'e')} AS content_ok,
              e.previous_hash IS NOT DISTINCT FROM p.hash AS link_ok,
              (e.stream_version = 1 OR p.position IS NOT NULL) AS version_ok
       FROM ${this.s}.events e
       LEFT JOIN ${this.s}.events p ON p.stream_id = e.stream_id AND p.stream_version = e.stream_version - 1
       WHERE e.position > $1
       ORDER BY e.position
       LIMIT $2`,
      [this.checkpoint, this.batchSize],
    );
    const found = rows.filter((row) => !row.content_ok || !row.link_ok || !row.version_ok).map(chainBreakOf);
    this.eventsChecked += rows.length;
    if (rows.length === this.batchSize) {
      this.checkpoint = Number(rows.at(-1)?.position ?? this.checkpoint);
      return found;
    }
    const shortened = await firstShortenedStream(this.executor, this.s);
    if (shortened) found.push(shortened);
    this.checkpoint = 0;
    this.passes += 1;
    this.lastPassCompletedAt = new Date().toISOString();
    return found;
  }
}
