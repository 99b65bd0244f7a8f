import {
  appliedPosition,
  compareCheckpoints,
  DEFAULT_LEASE_MS,
  DEFAULT_SHARDS,
  newMemberId,
  ShardCheckpoints,
  ShardedSubscription,
  shardStatuses,
  SqlPatientKeyStore,
  START,
  type Checkpoint,
  type EventStore,
  type ShardStatus,
  type SqlDatabase,
} from '@caretrail/event-store';
import { CachingPatientKeyStore } from '@caretrail/security';
import { BatchProjector, type ProjectionKeys } from './batch-projector';
import type { ReadModel } from '@caretrail/read-models';
import type { PoisonPolicy, ProjectionState } from './projection';
import { checkpointName, ProjectionTables } from './projection-tables';
import { ParkedEvents, parkedCounts, type ParkedEvent } from './parked-events';
import { ParkedRetrier } from './parked-retrier';

export interface ProjectionHostOptions {
  batchSize?: number;
  /** A rest after each batch of a generation being rebuilt (default none): the live generation never waits. */
  rebuildPauseMs?: number;
  poisonPolicy?: PoisonPolicy;
  /** How often the host re-reads the registry (pause, rebuild, switch-over by another process). */
  reconcileMs?: number;
  /**
   * Patients' data keys, to open personal data before evolve (docs/erasure.md).
   * Default: the store's `patient_keys` table behind a cache. The API passes
   * its own cache, so an erasure it performs is forgotten here at once.
   */
  keys?: ProjectionKeys;
  /** Where the host reports what goes wrong in the background (a failed reconcile). Default: stderr. */
  log?: ProjectionLog;
  /**
   * Shards of a new generation (PROJECTION_SHARDS, default 16). A generation keeps the count it was
   * created with (the registry records it); a new count applies from the next rebuild.
   */
  shards?: number;
  /** Lease duration of a shard (SHARD_LEASE_MS, default 6 s): a dead process's shards move after it. */
  leaseMs?: number;
  /** This host's member id in the shard leases (default: host/pid/random). */
  member?: string;
  /**
   * How long a retry of parked events waits for the holders of the patients' shards to carry it out
   * before answering the rest as queued (PARKED_RETRY_WAIT_MS, default 5 s).
   */
  retryWaitMs?: number;
  /** How often a running host looks for retry requests its shards should carry out (default 1 s). */
  retryPollMs?: number;
  /**
   * Whether a generation built from an empty table folds each patient's history up to a head first
   * (docs/read-models.md, "How a rebuild proceeds"). Default true; false follows the global order
   * from the start, which builds the same rows (a test compares them).
   */
  rebuildByPatient?: boolean;
}

export type ProjectionLog = (
  level: 'error' | 'warn' | 'info',
  message: string,
  fields?: Record<string, unknown>,
) => void;

const logToStderr: ProjectionLog = (level, message, fields) =>
  console.error(JSON.stringify({ level, msg: message, ...fields }));

interface RegistryRow {
  name: string;
  version: number;
  active_generation: number;
  building_generation: number | null;
  building_version: number | null;
  paused: boolean;
  state: string;
  last_error: string | null;
  last_error_event_id: string | null;
  last_error_at: Date | null;
  events_per_second: number;
  shards: number | null;
  building_shards: number | null;
}

interface Runner {
  name: string;
  generation: number;
  shards: number;
  building: boolean;
  projector: BatchProjector;
  subscription: ShardedSubscription;
}

/** What a retry of parked events did (docs/read-models.md, "Parked events"). */
export interface RetryOutcome {
  /** Applied now: they left the parked list. */
  retried: string[];
  /** Failed again: still parked, with the new error. */
  stillFailing: Array<{ eventId: string; error: string }>;
  /** Requested, not carried out within the wait: the holder of the patient's shard will (`retryRequestedAt`). */
  queued: string[];
  /** Not retried: parked without a known patient (before migration 0010, on a KurrentDB log), so no rows to re-derive. */
  withoutPatient: string[];
}

