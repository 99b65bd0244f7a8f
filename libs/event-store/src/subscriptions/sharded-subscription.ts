import { setTimeout as sleep } from 'node:timers/promises';
import { checkpointOf, START, type Checkpoint, type EventStore, type StoredEvent } from '../event-store';
import type { SqlDatabase, SqlQueryable } from '../sql/sql-database';
import { CheckpointMoved } from './checkpoint-store';
import { ShardCheckpoints, type ShardCheckpoint } from './shard-checkpoints';
import { LeaseLost, ShardLeases, type ShardReport } from './shard-leases';
import { compareCheckpoints, shardKeyOf, shardOf } from './shards';
import { LogFollower } from './log-follower';
import { PatientCursors, type PatientCursor } from './patient-cursors';
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
  /**
   * A shard that starts from the beginning of the log (no checkpoint yet) first hands the handler
   * its patients' histories up to a head fixed when it began, whole patients at a time, then
   * follows the global order from that head (docs/read-models.md, "How a rebuild proceeds"). Only
   * for handlers whose effect of an event depends on its patient's earlier events alone and that
   * ignore events naming no patient: the read models.
   */
  byPatient?: boolean;
  /**
   * A rest after every batch that handled events, in milliseconds (default none): a rebuild on a
   * busy database leaves it room for live reads and writes (PROJECTION_REBUILD_PAUSE_MS, docs/deployment.md).
   */
  pauseAfterBatchMs?: number | (() => number);
}

