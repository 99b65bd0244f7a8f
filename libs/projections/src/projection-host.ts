import {
  CheckpointStore,
  SqlPatientKeyStore,
  START,
  Subscription,
  type Checkpoint,
  type EventStore,
  type SqlDatabase,
} from '@caretrail/event-store';
import { CachingPatientKeyStore } from '@caretrail/security';
import { BatchProjector, type ProjectionKeys } from './batch-projector';
import type { ReadModel } from '@caretrail/read-models';
import type { PoisonPolicy, ProjectionState } from './projection';
import { checkpointName, ProjectionTables } from './projection-tables';

export interface ProjectionHostOptions {
  batchSize?: number;
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
}

interface Runner {
  name: string;
  generation: number;
  building: boolean;
  subscription: Subscription;
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
  rebuild: { generation: number; version: number; checkpoint: Checkpoint; progress: number } | null;
}

export class UnknownProjection extends Error {
  constructor(readonly projection: string) {
    super(`There is no read model named ${projection}`);
    this.name = 'UnknownProjection';
  }
}

/**
 * Runs every read model of this process: one subscription per generation in
 * use, blue/green rebuilds that switch over once caught up, pause/resume,
 * and status. Several hosts (API processes, projectors) can run side by
 * side: each generation has one leader at a time, the others stand by.
 */
