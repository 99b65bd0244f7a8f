import { setTimeout as sleep } from 'node:timers/promises';
import { checkpointOf, START, type Checkpoint, type EventStore, type StoredEvent } from '../event-store';
import type { SqlDatabase, SqlQueryable } from '../sql/sql-database';
import { CheckpointMoved } from './checkpoint-store';
import { ShardCheckpoints, type ShardCheckpoint } from './shard-checkpoints';
import { LeaseLost, ShardLeases, type ShardReport } from './shard-leases';
import { compareCheckpoints, shardKeyOf, shardOf } from './shards';
import { LogFollower } from './log-follower';
import type { SubscriptionHandler, SubscriptionOptions, SubscriptionStatus } from './subscription-types';

export interface ShardedSubscriptionOptions extends Omit<SubscriptionOptions, 'standbyRetryMs'> {
  /** Shards the log is divided into for this subscriber; fixed for its life (docs/architecture.md). */
  shards: number;
  /** Lease duration; default 6 s. Heartbeats renew it every third of it. */
  leaseMs?: number;
  /** How often this process looks for its fair share (joins, deaths); default a third of the lease. */
  rebalanceMs?: number;
  /** The embedded store: this process holds every shard (ShardLeases). */
  exclusive?: boolean;
  /** This process's member id (tests run several in one process). */
  member?: string;
}

/** One shard as its holder sees it. */
export interface HeldShardStatus {
  shard: number;
  checkpoint: Checkpoint;
}

export interface ShardedSubscriptionStatus extends SubscriptionStatus {
  /** The shards this process holds and where each is. */
  held: HeldShardStatus[];
}

export const DEFAULT_LEASE_MS = 6_000;

/**
 * Follows the gap-safe global order for the shards of one subscriber that
 * this process holds (docs/architecture.md, "Shards and leases"). It reads
 * each page of the log once, from the least advanced of its shards, and hands
 * the handler the events of its shards that each has not seen yet; the
 * handler saves, in its own transaction, every shard's checkpoint and the
 * lease fence. A patient's events are all in one shard, so they are applied
 * in order, by one holder at a time.
 */
