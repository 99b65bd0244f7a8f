import { setTimeout as sleep } from 'node:timers/promises';
import { checkpointOf, START, type Checkpoint, type EventStore, type StoredEvent } from '../event-store';
import type { SqlDatabase, SqlQueryable } from '../sql/sql-database';
import { CheckpointMoved, CheckpointStore } from './checkpoint-store';

export type SubscriptionState =
  'starting' | 'standby' | 'catching-up' | 'running' | 'paused' | 'retrying' | 'failed' | 'stopped';

export interface BatchContext {
  /** The checkpoint before this batch. */
  readonly previous: Checkpoint;
  /** The checkpoint after this batch. */
  readonly next: Checkpoint;
  /**
   * Records `next` as this subscriber's checkpoint. Pass the transaction that
   * wrote the batch's effects, so both commit or neither does.
   */
  saveCheckpoint(executor?: SqlQueryable): Promise<void>;
}

export interface SubscriptionHandler {
  /** Handles a batch in the global order; must call `saveCheckpoint` once it is durable. */
  handle(batch: StoredEvent[], context: BatchContext): Promise<void>;
}

/** An error that names the event it failed on (a poison event). */
export class EventHandlingFailed extends Error {
  constructor(
    readonly event: Pick<StoredEvent, 'eventId' | 'type' | 'position' | 'streamId'>,
    readonly reason: unknown,
  ) {
    super(
      `${event.type} ${event.eventId} at position ${event.position}: ${reason instanceof Error ? reason.message : String(reason)}`,
    );
    this.name = 'EventHandlingFailed';
  }
}

export interface SubscriptionOptions {
  /** Unique name; the checkpoint and the leadership lock are keyed on it. */
  name: string;
  batchSize?: number;
  /** Longest sleep when idle before looking again (the fallback when no wake-up arrives). */
  idleWaitMs?: number;
  /** How often a standby runner tries to take over. */
  standbyRetryMs?: number;
  /**
   * What a handler error does: `stop` marks the subscription failed until
   * resumed (projections: a poison event must not be skipped silently);
   * `retry` backs off and tries the same batch again (the relay while the
   * broker is down).
   */
  onError?: 'stop' | 'retry';
  retryBackoffMs?: { initial: number; max: number };
  /** Where to start when there is no checkpoint yet. */
  from?: Checkpoint;
}

export interface SubscriptionStatus {
  name: string;
  state: SubscriptionState;
  checkpoint: Checkpoint;
  /** Whether this process holds the subscription's lock and does the work. */
  leader: boolean;
  processed: number;
  eventsPerSecond: number;
  /** Instant of the newest event handled. */
  lastEventRecordedAt: string | null;
  lastError: { message: string; eventId?: string; at: string } | null;
}

const LOCK_HEARTBEAT_MS = 2000;

/**
 * Follows the gap-safe global order for one subscriber: one active runner
 * per name (a session advisory lock; others stand by and take over when the
 * holder's connection dies), batches, wake-ups instead of busy polling, and
 * a checkpoint that only moves when the handler says its work is durable.
 */
export class Subscription {
  private state: SubscriptionState = 'stopped';
  private checkpoint: Checkpoint = START;
  private leader = false;
  private processed = 0;
  private lastEventRecordedAt: string | null = null;
  private lastError: SubscriptionStatus['lastError'] = null;
  private rate = { since: Date.now(), count: 0, perSecond: 0 };
  private paused = false;
  private resumeRequested = false;
  private stopping: AbortController | undefined;
  private loop: Promise<void> | undefined;
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
    this.checkpoints = new CheckpointStore(sql.schema);
  }

  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    this.state = 'starting';
    this.loop = this.run(this.stopping.signal).finally(() => {
      this.state = 'stopped';
      this.leader = false;
      this.loop = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.loop;
  }

  /** Finishes the batch in hand, then holds (keeping the lock). */
  pause(): void {
    this.paused = true;
  }

  /** Resumes after a pause or a failure (retrying the failed batch). */
  resume(): void {
    this.paused = false;
    if (this.state === 'failed') this.resumeRequested = true;
  }

  status(): SubscriptionStatus {
    return {
      name: this.options.name,
      state: this.state,
      checkpoint: this.checkpoint,
      leader: this.leader,
      processed: this.processed,
      eventsPerSecond: this.rate.perSecond,
      lastEventRecordedAt: this.lastEventRecordedAt,
      lastError: this.lastError,
    };
  }

  private async run(signal: AbortSignal): Promise<void> {
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
        if (this.state === 'failed' && this.resumeRequested) {
          this.resumeRequested = false;
          this.state = 'running';
        }
        if (this.paused || this.state === 'failed') {
          if (this.paused) this.state = 'paused';
          await sleep(200, undefined, { signal: done }).catch(() => undefined);
          continue;
        }
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

  private measure(count: number): void {
    const now = Date.now();
    this.rate.count += count;
    const elapsed = now - this.rate.since;
    if (elapsed >= 1000) {
      this.rate = { since: now, count: 0, perSecond: Math.round((this.rate.count * 1000) / elapsed) };
    }
  }

  private recordError(error: unknown): void {
    this.lastError = {
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof EventHandlingFailed ? { eventId: error.event.eventId } : {}),
      at: new Date().toISOString(),
    };
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