/** A shard folding its patients' histories: its cursor and the patients still to do, in order. */
interface ByPatient {
  cursor: PatientCursor;
  patients: string[];
  next: number;
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
  private readonly byPatient = new Map<number, ByPatient>();
  /** Patients and events handed over by patient so far: how many patients make a batch. */
  private readonly byPatientSeen = { patients: 0, events: 0 };
  private readonly cursors: PatientCursors;
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
    this.cursors = new PatientCursors(sql.schema, options.name);
  }

  get member(): string {
    return this.leases.member;
  }

  protected override stopped(): void {
    this.forgetShards();
  }

  /** What this process knows of where its shards are; read again from the database before the next batch. */
  private forgetShards(shards?: readonly number[]): void {
    for (const shard of shards ?? [...this.positions.keys(), ...this.byPatient.keys()]) {
      this.positions.delete(shard);
      this.byPatient.delete(shard);
    }
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
   * `patientId`: the patient the work is about, for a shard still folding its patients' histories.
   */
  betweenBatches<T>(
    shard: number,
    work: (checkpoint: Checkpoint, fence: (tx: SqlQueryable) => Promise<void>) => Promise<T>,
    patientId?: string,
  ): Promise<{ held: true; value: T } | { held: false }> {
    return this.inTurn(async () => {
      if (!this.leases.held().has(shard)) return { held: false as const };
      const checkpoint = await this.appliedUpTo(shard, patientId);
      const value = await work(checkpoint, (tx) => this.leases.fence(tx, [shard]));
      return { held: true as const, value };
    });
  }

  /**
   * How far a shard's events (a patient's, if given) are applied. While the shard folds its patients'
   * histories (docs/read-models.md, "How a rebuild proceeds") its checkpoint is the start of the log,
   * but a patient already folded has every event up to the head applied.
   */
  private async appliedUpTo(shard: number, patientId?: string): Promise<Checkpoint> {
    let at = this.positions.get(shard);
    let cursor = this.byPatient.get(shard)?.cursor;
    if (!at && !cursor) {
      at = (await this.checkpoints.load(this.sql, [shard], this.options.from ?? START)).get(shard)!;
      if (!at.stored && this.options.byPatient) cursor = (await this.cursors.read(this.sql, [shard])).get(shard);
    }
    if (!cursor) return at!.checkpoint;
    const folded = patientId !== undefined && cursor.afterPatient !== null && patientId <= cursor.afterPatient;
    return folded ? cursor.head : START;
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
          this.forgetShards(released);
          lastRebalance = Date.now();
        }
        const held = this.leases.held();
        this.forgetShards([...this.positions.keys(), ...this.byPatient.keys()].filter((shard) => !held.has(shard)));
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
        } else {
          const rest = this.options.pauseAfterBatchMs;
          const ms = typeof rest === 'function' ? rest() : (rest ?? 0);
          if (ms > 0) await sleep(ms, undefined, { signal }).catch(() => undefined);
        }
      } catch (error) {
        const inBatch = stepping;
        stepping = false;
        if (error instanceof LeaseLost || error instanceof CheckpointMoved) {
          // Another process holds a shard now: re-read leases and checkpoints before the next batch.
          this.forgetShards();
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

  /**
   * One batch of each shard still folding its patients' histories, and one of the global order
   * for the shards that follow it. The number of events read; 0 when there was nothing to do.
   */
  private async step(held: ReadonlyMap<number, number>, signal: AbortSignal): Promise<number> {
    const missing = [...held.keys()].filter((shard) => !this.positions.has(shard) && !this.byPatient.has(shard));
    if (missing.length > 0) await this.load(missing);
    let handled = 0;
    for (const shard of [...this.byPatient.keys()]) if (!signal.aborted) handled += await this.stepByPatient(shard);
    if (this.positions.size > 0 && !signal.aborted) handled += await this.stepInOrder(held, signal);
    return handled;
  }

  /**
   * Where newly held shards are. With `byPatient`, a shard without a checkpoint that would start at
   * the beginning of the log has no effects yet, so it may fold its patients' histories first.
   */
  private async load(shards: readonly number[]): Promise<void> {
    const fresh: number[] = [];
    for (const [shard, c] of await this.checkpoints.load(this.sql, shards, this.options.from ?? START)) {
      if (this.options.byPatient && !c.stored && compareCheckpoints(c.checkpoint, START) === 0) fresh.push(shard);
      else this.positions.set(shard, c);
    }
    if (fresh.length === 0) return;
    const cursors = await this.cursors.load(this.sql, fresh, () => this.store.lastReadable());
    // Read after every head above was fixed, so it names every patient with an event up to them.
    const patients = (await this.store.patientIds()).sort();
    for (const [shard, cursor] of cursors) {
      const after = cursor.afterPatient;
      const left = patients.filter(
        (id) => shardOf(id, this.options.shards) === shard && (after === null || id > after),
      );
      this.byPatient.set(shard, {
        cursor: { ...cursor, patients: cursor.patientsDone + left.length },
        patients: left,
        next: 0,
      });
    }
  }

  /**
   * The next patients of a shard, whole histories up to the shard's head, in one batch; the last
   * batch also moves the shard's checkpoint to the head, from where it follows the global order.
   */
  private async stepByPatient(shard: number): Promise<number> {
    const state = this.byPatient.get(shard)!;
    const { cursor } = state;
    const group = state.patients.slice(state.next, state.next + this.patientsPerBatch());
    const last = state.next + group.length >= state.patients.length;
    const events = (await this.store.readPatientsUpTo(group, cursor.head)).filter(
      (e) => shardOf(shardKeyOf(e), this.options.shards) === shard,
    );
    const moved: PatientCursor = {
      ...cursor,
      afterPatient: group[group.length - 1] ?? cursor.afterPatient,
      patientsDone: cursor.patientsDone + group.length,
    };
    let saved = false;
    const save = async (tx: SqlQueryable): Promise<void> => {
      await this.leases.fence(tx, [shard]);
      if (!last) return this.cursors.advance(tx, shard, cursor, moved);
      await this.cursors.finish(tx, shard, cursor);
      await this.checkpoints.save(tx, new Map([[shard, { checkpoint: START, stored: false }]]), cursor.head);
    };
    await this.handler.handle(events, {
      previous: START,
      next: last ? cursor.head : START,
      saveCheckpoint: async (executor) => {
        await (executor ? save(executor) : this.sql.transaction(save));
        saved = true;
      },
    });
    if (!saved) throw new Error(`Handler of ${this.options.name} did not save its checkpoint`);
    if (last) {
      this.byPatient.delete(shard);
      this.positions.set(shard, { checkpoint: cursor.head, stored: true });
    } else {
      state.cursor = moved;
      state.next += group.length;
    }
    this.byPatientSeen.patients += group.length;
    this.byPatientSeen.events += events.length;
    this.processed += events.length;
    if (events.length > 0) this.lastEventRecordedAt = events[events.length - 1]!.recordedAt;
    this.lastError = null;
    this.measure(events.length);
    // Never 0: the loop must not wait for new events while histories remain.
    return Math.max(1, events.length);
  }

  /** As many patients as make about a batch of events, from the patients' average so far. */
  private patientsPerBatch(): number {
    const batchSize = this.options.batchSize ?? 500;
    const { patients, events } = this.byPatientSeen;
    if (events === 0) return Math.min(batchSize, Math.max(1, patients * 2));
    return Math.min(batchSize, Math.max(1, Math.round((batchSize * patients) / events)));
  }

  /** One page of the global order for the held shards that follow it. */
  private async stepInOrder(held: ReadonlyMap<number, number>, signal: AbortSignal): Promise<number> {
    const mine = new Map(
      [...held.keys()].filter((shard) => this.positions.has(shard)).map((shard) => [shard, this.positions.get(shard)!]),
    );
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
