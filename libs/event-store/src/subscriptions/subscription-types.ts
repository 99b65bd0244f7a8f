import type { Checkpoint, StoredEvent } from '../event-store';
import type { SqlQueryable } from '../sql/sql-database';

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