export class ProjectionHost {
  private readonly tables: ProjectionTables;
  private readonly checkpoints: CheckpointStore;
  private readonly runners = new Map<string, Runner>();
  private readonly definitions: Map<string, ReadModel>;
  private readonly keys: ProjectionKeys;
  private timer: NodeJS.Timeout | undefined;
  private reconciling: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly log: ProjectionLog;

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
    this.checkpoints = new CheckpointStore(sql.schema);
    this.definitions = new Map(definitions.map((d) => [d.name, d]));
    this.keys = options.keys ?? new CachingPatientKeyStore(new SqlPatientKeyStore(sql));
    this.log = options.log ?? logToStderr;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcileInBackground(), this.options.reconcileMs ?? 1000);
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
    clearInterval(this.timer);
    // A failed pass was already reported to whoever awaited it (or logged by the timer).
    await this.reconciling.catch(() => undefined);
    await Promise.all([...this.runners.values()].map((r) => r.subscription.stop()));
    this.runners.clear();
  }

  /** Starts rebuilding a read model into a new generation; the current one keeps serving until the switch. */
  async rebuild(name: string): Promise<{ generation: number }> {
    const started = await this.startRebuild(name);
    await this.reconcile();
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
        `UPDATE ${this.tables.registry()} SET building_generation = $2, building_version = $3 WHERE name = $1`,
        [name, next, definition.version],
      );
      return next;
    });
    return { generation };
  }

  async pause(name: string): Promise<void> {
    this.definition(name);
    await this.sql.query(`UPDATE ${this.tables.registry()} SET paused = true WHERE name = $1`, [name]);
    await this.reconcile();
  }

  /** Resumes a paused read model, or retries one stopped by a poison event. */
  async resume(name: string): Promise<void> {
    this.definition(name);
    await this.sql.query(
      `UPDATE ${this.tables.registry()} SET paused = false, last_error = NULL, last_error_event_id = NULL WHERE name = $1`,
      [name],
    );
    for (const runner of this.runners.values()) if (runner.name === name) runner.subscription.resume();
    await this.reconcile();
  }

  /** The table serving queries for a read model now. */
  async activeTable(name: string): Promise<{ table: string; checkpoint: Checkpoint }> {
    this.definition(name);
    const { rows } = await this.sql.query<{ active_generation: number }>(
      `SELECT active_generation FROM ${this.tables.registry()} WHERE name = $1`,
      [name],
    );
    const generation = rows[0]?.active_generation ?? 1;
    return {
      table: this.tables.table(name, generation),
      checkpoint: await this.checkpoints.load(this.sql, checkpointName(name, generation)),
    };
  }

  async status(): Promise<ProjectionStatus[]> {
    const { rows } = await this.sql.query<RegistryRow>(`SELECT * FROM ${this.tables.registry()} ORDER BY name`);
    const { headPosition } = await this.store.status();
    return Promise.all(
      rows
        .filter((row) => this.definitions.has(row.name))
        .map(async (row) => {
          const checkpoint = await this.checkpoints.load(this.sql, checkpointName(row.name, row.active_generation));
          const lag = await this.lag(checkpoint);
          const building =
            row.building_generation === null
              ? null
              : await this.checkpoints.load(this.sql, checkpointName(row.name, row.building_generation));
          return {
            name: row.name,
            version: row.version,
            state: (row.paused
              ? 'paused'
              : row.building_generation !== null && row.state !== 'failed'
                ? 'rebuilding'
                : row.state) as ProjectionState,
            generation: row.active_generation,
            checkpoint,
            headPosition,
            lagEvents: lag.events,
            lagSeconds: lag.seconds,
            eventsPerSecond: row.events_per_second,
            lastError: row.last_error
              ? {
                  message: row.last_error,
                  eventId: row.last_error_event_id,
                  at: (row.last_error_at ?? new Date()).toISOString(),
                }
              : null,
            rebuild:
              building === null
                ? null
                : {
                    generation: row.building_generation!,
                    version: row.building_version ?? row.version,
                    checkpoint: building,
                    progress: headPosition === 0 ? 1 : Math.min(1, building.position / headPosition),
                  },
          };
        }),
    );
  }

  private definition(name: string): ReadModel {
    const definition = this.definitions.get(name);
    if (!definition) throw new UnknownProjection(name);
    return definition;
  }

  private async lag(checkpoint: Checkpoint): Promise<{ events: number; seconds: number }> {
    const { events, oldestRecordedAt } = await this.store.lagAfter(checkpoint);
    return {
      events,
      seconds: oldestRecordedAt === null ? 0 : Math.max(0, (Date.now() - Date.parse(oldestRecordedAt)) / 1000),
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
  private async reconcileModel(row: RegistryRow, definition: ReadModel, wanted: Set<string>): Promise<boolean> {
    if (row.version !== definition.version && row.building_generation === null) {
      // The code of this read model changed: rebuild it beside the old one.
      await this.startRebuild(row.name);
      return true;
    }
    wanted.add(checkpointName(row.name, row.active_generation));
    this.ensureRunner(definition, row.active_generation, false);
    if (row.building_generation !== null) {
      wanted.add(checkpointName(row.name, row.building_generation));
      const builder = this.ensureRunner(definition, row.building_generation, true);
      if (await this.switchIfCaughtUp(row, builder)) return true;
    }
    for (const runner of this.runners.values()) {
      if (runner.name !== row.name) continue;
      if (row.paused) runner.subscription.pause();
      else if (runner.subscription.status().state === 'paused') runner.subscription.resume();
    }
    await this.report(row);
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
          `INSERT INTO ${this.tables.registry()} (name, version, active_generation) VALUES ($1, $2, 1)
           ON CONFLICT (name) DO NOTHING RETURNING name`,
          [definition.name, definition.version],
        );
        if (rows.length > 0) await this.tables.create(tx, definition.name, 1);
      });
    }
    const { rows } = await this.sql.query<RegistryRow>(`SELECT * FROM ${this.tables.registry()}`);
    return rows;
  }

  private ensureRunner(definition: ReadModel, generation: number, building: boolean): Runner {
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
    const subscription = new Subscription(this.store, this.sql, projector, {
      name: key,
      batchSize: this.options.batchSize ?? 1000,
      onError: 'stop',
      idleWaitMs: 1000,
      standbyRetryMs: 1000,
      from: START,
    });
    const runner = { name: definition.name, generation, building, subscription };
    this.runners.set(key, runner);
    subscription.start();
    return runner;
  }

  /** Blue/green: once the new generation has caught up, it serves and the old one goes. */
  private async switchIfCaughtUp(row: RegistryRow, builder: Runner): Promise<boolean> {
    const status = builder.subscription.status();
    if (!status.leader || status.state !== 'running') return false;
    if ((await this.lag(status.checkpoint)).events > 0) return false;
    const old = row.active_generation;
    const switched = await this.sql.transaction(async (tx) => {
      const { rows } = await tx.query(
        `UPDATE ${this.tables.registry()}
         SET active_generation = building_generation, version = building_version,
             building_generation = NULL, building_version = NULL, last_error = NULL, last_error_event_id = NULL
         WHERE name = $1 AND building_generation = $2 RETURNING name`,
        [row.name, builder.generation],
      );
      return rows.length > 0;
    });
    if (!switched) return false;
    builder.building = false;
    const previous = this.runners.get(checkpointName(row.name, old));
    if (previous) {
      this.runners.delete(checkpointName(row.name, old));
      await previous.subscription.stop();
    }
    await this.tables.drop(this.sql, row.name, old);
    await this.checkpoints.reset(this.sql, checkpointName(row.name, old));
    return true;
  }

  /** Leaders write what they see into the registry, so every process can report it. */
  private async report(row: RegistryRow): Promise<void> {
    const active = this.runners.get(checkpointName(row.name, row.active_generation));
    const status = active?.subscription.status();
    if (!status?.leader) return;
    const state: ProjectionState = status.state === 'retrying' ? 'failed' : (status.state as ProjectionState);
    await this.sql.query(
      `UPDATE ${this.tables.registry()}
       SET state = $2, last_error = $3, last_error_event_id = $4, last_error_at = $5, events_per_second = $6, reported_at = now()
       WHERE name = $1`,
      [
        row.name,
        state,
        status.lastError?.message ?? null,
        status.lastError?.eventId ?? null,
        status.lastError?.at ?? null,
        status.eventsPerSecond,
      ],
    );
  }
}
