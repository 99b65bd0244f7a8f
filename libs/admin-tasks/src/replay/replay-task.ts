import { AS_OF_BASES, DEFAULT_AS_OF_BASIS, type AsOfBasis } from '@caretrail/analytics';
import {
  START,
  checkpointOf,
  type Checkpoint,
  type EventStore,
  type SqlDatabase,
  type SqlQueryable,
  type StoredEvent,
} from '@caretrail/event-store';
import { BatchProjector, ProjectionTables } from '@caretrail/projections';
import { readModels } from '@caretrail/read-models';
import { progressLine, secondsSince, type Progress } from '../progress';
import {
  choiceOption,
  instantOption,
  listOption,
  onlyKnownOptions,
  stringOption,
  TaskArgumentError,
  wholeNumberOption,
  type TaskOptions,
} from '../task-options';

export const REPLAY_OPTIONS = ['to', 'into', 'models', 'by', 'batch'] as const;

const NAME = /^[a-z][a-z0-9_]{0,39}$/;
const DEFAULT_BATCH = 2000;

export interface ReplayOptions {
  to: string;
  into: string;
  models: string[];
  basis: AsOfBasis;
  batchSize?: number;
  /** Tests: stop (as an interruption would) after this many batches. */
  stopAfterBatches?: number;
}

export interface ReplayResult {
  status: 'complete' | 'interrupted' | 'already-complete';
  /** Events of the log read in this run, and applied to at least one model (stood at --to). */
  read: number;
  applied: number;
  tables: string[];
}

/** The replay's own tables: `"schema"."replay_<name>_<model>"`, same columns as a live generation. */
class ReplayTables extends ProjectionTables {
  constructor(
    private readonly schemaName: string,
    private readonly replayName: string,
  ) {
    super(schemaName);
  }

  override table(name: string): string {
    return `"${this.schemaName}"."replay_${this.replayName}_${name.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}"`;
  }

  state(): string {
    return `"${this.schemaName}"."replay_${this.replayName}"`;
  }

  override async create(executor: SqlQueryable, name: string): Promise<void> {
    const table = this.table(name);
    await executor.exec(`
      CREATE TABLE IF NOT EXISTS ${table} (key text PRIMARY KEY, patient_id text NOT NULL, doc jsonb NOT NULL, position bigint NOT NULL);
      CREATE INDEX IF NOT EXISTS "replay_${this.replayName}_${name.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_patient" ON ${table} (patient_id);`);
  }

  /** Where each model of the replay has got to: its own checkpoints, apart from the live ones. */
  async createState(executor: SqlQueryable): Promise<void> {
    await executor.exec(`
      CREATE TABLE IF NOT EXISTS ${this.state()} (
        model          text PRIMARY KEY,
        to_instant     timestamptz(3) NOT NULL,
        basis          text NOT NULL,
        transaction_id xid8 NOT NULL,
        position       bigint NOT NULL,
        applied        bigint NOT NULL DEFAULT 0,
        finished       boolean NOT NULL DEFAULT false
      );`);
  }
}

const after = (a: Checkpoint, b: Checkpoint): boolean => {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  return ta > tb || (ta === tb && a.position > b.position);
};

/**
 * Rebuilds the chosen read models as they stood at `to` into the replay's own tables, through the
 * projections' own BatchProjector (the code that builds the live rows), one transaction per batch
 * and model with that model's checkpoint: an interruption loses at most the batch in flight, and
 * the next run resumes where each model stopped.
 */