export class ShardedSubscription extends LogFollower {
  private readonly leases: ShardLeases;
  private readonly checkpoints: ShardCheckpoints;
  private readonly positions = new Map<number, ShardCheckpoint>();
  private readonly leaseMs: number;
  /** Batches and work between them take turns (betweenBatches). */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlDatabase,
    private readonly handler: SubscriptionHandler,
    private readonly options: ShardedSubscriptionOptions,
  ) {
    super();
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.leases = new ShardLeases(sql, {
      subscriber: options.name,
      shards: options.shards,
      leaseMs: this.leaseMs,
      ...(options.exclusive ? { exclusive: true } : {}),
      ...(options.member ? { member: options.member } : {}),
    });
    this.checkpoints = new ShardCheckpoints(sql.schema, options.name);
  }

  get member(): string {
    return this.leases.member;
  }

  protected override stopped(): void {
    this.positions.clear();
  }

  status(): ShardedSubscriptionStatus {
    const held = [...this.leases.held().keys()]
      .sort((a, b) => a - b)
      .map((shard) => ({ shard, checkpoint: this.positions.get(shard)?.checkpoint ?? START }));
    const least = held.map((h) => h.checkpoint).sort(compareCheckpoints)[0];
    return {
      name: this.options.name,
      state: this.state,
      checkpoint: least ?? START,
      leader: held.length > 0,
      processed: this.processed,
      eventsPerSecond: this.eventsPerSecond,
      lastEventRecordedAt: this.lastEventRecordedAt,
      lastError: this.lastError,
      held,
    };
  }

  /** Whether this process holds the shard now (as far as its last lease renewal vouches). */
  holds(shard: number): boolean {
    return this.leases.held().has(shard);
  }

  /**
   * Runs `work` for a shard this process holds, between two batches (no batch of this subscriber
   * runs meanwhile), given the shard's checkpoint; `fence` re-checks the lease inside the work's
   * transaction, as a batch does. So work on a patient's rows (a retried parked event) is ordered
   * with the holder's batches. Answers `{ held: false }` when another process, or none, holds the shard.
   */
  betweenBatches<T>(
    shard: number,
    work: (checkpoint: Checkpoint, fence: (tx: SqlQueryable) => Promise<void>) => Promise<T>,
  ): Promise<{ held: true; value: T } | { held: false }> {
    return this.inTurn(async () => {
      if (!this.leases.held().has(shard)) return { held: false as const };
      const at =
        this.positions.get(shard) ??
        (await this.checkpoints.load(this.sql, [shard], this.options.from ?? START)).get(shard)!;
      const value = await work(at.checkpoint, (tx) => this.leases.fence(tx, [shard]));
      return { held: true as const, value };
    });
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const done = this.turn.then(work);
    this.turn = done.catch(() => undefined);
    return done;
  }

  private report(): ShardReport {
    return { state: this.state, lastError: this.lastError, eventsPerSecond: this.eventsPerSecond };
  }

  protected async run(signal: AbortSignal): Promise<void> {
    const heartbeat = setInterval(
      () => void this.leases.heartbeat(this.report()).catch((error: unknown) => this.recordError(error)),
      Math.max(200, Math.floor(this.leaseMs / 3)),
    );
    try {
      await this.work(signal);
    } finally {
      clearInterval(heartbeat);
      await this.leases.leave().catch(() => undefined);
    }
  }

  private async work(signal: AbortSignal): Promise<void> {
    const rebalanceMs = this.options.rebalanceMs ?? Math.max(200, Math.floor(this.leaseMs / 3));
    let joined = false;
    let lastRebalance = 0;
    let backoff = this.options.retryBackoffMs?.initial ?? 500;
    let stepping = false;
    while (!signal.aborted) {
      try {
        if (!joined) {
          await this.leases.join();
          joined = true;
        }
        if (Date.now() - lastRebalance >= rebalanceMs) {
          const { released } = await this.leases.rebalance();
          for (const shard of released) this.positions.delete(shard);
          lastRebalance = Date.now();
        }
        const held = this.leases.held();
        for (const shard of [...this.positions.keys()]) if (!held.has(shard)) this.positions.delete(shard);
        if (held.size === 0) {
          this.state = 'standby';
          await sleep(rebalanceMs, undefined, { signal }).catch(() => undefined);
          continue;
        }
        if (await this.holding(signal)) continue;
        stepping = true;
        const handled = await this.inTurn(() => this.step(held, signal));
        stepping = false;
        backoff = this.options.retryBackoffMs?.initial ?? 500;
        if (handled === 0) {
          this.state = 'running';
          await this.store.waitForEvents({ timeoutMs: Math.min(this.options.idleWaitMs ?? 1000, rebalanceMs), signal });
        }
      } catch (error) {
        const inBatch = stepping;
        stepping = false;
        if (error instanceof LeaseLost || error instanceof CheckpointMoved) {
          // Another process holds a shard now: re-read leases and checkpoints before the next batch.
          this.positions.clear();
          lastRebalance = 0;
          await this.leases.heartbeat(this.report()).catch(() => undefined);
          continue;
        }
        this.recordError(error);
        // A batch that fails stops under `stop` (a poison event is never skipped silently); a failed
        // lease or membership query (the database restarting) is tried again with backoff.
        if (inBatch && (this.options.onError ?? 'stop') === 'stop') {
          this.state = 'failed';
          continue;
        }
        this.state = 'retrying';
        await sleep(backoff, undefined, { signal }).catch(() => undefined);
        backoff = Math.min(backoff * 2, this.options.retryBackoffMs?.max ?? 30_000);
      }
    }
  }

  private async step(held: ReadonlyMap<number, number>, signal: AbortSignal): Promise<number> {
    const missing = [...held.keys()].filter((shard) => !this.positions.has(shard));
    if (missing.length > 0) {
      for (const [shard, c] of await this.checkpoints.load(this.sql, missing, this.options.from ?? START)) {
        this.positions.set(shard, c);
      }
    }
    const mine = new Map([...held.keys()].map((shard) => [shard, this.positions.get(shard)!]));
    const from = [...mine.values()].map((c) => c.checkpoint).sort(compareCheckpoints)[0]!;
    const limit = this.options.batchSize ?? 500;
    const page = await this.store.readAll({ after: from, limit });
    if (page.length === 0 || signal.aborted) return 0;
    this.state = page.length === limit ? 'catching-up' : 'running';
    const next = checkpointOf(page[page.length - 1]!);
    const advancing = new Map([...mine].filter(([, c]) => compareCheckpoints(c.checkpoint, next) < 0));
    const batch = page.filter((e) => this.isDue(e, mine));
    let saved = false;
    const save = async (tx: SqlQueryable): Promise<void> => {
      await this.leases.fence(tx, [...advancing.keys()]);
      await this.checkpoints.save(tx, advancing, next);
    };
    await this.handler.handle(batch, {
      previous: from,
      next,
      saveCheckpoint: async (executor) => {
        await (executor ? save(executor) : this.sql.transaction(save));
        saved = true;
      },
    });
    if (!saved) throw new Error(`Handler of ${this.options.name} did not save its checkpoint`);
    for (const shard of advancing.keys()) this.positions.set(shard, { checkpoint: next, stored: true });
    this.processed += batch.length;
    if (batch.length > 0) this.lastEventRecordedAt = batch[batch.length - 1]!.recordedAt;
    this.lastError = null;
    this.measure(batch.length);
    return page.length;
  }

  /** An event of a shard held here that the shard has not handled yet. */
  private isDue(e: StoredEvent, mine: ReadonlyMap<number, ShardCheckpoint>): boolean {
    const at = mine.get(shardOf(shardKeyOf(e), this.options.shards));
    return at !== undefined && compareCheckpoints(checkpointOf(e), at.checkpoint) > 0;
  }
}
