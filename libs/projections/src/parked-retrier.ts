import { setTimeout as sleep } from 'node:timers/promises';
import {
  checkpointOf,
  compareCheckpoints,
  shardKeyOf,
  shardOf,
  type EventStore,
  type ShardedSubscription,
  type SqlDatabase,
} from '@caretrail/event-store';
import type { BatchProjector } from './batch-projector';
import { messageOf } from './parked-events';
import { RetryRequests, type RetryResult, type RetryState } from './parked-retries';
import type { ProjectionTables } from './projection-tables';

/** What the retrier needs of one generation this process runs. */
export interface RetryRunner {
  name: string;
  generation: number;
  shards: number;
  projector: BatchProjector;
  subscription: ShardedSubscription;
}

/**
 * Carries out retry requests of parked events on the process that holds the patient's shard
 * (docs/read-models.md, "Parked events"): the patient's rows are re-derived from their log up to the
 * shard's checkpoint, with the requested events in, between two of the shard's batches and fenced by
 * its lease; the outcome of each request is recorded in the same transaction.
 */
export class ParkedRetrier {
  readonly requests: RetryRequests;

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlDatabase,
    tables: ProjectionTables,
    private readonly member: string,
  ) {
    this.requests = new RetryRequests(tables);
  }

  /** The pending requests of every generation these runners serve whose shard this process holds. */
  async carryOutPending(
    runners: ReadonlyMap<string, RetryRunner>,
    key: (name: string, generation: number) => string,
    onError: (error: unknown, patientId: string) => void,
  ): Promise<void> {
    const generations = [...runners.values()].map((r) => ({ projection: r.name, generation: r.generation }));
    for (const { projection, generation, patientId } of await this.requests.patientsToRetry(this.sql, generations)) {
      const runner = runners.get(key(projection, generation));
      if (!runner) continue;
      // One patient's failure (a lease lost meanwhile, the database away) leaves their requests
      // pending for the next pass, and the others go on.
      await this.carryOut(runner, patientId).catch((error: unknown) => onError(error, patientId));
    }
  }

  /** Carries out one patient's pending requests when this process holds their shard. */
  async carryOut(runner: RetryRunner, patientId: string): Promise<void> {
    const shard = shardOf(shardKeyOf({ data: { patientId }, streamId: '' }), runner.shards);
    if (!runner.subscription.holds(shard)) return;
    await runner.subscription.betweenBatches(
      shard,
      async (checkpoint, fence) => {
        const pending = await this.requests.pendingOf(this.sql, runner.name, runner.generation, patientId);
        if (pending.length === 0) return; // carried out already (by an earlier pass, or the previous holder)
        const parked = runner.projector.parked;
        const rows = await parked.ofPatient(this.sql, patientId);
        const state = new Map(rows.map((p) => [p.eventId, p.state]));
        const retrying = new Set(pending.map((r) => r.eventId).filter((eventId) => state.get(eventId) === 'parked'));
        // An event no longer parked has applied (an earlier retry); a skipped one stays unapplied.
        const settled = (failed: ReadonlyMap<string, string>) =>
          pending.map(({ id, eventId }) => {
            const outcome: RetryResult = !state.has(eventId)
              ? 'applied'
              : !retrying.has(eventId)
                ? 'skipped'
                : failed.has(eventId)
                  ? 'still-failing'
                  : 'applied';
            return { id, outcome, error: failed.get(eventId) ?? null };
          });
        if (retrying.size === 0) {
          await this.sql.transaction((tx) => this.requests.settle(tx, this.member, settled(new Map())));
          return;
        }
        // Skipped events, and parked ones not asked for now, stay unapplied.
        const unapplied = new Set(rows.map((p) => p.eventId).filter((eventId) => !retrying.has(eventId)));
        const history = (await this.store.readPatient(patientId)).filter(
          (e) => compareCheckpoints(checkpointOf(e), checkpoint) <= 0 && !unapplied.has(e.eventId),
        );
        await runner.projector.rederivePatient(patientId, history, fence, async (tx, failures) => {
          await parked.settle(tx, retrying, failures);
          const failed = new Map(failures.map((f) => [f.e.meta.eventId, messageOf(f.error)]));
          await this.requests.settle(tx, this.member, settled(failed));
        });
        // A patient folded by a rebuild's pass by patient has its events applied up to the pass's head.
      },
      patientId,
    );
  }

  /** The requests' states once all are carried out, or when `waitMs` has passed (pending ones then null). */
  async awaitOutcomes(ids: readonly number[], waitMs: number, pollMs = 100): Promise<Map<number, RetryState>> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const states = await this.requests.states(this.sql, ids);
      const done = ids.every((id) => states.get(id)?.outcome != null);
      if (done || Date.now() >= deadline) return states;
      await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    }
  }
}