export async function replay(
  store: EventStore,
  sql: SqlDatabase,
  options: ReplayOptions,
  progress?: Progress,
): Promise<ReplayResult> {
  const tables = new ReplayTables(sql.schema, options.into);
  const definitions = options.models.map((name) => readModels.find((m) => m.name === name)!);
  await tables.createState(sql);
  const state = new Map<string, { checkpoint: Checkpoint; finished: boolean }>();
  for (const definition of definitions) {
    await tables.create(sql, definition.name);
    await sql.query(
      `INSERT INTO ${tables.state()} (model, to_instant, basis, transaction_id, position) VALUES ($1, $2, $3, $4::xid8, $5) ON CONFLICT (model) DO NOTHING`,
      [definition.name, options.to, options.basis, START.transactionId, START.position],
    );
    const { rows } = await sql.query<{
      to_instant: Date;
      basis: string;
      transaction_id: string;
      position: string;
      finished: boolean;
    }>(
      `SELECT to_instant, basis, transaction_id::text AS transaction_id, position, finished FROM ${tables.state()} WHERE model = $1`,
      [definition.name],
    );
    const row = rows[0]!;
    if (row.to_instant.toISOString() !== options.to || row.basis !== options.basis) {
      throw new TaskArgumentError(
        `replay "${options.into}" was started with --to ${row.to_instant.toISOString()} --by ${row.basis}; ` +
          `run it again with those to resume it, or choose another --into name.`,
      );
    }
    state.set(definition.name, {
      checkpoint: { transactionId: row.transaction_id, position: Number(row.position) },
      finished: row.finished,
    });
  }
  const names = definitions.map((d) => tables.table(d.name));
  const pending = definitions.filter((d) => !state.get(d.name)!.finished);
  if (pending.length === 0) return { status: 'already-complete', read: 0, applied: 0, tables: names };

  const toMs = Date.parse(options.to);
  const stood = (e: StoredEvent): boolean =>
    Date.parse(options.basis === 'recorded' ? e.recordedAt : (e.occurredAt ?? e.recordedAt)) <= toMs;
  const projectors = pending.map((definition) => ({
    definition,
    projector: new BatchProjector({ store, sql, tables, definition, generation: 0 }),
  }));
  let from = pending.map((d) => state.get(d.name)!.checkpoint).reduce((a, b) => (after(a, b) ? b : a));
  const { headPosition } = await store.status();
  const started = process.hrtime.bigint();
  let read = 0;
  let applied = 0;
  let batches = 0;
  for (;;) {
    if (options.stopAfterBatches !== undefined && batches >= options.stopAfterBatches)
      return { status: 'interrupted', read, applied, tables: names };
    const batch = await store.readAll({ after: from, limit: options.batchSize ?? DEFAULT_BATCH });
    if (batch.length === 0) break;
    const next = checkpointOf(batch[batch.length - 1]!);
    const relevant = batch.filter(stood);
    for (const { definition, projector } of projectors) {
      const own = state.get(definition.name)!;
      const unseen = relevant.filter((e) => after(checkpointOf(e), own.checkpoint));
      await projector.handle(unseen, {
        previous: own.checkpoint,
        next,
        saveCheckpoint: async (executor) => {
          await (executor ?? sql).query(
            `UPDATE ${tables.state()} SET transaction_id = $2::xid8, position = $3, applied = applied + $4 WHERE model = $1`,
            [definition.name, next.transactionId, next.position, unseen.length],
          );
        },
      });
      own.checkpoint = next;
    }
    read += batch.length;
    applied += relevant.length;
    batches++;
    from = next;
    progress?.(progressLine(`replay ${options.into}`, next.position, headPosition, secondsSince(started)));
  }
  await sql.query(`UPDATE ${tables.state()} SET finished = true WHERE model = ANY($1::text[])`, [
    pending.map((d) => d.name),
  ]);
  progress?.(progressLine(`replay ${options.into}`, headPosition, headPosition, secondsSince(started)), true);
  return { status: 'complete', read, applied, tables: names };
}

/** Checks `replay`'s options (from argv or a request body); throws TaskArgumentError. */
export function replayTaskArgs(options: TaskOptions, now: number): ReplayOptions {
  onlyKnownOptions(options, REPLAY_OPTIONS);
  const to = instantOption(options, 'to', { notAfter: now })!;
  const into = stringOption(options, 'into');
  if (!into || !NAME.test(into))
    throw new TaskArgumentError(
      '--into is required: a name of 1 to 40 lower-case letters, digits or "_", starting with a letter',
    );
  const known = readModels.map((m) => m.name);
  const models = listOption(options, 'models') ?? known;
  const unknown = models.filter((m) => !known.includes(m));
  if (unknown.length > 0 || models.length === 0)
    throw new TaskArgumentError(
      `--models must name read models among: ${known.join(', ')} (unknown: ${unknown.join(', ') || 'none given'})`,
    );
  return {
    to,
    into,
    models,
    basis: choiceOption(options, 'by', AS_OF_BASES, DEFAULT_AS_OF_BASIS),
    batchSize: wholeNumberOption(options, 'batch', { fallback: DEFAULT_BATCH, min: 1, max: 50_000 }),
  };
}
