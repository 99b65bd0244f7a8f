import { setTimeout as sleep } from 'node:timers/promises';
import { checkpointOf, START, type Checkpoint, type EventStore, type StoredEvent } from '../event-store';
import type { SqlDatabase, SqlQueryable } from '../sql/sql-database';
import { CheckpointMoved, CheckpointStore } from './checkpoint-store';
import { LogFollower } from './log-follower';
import {
  EventHandlingFailed,
  type SubscriptionHandler,
  type SubscriptionOptions,
  type SubscriptionStatus,
} from './subscription-types';

export {
  EventHandlingFailed,
  type BatchContext,
  type SubscriptionHandler,
  type SubscriptionOptions,
  type SubscriptionState,
  type SubscriptionStatus,
} from './subscription-types';

const LOCK_HEARTBEAT_MS = 2000;

/**
 * Follows the gap-safe global order for one subscriber: one active runner
 * per name (a session advisory lock; others stand by and take over when the
 * holder's connection dies), batches, wake-ups instead of busy polling, and
 * a checkpoint that only moves when the handler says its work is durable.
 */
export class Subscription extends LogFollower {
  private checkpoint: Checkpoint = START;
  private leader = false;
  private readonly checkpoints: CheckpointStore;

  /**
   * `store` is the log it follows; `sql` holds its checkpoint and its
   * leadership lock, beside the tables its handler writes, so a handler can
   * save both in one transaction.
   */
  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlDatabase,
    private readonly handler: SubscriptionHandler,
    private readonly options: SubscriptionOptions,
  ) {
    super();
    this.checkpoints = new CheckpointStore(sql.schema);
  }

  protected override stopped(): void {
    this.leader = false;
  }

  status(): SubscriptionStatus {
    return {
      name: this.options.name,
      state: this.state,
      checkpoint: this.checkpoint,
      leader: this.leader,
      processed: this.processed,
      eventsPerSecond: this.eventsPerSecond,
      lastEventRecordedAt: this.lastEventRecordedAt,
      lastError: this.lastError,
    };
  }

  protected async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const led = await this.sql
        .withConnection(async (connection) => {
          if (!(await this.tryLock(connection))) return false;
          try {
            this.leader = true;
            await this.lead(connection, signal);
          } finally {
            this.leader = false;
            await this.unlock(connection).catch(() => undefined);
          }
          return true;
        })
        .catch((error: unknown) => {
          this.recordError(error);
          return false;
        });
      if (!led && !signal.aborted) {
        this.state = 'standby';
        await sleep(this.options.standbyRetryMs ?? 1000, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** Works while this runner holds the lock and its connection stays alive. */
  private async lead(connection: SqlQueryable, signal: AbortSignal): Promise<void> {
    const lost = new AbortController();
    const heartbeat = setInterval(() => {
      connection.query('SELECT 1').catch(() => lost.abort());
    }, LOCK_HEARTBEAT_MS);
    const done = AbortSignal.any([signal, lost.signal]);
    try {
      this.checkpoint = await this.checkpoints.load(this.sql, this.options.name);
      if (this.checkpoint === START && this.options.from) this.checkpoint = this.options.from;
      let backoff = this.options.retryBackoffMs?.initial ?? 500;
      while (!done.aborted) {
        if (await this.holding(done)) continue;
        try {
          const handled = await this.step(done);
          backoff = this.options.retryBackoffMs?.initial ?? 500;
          if (handled === 0) {
            this.state = 'running';
            await this.store.waitForEvents({ timeoutMs: this.options.idleWaitMs ?? 1000, signal: done });
          }
        } catch (error) {
          if (error instanceof CheckpointMoved) return; // another runner owns it now
          this.recordError(error);
          if ((this.options.onError ?? 'stop') === 'stop') {
            this.state = 'failed';
            continue;
          }
          this.state = 'retrying';
          await sleep(backoff, undefined, { signal: done }).catch(() => undefined);
          backoff = Math.min(backoff * 2, this.options.retryBackoffMs?.max ?? 30_000);
        }
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async step(signal: AbortSignal): Promise<number> {
    const limit = this.options.batchSize ?? 500;
    const batch = await this.store.readAll({ after: this.checkpoint, limit });
    if (batch.length === 0 || signal.aborted) return 0;
    this.state = batch.length === limit ? 'catching-up' : 'running';
    const previous = this.checkpoint;
    const next = checkpointOf(batch[batch.length - 1]!);
    let saved = false;
    await this.handler.handle(batch, {
      previous,
      next,
      saveCheckpoint: async (executor) => {
        await this.checkpoints.save(executor ?? this.sql, this.options.name, previous, next);
        saved = true;
      },
    });
    if (!saved) throw new Error(`Handler of ${this.options.name} did not save its checkpoint`);
    this.checkpoint = next;
    this.processed += batch.length;
    this.lastEventRecordedAt = batch[batch.length - 1]!.recordedAt;
    this.lastError = null;
    this.measure(batch.length);
    return batch.length;
  }

  private async tryLock(connection: SqlQueryable): Promise<boolean> {
    const { rows } = await connection.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
      [this.lockKey()],
    );
    if (!rows[0]?.locked) return false;
    // PGlite has one session, in which advisory locks are re-entrant: keep a
    // per-process registry too, so two runners of one name never both lead.
    if (heldInProcess.has(this.processKey())) {
      await connection.query('SELECT pg_advisory_unlock(hashtext($1))', [this.lockKey()]);
      return false;
    }
    heldInProcess.add(this.processKey());
    return true;
  }

  private async unlock(connection: SqlQueryable): Promise<void> {
    if (!heldInProcess.delete(this.processKey())) return;
    await connection.query('SELECT pg_advisory_unlock(hashtext($1))', [this.lockKey()]);
  }

  private lockKey(): string {
    return `caretrail-subscription:${this.sql.schema}:${this.options.name}`;
  }

  private processKey(): string {
    return `${this.sql.backend}:${this.lockKey()}`;
  }
}

const heldInProcess = new Set<string>();