export interface ProjectionStatus {
  name: string;
  version: number;
  state: ProjectionState;
  generation: number;
  checkpoint: Checkpoint;
  headPosition: number;
  lagEvents: number;
  lagSeconds: number;
  eventsPerSecond: number;
  lastError: { message: string; eventId: string | null; at: string } | null;
  rebuild: {
    generation: number;
    version: number;
    checkpoint: Checkpoint;
    progress: number;
    /** Seconds left at the rebuild's measured rate; null until it has one. */
    etaSeconds: number | null;
    shardCount: number;
    shards: ShardStatus[];
  } | null;
  /** The number of shards of the serving generation, fixed when it was created. */
  shardCount: number;
  /** Each shard of the serving generation: holder, checkpoint, lag (docs/read-models.md, Operating). */
  shards: ShardStatus[];
  /** Events of the serving generation parked and awaiting a decision (skipped ones not counted). */
  parkedCount: number;
}

/** A parked event that is not there (a rebuild forgets the parked events of the generation it replaces). */
export class UnknownParkedEvent extends Error {
  constructor(
    readonly projection: string,
    readonly eventId: string,
  ) {
    super(`No event ${eventId} is parked by the read model ${projection}`);
    this.name = 'UnknownParkedEvent';
  }
}

/** Skipping or retrying an event an operator has skipped already. */
export class ParkedEventSkipped extends Error {
  constructor(readonly parked: ParkedEvent) {
    super(`Event ${parked.eventId} was skipped by ${parked.skippedBy} at ${parked.skippedAt}`);
    this.name = 'ParkedEventSkipped';
  }
}

export class UnknownProjection extends Error {
  constructor(readonly projection: string) {
    super(`There is no read model named ${projection}`);
    this.name = 'UnknownProjection';
  }
}

/**
 * Runs every read model of this process: one sharded subscription per
 * generation in use, blue/green rebuilds that switch over once every shard
 * has caught up, pause/resume, and status. Several hosts (API processes,
 * projectors) can run side by side: each generation's shards are shared out
 * among them under leases (docs/architecture.md, "Shards and leases").
 */
export class ProjectionHost {
  private readonly tables: ProjectionTables;
  private readonly runners = new Map<string, Runner>();
  private readonly definitions: Map<string, ReadModel>;
  private readonly keys: ProjectionKeys;
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private reconciling: Promise<void> = Promise.resolve();
  /** The pass over retry requests in flight, if any (one at a time). */
  private retrying: Promise<void> | null = null;
  private readonly retrier: ParkedRetrier;
  private stopped = false;
  private started = false;
  private readonly log: ProjectionLog;
  private readonly shards: number;
  /** This host's id in the shard leases: what `GET /admin/projections` shows as a shard's owner. */
  readonly member: string;

