import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  BrokenChain,
  IntegritySweep,
  StreamChainGuard,
  type ChainBreak,
  type IntegrityStatus,
  type SqlDatabase,
} from '@caretrail/event-store';
import { Problem } from '../http/problems/problem';
import type { ApiConfig } from '../config/api-config';
import { API_CONFIG, SQL_DATABASE } from '../http/tokens';
import { ApiMetrics } from '../metrics/api-metrics';
import { registerIntegrityMetrics } from '../metrics/integrity-metrics';

/** How often the background sweep verifies its next batch of events. */
const SWEEP_INTERVAL_MS = 1000;

/**
 * A running server notices tampering (docs/audit.md, "Tamper evidence"):
 * the chains of the streams a command loads are verified before it is
 * decided (`guard`, handed to the write path), and the log is swept in the
 * background, a batch a second. A break when found, and every decision
 * refused on it, is an integrity alarm in the log at error level naming the
 * stream and the first break; `/health` and `GET /admin/integrity` show the
 * state.
 */
@Injectable()
export class IntegrityMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Integrity');
  readonly guard: StreamChainGuard;
  private readonly sweep: IntegritySweep;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    @Inject(SQL_DATABASE) sql: SqlDatabase,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    metrics: ApiMetrics,
  ) {
    this.guard = new StreamChainGuard(sql, sql.schema);
    this.sweep = new IntegritySweep(sql, sql.schema, this.guard);
    registerIntegrityMetrics(metrics.registry, () => this.status());
  }

  /** The check the write path runs before appending; none with INTEGRITY_CHECKS=off (benchmarks only). */
  get writeCheck(): StreamChainGuard | undefined {
    return this.config.integrityChecks ? this.guard : undefined;
  }

  onApplicationBootstrap(): void {
    if (!this.config.integrityChecks) {
      this.logger.warn('INTEGRITY_CHECKS=off: hash chains are NOT verified (benchmarks only)');
      return;
    }
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.step());
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  status(): IntegrityStatus {
    return this.sweep.status();
  }

  /** Finishes the sweep's current pass now (for an admin or a test waiting for a verdict). */
  async completePass(): Promise<IntegrityStatus> {
    this.running = this.running.then(async () => this.alarm(await this.sweep.completePass(), 'background sweep'));
    await this.running;
    return this.status();
  }

  /** Breaks found by a full verification (GET /admin/integrity/verify) count as found here. */
  reportBreak(chainBreak: ChainBreak, foundBy: string): void {
    if (this.guard.reportBreak(chainBreak)) this.alarm([chainBreak], foundBy);
  }

  /**
   * The write path's refusal: logged as an alarm when the break is new,
   * answered 503 (the server cannot serve the request; nothing the client
   * sent is wrong).
   */
  refusal(error: BrokenChain): Problem {
    this.alarm([error.chainBreak], 'load for a decision');
    return new Problem(
      503,
      'INTEGRITY_BROKEN',
      'Record failed its integrity check',
      'The stored history of this record does not verify; nothing is decided on it until an operator has restored it.',
    );
  }

  private async step(): Promise<void> {
    this.alarm(await this.sweep.step(), 'background sweep');
  }

  private alarm(breaks: readonly ChainBreak[], foundBy: string): void {
    for (const chainBreak of breaks) {
      this.logger.error(
        `Integrity alarm: ${describe(chainBreak)} ${JSON.stringify({ alarm: 'integrity', foundBy, ...chainBreak })}`,
      );
    }
  }
}

function describe({ reason, streamId, streamVersion, position }: ChainBreak): string {
  return (
    `the hash chain of stream ${streamId} is broken (${reason}` +
    (streamVersion === null ? '' : ` at version ${streamVersion}`) +
    (position === null ? '' : `, position ${position}`) +
    ')'
  );
}