  /**
   * `store` is the log the read models follow; `sql` holds their
   * tables, the registry and the checkpoints (docs/architecture.md, Read side).
   */
  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlDatabase,
    definitions: readonly ReadModel[],
    private readonly options: ProjectionHostOptions = {},
  ) {
    this.tables = new ProjectionTables(sql.schema);
    this.definitions = new Map(definitions.map((d) => [d.name, d]));
    this.keys = options.keys ?? new CachingPatientKeyStore(new SqlPatientKeyStore(sql));
    this.log = options.log ?? logToStderr;
    this.shards = options.shards ?? DEFAULT_SHARDS;
    this.member = options.member ?? newMemberId();
    this.retrier = new ParkedRetrier(store, sql, this.tables, this.member);
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.started = true;
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcileInBackground(), this.options.reconcileMs ?? 1000);
    this.retryTimer = setInterval(() => void this.carryOutRetries(), this.options.retryPollMs ?? 1000);
  }

  /**
   * Carries out the retry requests whose patients' shards this host holds, recorded by any process
   * (docs/read-models.md, "Parked events"). A pass that fails is logged and tried at the next tick.
   */
  private carryOutRetries(): Promise<void> {
    this.retrying ??= this.retrier
      .carryOutPending(this.runners, checkpointName, (error, patientId) =>
        this.log('warn', 'a parked-event retry failed; trying again at the next tick', {
          patientId,
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      .catch((error: unknown) =>
        this.log('error', 'looking for parked-event retries failed; trying again at the next tick', {
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      .finally(() => {
        this.retrying = null;
      });
    return this.retrying;
  }

  /*
   * A periodic pass that fails (the database restarting, a lost connection)
   * is tried again at the next tick; it is logged, not thrown, because
   * nothing awaits the timer.
   */
  private async reconcileInBackground(): Promise<void> {
    try {
      await this.reconcile();
    } catch (error) {
      this.log('error', 'reconciling the read models failed; trying again at the next tick', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.started = false;
    clearInterval(this.timer);
    clearInterval(this.retryTimer);
    // A failed pass was already reported to whoever awaited it (or logged by the timer).
    await this.reconciling.catch(() => undefined);
    await this.retrying;
    await Promise.all([...this.runners.values()].map((r) => r.subscription.stop()));
    this.runners.clear();
  }

  /**
   * Starts rebuilding a read model into a new generation; the current one keeps serving until the switch.
   * A host that does not run the read models only records the request; the running ones build it.
   */
  async rebuild(name: string): Promise<{ generation: number }> {
    const started = await this.startRebuild(name);
    if (this.started) await this.reconcile();
    return started;
  }

  private async startRebuild(name: string): Promise<{ generation: number }> {
    const definition = this.definition(name);
    await this.ensureRegistered(); // a host that never started has no registry rows yet
    const generation = await this.sql.transaction(async (tx) => {
      const { rows } = await tx.query<RegistryRow>(
        `SELECT * FROM ${this.tables.registry()} WHERE name = $1 FOR UPDATE`,
        [name],
      );
      const row = rows[0]!;
      const next = Math.max(row.active_generation, row.building_generation ?? 0) + 1;
      if (row.building_generation !== null) await this.tables.drop(tx, name, row.building_generation);
      await this.tables.create(tx, name, next);
      await tx.query(
        `UPDATE ${this.tables.registry()} SET building_generation = $2, building_version = $3, building_shards = $4
         WHERE name = $1`,
        [name, next, definition.version, this.shards],
      );
      return next;
    });
    return { generation };
  }

  async pause(name: string): Promise<void> {
    this.definition(name);
    await this.sql.query(`UPDATE ${this.tables.registry()} SET paused = true WHERE name = $1`, [name]);
    if (this.started) await this.reconcile();
  }

  /** Resumes a paused read model, or retries one stopped by a poison event. */
  async resume(name: string): Promise<void> {
    this.definition(name);
    await this.sql.query(
      `UPDATE ${this.tables.registry()} SET paused = false, last_error = NULL, last_error_event_id = NULL WHERE name = $1`,
      [name],
    );
    for (const runner of this.runners.values()) if (runner.name === name) runner.subscription.resume();
    if (this.started) await this.reconcile();
  }

  /** The table serving queries for a read model now. */
  async activeTable(name: string): Promise<{ table: string; checkpoint: Checkpoint }> {
    this.definition(name);
    const { rows } = await this.sql.query<{ active_generation: number; shards: number | null }>(
      `SELECT active_generation, shards FROM ${this.tables.registry()} WHERE name = $1`,
      [name],
    );
    const generation = rows[0]?.active_generation ?? 1;
    return {
      table: this.tables.table(name, generation),
      checkpoint: await this.leastCheckpoint(name, generation, rows[0]?.shards ?? this.shards),
    };
  }

  /**
   * Where every shard of a generation has got to: the least advanced shard's checkpoint. A reader
   * that needs an event applied waits until this covers it (every shard has read past it).
   */
  private async leastCheckpoint(name: string, generation: number, shards: number): Promise<Checkpoint> {
    const all = Array.from({ length: shards }, (_, shard) => shard);
    const loaded = await new ShardCheckpoints(this.sql.schema, checkpointName(name, generation)).load(
      this.sql,
      all,
      START,
    );
    return [...loaded.values()].map((c) => c.checkpoint).sort(compareCheckpoints)[0] ?? START;
  }

  async status(): Promise<ProjectionStatus[]> {
    const { rows } = await this.sql.query<RegistryRow>(`SELECT * FROM ${this.tables.registry()} ORDER BY name`);
    const { headPosition } = await this.store.status();
    const parked = await parkedCounts(this.sql, this.tables);
    return Promise.all(
      rows
        .filter((row) => this.definitions.has(row.name))
        .map(async (row) => {
          const shardCount = row.shards ?? this.shards;
          const shards = await this.shardsOf(row.name, row.active_generation, shardCount);
          const checkpoint = leastOf(shards);
          const lag = await this.lag(checkpoint, headPosition);
          const failed = shards.find((s) => s.state === 'failed' || s.state === 'retrying');
          const lastError = failed?.lastError ?? shards.find((s) => s.lastError)?.lastError ?? null;
          const buildingShards = row.building_shards ?? this.shards;
          const building =
            row.building_generation === null
              ? null
              : await this.shardsOf(row.name, row.building_generation, buildingShards);
          const rebuildCheckpoint = building ? leastOf(building) : START;
          const etaSeconds = building ? this.etaOf(building, ratesOf(building)) : null;
          return {
            name: row.name,
            version: row.version,
            state: stateOf(row, shards, failed !== undefined),
            generation: row.active_generation,
            checkpoint,
            headPosition,
            lagEvents: lag.events,
            lagSeconds: lag.seconds,
            eventsPerSecond: ratesOf(shards),
            lastError: lastError ? { ...lastError, eventId: lastError.eventId ?? null } : null,
            rebuild:
              building === null
                ? null
                : {
                    generation: row.building_generation!,
                    version: row.building_version ?? row.version,
                    checkpoint: rebuildCheckpoint,
                    progress: headPosition === 0 ? 1 : Math.min(1, leastApplied(building) / headPosition),
                    etaSeconds,
                    shardCount: buildingShards,
                    shards: building,
                  },
            shardCount,
            shards,
            parkedCount: parked.get(`${row.name}:${row.active_generation}`) ?? 0,
          };
        }),
    );
  }

  /** Events parked (PROJECTION_POISON_POLICY=park) in each read model's serving generation. */
  async parkedCounts(): Promise<Map<string, number>> {
    const { rows } = await this.sql.query<{ name: string; parked: number }>(
      `SELECT r.name, count(p.event_id)::int AS parked FROM ${this.tables.registry()} r
       LEFT JOIN ${this.tables.parked()} p ON p.projection = r.name AND p.generation = r.active_generation
       GROUP BY r.name`,
    );
    return new Map(rows.filter((row) => this.definitions.has(row.name)).map((row) => [row.name, row.parked]));
  }

  /**
   * The shards of a generation as the lease rows show them, with this host's own shards
   * overlaid by what its runner knows now (the rows lag by up to a heartbeat).
   */
  private async shardsOf(name: string, generation: number, shards: number): Promise<ShardStatus[]> {
    const statuses = await shardStatuses(this.sql, this.store, checkpointName(name, generation), shards);
    const runner = this.runners.get(checkpointName(name, generation));
    if (!runner) return statuses;
    const local = runner.subscription.status();
    const mine = new Map(local.held.map((h) => [h.shard, h.checkpoint]));
    return statuses.map((s) =>
      mine.has(s.shard)
        ? {
            ...s,
            owner: runner.subscription.member,
            state: local.state,
            lastError: local.lastError
              ? { message: local.lastError.message, eventId: local.lastError.eventId ?? null, at: local.lastError.at }
              : null,
            eventsPerSecond: local.eventsPerSecond,
          }
        : s,
    );
  }

  /**
   * The events left to read over the rate the rebuild's holders measure; null while it has none.
   * The least advanced shard has the most left: its lag as the shards report it (a shard folding its
   * patients reports an estimate from the patients done).
   */
  private etaOf(shards: readonly ShardStatus[], eventsPerSecond: number): number | null {
    if (eventsPerSecond <= 0) return null;
    return Math.ceil(Math.max(0, ...shards.map((s) => s.lagEvents)) / eventsPerSecond);
  }

  /** The serving generation's parked events, in the log's order (docs/read-models.md, "Parked events"). */
  async parkedEvents(name: string, page: { limit: number; after?: number }): Promise<ParkedEvent[]> {
    return (await this.parkedOf(name)).list(this.sql, page);
  }

  async parkedEvent(name: string, eventId: string): Promise<ParkedEvent> {
    const parked = await (await this.parkedOf(name)).get(this.sql, eventId);
    if (!parked) throw new UnknownParkedEvent(name, eventId);
    return parked;
  }

  /** Records that an operator decided the event stays unapplied: who, when, why. */
  async skipParked(name: string, eventId: string, by: string, reason: string): Promise<ParkedEvent> {
    const generation = await this.activeGeneration(name);
    const parked = new ParkedEvents(this.tables, name, generation);
    // A retry asked for and not carried out yet is closed with it: the event stays unapplied.
    const skipped = await this.sql.transaction(async (tx) => {
      const row = await parked.skip(tx, eventId, by, reason);
      if (row) await this.retrier.requests.closeSkipped(tx, name, generation, eventId, by);
      return row && { ...row, retryRequestedAt: null };
    });
    if (skipped) return skipped;
    throw new ParkedEventSkipped(await this.parkedEvent(name, eventId)); // or UnknownParkedEvent
  }

  /**
   * Applies parked events again (docs/read-models.md, "Parked events"): each patient's rows are
   * re-derived from their log up to the shard's checkpoint with the retried events in, by the
   * process that holds the patient's shard, between two of its batches. This host records a request
   * per event (`by`: who asked), carries out at once those whose shard it holds, and waits up to
   * `retryWaitMs` for the holders of the others; what is not carried out by then is `queued`.
   * `eventIds`: one event, or every parked (not skipped) event of the serving generation.
   */
  async retryParked(name: string, eventIds: 'all' | string, by: string): Promise<RetryOutcome> {
    const generation = await this.activeGeneration(name);
    const parked = new ParkedEvents(this.tables, name, generation);
    let targets: ParkedEvent[];
    if (eventIds === 'all') {
      targets = (await parked.list(this.sql, { limit: Number.MAX_SAFE_INTEGER })).filter((p) => p.state === 'parked');
    } else {
      const one = await this.parkedEvent(name, eventIds);
      if (one.state === 'skipped') throw new ParkedEventSkipped(one);
      targets = [one];
    }
    const outcome: RetryOutcome = { retried: [], stillFailing: [], queued: [], withoutPatient: [] };
    const requested: Array<{ eventId: string; patientId: string }> = [];
    for (const { eventId, patientId } of targets) {
      if (patientId === null) outcome.withoutPatient.push(eventId);
      else requested.push({ eventId, patientId });
    }
    const ids = await this.retrier.requests.request(this.sql, name, generation, requested, by);
    const runner = this.runners.get(checkpointName(name, generation));
    if (runner) {
      for (const patientId of new Set(requested.map((r) => r.patientId)))
        await this.retrier.carryOut(runner, patientId);
    }
    const states = await this.retrier.awaitOutcomes([...ids.values()], this.options.retryWaitMs ?? 5000);
    for (const { eventId } of requested) {
      const state = states.get(ids.get(eventId)!);
      if (state?.outcome === 'applied') outcome.retried.push(eventId);
      else if (state?.outcome === 'still-failing') outcome.stillFailing.push({ eventId, error: state.error ?? '' });
      else if (state?.outcome !== 'skipped') outcome.queued.push(eventId); // skipped meanwhile: nothing to say
    }
    return outcome;
  }

  private async activeGeneration(name: string): Promise<number> {
    this.definition(name);
    const { rows } = await this.sql.query<{ active_generation: number }>(
      `SELECT active_generation FROM ${this.tables.registry()} WHERE name = $1`,
      [name],
    );
    return rows[0]?.active_generation ?? 1;
  }

  private async parkedOf(name: string): Promise<ParkedEvents> {
    return new ParkedEvents(this.tables, name, await this.activeGeneration(name));
  }

  private definition(name: string): ReadModel {
    const definition = this.definitions.get(name);
    if (!definition) throw new UnknownProjection(name);
    return definition;
  }

  /**
   * How far a checkpoint is behind, as the shards report it (shard-status.ts): the positions
   * between it and the head (an upper bound: positions of rolled-back appends are never used),
   * and the age of the first event after it. Two index reads whatever the lag: counting the events
   * after a checkpoint reads every one of them, millions during a rebuild, on each status call.
   */
  private async lag(checkpoint: Checkpoint, headPosition: number): Promise<{ events: number; seconds: number }> {
    const [next] = await this.store.readAll({ after: checkpoint, limit: 1 });
    if (next === undefined) return { events: 0, seconds: 0 };
    return {
      events: Math.max(1, headPosition - checkpoint.position),
      seconds: Math.max(0, (Date.now() - Date.parse(next.recordedAt)) / 1000),
    };
  }

  /** Brings this process's runners in line with the registry. Serialised: one pass at a time. */
  private reconcile(): Promise<void> {
    this.reconciling = this.reconciling.then(() => (this.stopped ? undefined : this.reconcileUntilSteady()));
    return this.reconciling;
  }

  /** A pass that changed the registry (a rebuild started, a switch-over) is followed by another on the new rows. */
  private async reconcileUntilSteady(): Promise<void> {
    while (await this.reconcilePass()) {
      if (this.stopped) return;
    }
  }

  /** One pass over the registry; true when it changed the registry and must be run again. */
  private async reconcilePass(): Promise<boolean> {
    const registry = await this.ensureRegistered();
    const wanted = new Set<string>();
    for (const row of registry) {
      const definition = this.definitions.get(row.name);
      if (!definition) continue;
      if (await this.reconcileModel(row, definition, wanted)) return true;
    }
    await this.stopRunnersNotIn(wanted);
    return false;
  }

  /**
   * Runs the generations of one read model that the registry names, adding
   * their runner keys to `wanted`; true when it changed the registry.
   */
  /**
   * Runs the generations of one read model that the registry names, adding
   * their runner keys to `wanted`; true when it changed the registry.
   */
  private async reconcileModel(row: RegistryRow, definition: ReadModel, wanted: Set<string>): Promise<boolean> {
    if (row.version !== definition.version && row.building_generation === null) {
      // The code of this read model changed: rebuild it beside the old one.
      await this.startRebuild(row.name);
      return true;
    }
    wanted.add(checkpointName(row.name, row.active_generation));
    this.ensureRunner(definition, row.active_generation, false, row.shards ?? this.shards);
    if (row.building_generation !== null) {
      wanted.add(checkpointName(row.name, row.building_generation));
      this.ensureRunner(definition, row.building_generation, true, row.building_shards ?? this.shards);
      if (await this.switchIfCaughtUp(row)) return true;
    }
    for (const runner of this.runners.values()) {
      if (runner.name !== row.name) continue;
      if (row.paused) runner.subscription.pause();
      else if (runner.subscription.status().state === 'paused') runner.subscription.resume();
    }
    return false;
  }

  private async stopRunnersNotIn(wanted: Set<string>): Promise<void> {
    for (const [key, runner] of this.runners) {
      if (!wanted.has(key)) {
        this.runners.delete(key);
        await runner.subscription.stop();
      }
    }
  }

  private async ensureRegistered(): Promise<RegistryRow[]> {
    for (const definition of this.definitions.values()) {
      await this.sql.transaction(async (tx) => {
        const { rows } = await tx.query(
          `INSERT INTO ${this.tables.registry()} (name, version, active_generation, shards) VALUES ($1, $2, 1, $3)
           ON CONFLICT (name) DO NOTHING RETURNING name`,
          [definition.name, definition.version, this.shards],
        );
        if (rows.length > 0) await this.tables.create(tx, definition.name, 1);
      });
    }
    // Generations built before the log was sharded take this host's count once; their shards start
    // from the generation's single checkpoint (ShardCheckpoints).
    await this.sql.query(`UPDATE ${this.tables.registry()} SET shards = $1 WHERE shards IS NULL`, [this.shards]);
    await this.sql.query(
      `UPDATE ${this.tables.registry()} SET building_shards = $1 WHERE building_generation IS NOT NULL AND building_shards IS NULL`,
      [this.shards],
    );
    const { rows } = await this.sql.query<RegistryRow>(`SELECT * FROM ${this.tables.registry()}`);
    return rows;
  }

  private ensureRunner(definition: ReadModel, generation: number, building: boolean, shards: number): Runner {
    const key = checkpointName(definition.name, generation);
    const existing = this.runners.get(key);
    if (existing) return existing;
    const projector = new BatchProjector({
      store: this.store,
      sql: this.sql,
      tables: this.tables,
      definition,
      generation,
      poisonPolicy: () => this.options.poisonPolicy ?? 'stop',
      keys: this.keys,
    });
    const subscription = new ShardedSubscription(this.store, this.sql, projector, {
      name: key,
      shards,
      batchSize: this.options.batchSize ?? 1000,
      onError: 'stop',
      idleWaitMs: 1000,
      from: START,
      leaseMs: this.options.leaseMs ?? DEFAULT_LEASE_MS,
      member: this.member,
      // The embedded store admits one process: it holds every shard (docs/architecture.md).
      exclusive: this.sql.backend === 'pglite',
      byPatient: this.options.rebuildByPatient ?? true,
      // Only while this generation is being built: once it serves, it never waits.
      pauseAfterBatchMs: () => (runner.building ? (this.options.rebuildPauseMs ?? 0) : 0),
    });
    const runner: Runner = { name: definition.name, generation, shards, building, projector, subscription };
    this.runners.set(key, runner);
    subscription.start();
    return runner;
  }

  /**
   * Blue/green: once every shard of the new generation has caught up (whichever process holds it),
   * it serves and the old one goes. Any host may switch; the registry update decides once.
   */
  private async switchIfCaughtUp(row: RegistryRow): Promise<boolean> {
    const generation = row.building_generation!;
    const shards = row.building_shards ?? this.shards;
    const all = Array.from({ length: shards }, (_, shard) => shard);
    const checkpoints = await new ShardCheckpoints(this.sql.schema, checkpointName(row.name, generation)).load(
      this.sql,
      all,
      START,
    );
    // A shard that has not saved yet is at the start of the log: caught up only while the log is empty.
    // The cheap read first: while the least advanced shard still has events to read, the count of
    // the rest of the log (lagAfter) is not worth its cost.
    const least = leastOf([...checkpoints.values()]);
    if ((await this.store.readAll({ after: least, limit: 1 })).length > 0) return false;
    if ((await this.store.lagAfter(least)).events > 0) return false;
    const old = row.active_generation;
    const switched = await this.sql.transaction(async (tx) => {
      const { rows } = await tx.query(
        `UPDATE ${this.tables.registry()}
         SET active_generation = building_generation, version = building_version, shards = building_shards,
             building_generation = NULL, building_version = NULL, building_shards = NULL,
             last_error = NULL, last_error_event_id = NULL
         WHERE name = $1 AND building_generation = $2 RETURNING name`,
        [row.name, generation],
      );
      return rows.length > 0;
    });
    if (!switched) return false;
    const builder = this.runners.get(checkpointName(row.name, generation));
    if (builder) builder.building = false;
    const previous = this.runners.get(checkpointName(row.name, old));
    if (previous) {
      this.runners.delete(checkpointName(row.name, old));
      await previous.subscription.stop();
    }
    await this.tables.drop(this.sql, row.name, old);
    await new ShardCheckpoints(this.sql.schema, checkpointName(row.name, old)).reset(this.sql);
    await this.sql.query(`DELETE FROM "${this.sql.schema}".shard_leases WHERE subscriber = $1`, [
      checkpointName(row.name, old),
    ]);
    return true;
  }
}

/** How far the least advanced shard's work is (a position; appliedPosition estimates a pass by patient). */
function leastApplied(shards: readonly ShardStatus[]): number {
  return Math.min(...shards.map(appliedPosition));
}

/** The least advanced of some shards' checkpoints: what every one of them has read past. */
function leastOf(shards: ReadonlyArray<{ checkpoint: Checkpoint }>): Checkpoint {
  return shards.map((s) => s.checkpoint).sort(compareCheckpoints)[0] ?? START;
}

/**
 * A read model's state from its shards': paused or rebuilding as the registry says, failed when a
 * shard failed, stopped when no process holds any shard, starting while some are unheld, catching
 * up while a shard is, else running.
 */
function stateOf(row: RegistryRow, shards: readonly ShardStatus[], failed: boolean): ProjectionState {
  if (row.paused) return 'paused';
  if (failed) return 'failed';
  if (row.building_generation !== null) return 'rebuilding';
  if (shards.every((s) => s.owner === null)) return 'stopped';
  if (shards.some((s) => s.owner === null || s.state === 'starting')) return 'starting';
  if (shards.some((s) => s.state === 'catching-up')) return 'catching-up';
  return 'running';
}

/** Events per second over the holders: each reports its own rate on every shard it holds. */
function ratesOf(shards: readonly ShardStatus[]): number {
  const byOwner = new Map<string, number>();
  for (const s of shards) if (s.owner !== null) byOwner.set(s.owner, s.eventsPerSecond);
  return [...byOwner.values()].reduce((sum, rate) => sum + rate, 0);
}
