import { setTimeout as sleep } from 'node:timers/promises';
import { EventHandlingFailed, type SubscriptionState, type SubscriptionStatus } from './subscription-types';

/**
 * What every follower of the global order shares (`Subscription`,
 * `ShardedSubscription`): one background loop, stop, pause and resume
 * (retrying a failed batch), the rate of events handled and the last error.
 */
export abstract class LogFollower {
  protected state: SubscriptionState = 'stopped';
  protected processed = 0;
  protected lastEventRecordedAt: string | null = null;
  protected lastError: SubscriptionStatus['lastError'] = null;
  private rate = { since: Date.now(), count: 0, perSecond: 0 };
  private paused = false;
  private resumeRequested = false;
  private stopping: AbortController | undefined;
  private loop: Promise<void> | undefined;

  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    this.state = 'starting';
    this.loop = this.run(this.stopping.signal).finally(() => {
      this.state = 'stopped';
      this.stopped();
      this.loop = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.loop;
  }

  /** Finishes the batch in hand, then holds (keeping its lock or shards). */
  pause(): void {
    this.paused = true;
  }

  /** Resumes after a pause or a failure (retrying the failed batch). */
  resume(): void {
    this.paused = false;
    if (this.state === 'failed') this.resumeRequested = true;
  }

  /** The loop, until `signal` aborts. */
  protected abstract run(signal: AbortSignal): Promise<void>;

  /** Called once the loop ended, to forget what only a running loop knows. */
  protected abstract stopped(): void;

  /**
   * Before a batch: true while paused or failed (after a short wait, so the
   * caller loops); a failure the operator resumed is cleared first.
   */
  protected async holding(signal: AbortSignal): Promise<boolean> {
    if (this.state === 'failed' && this.resumeRequested) {
      this.resumeRequested = false;
      this.state = 'running';
    }
    if (!this.paused && this.state !== 'failed') return false;
    if (this.paused) this.state = 'paused';
    await sleep(200, undefined, { signal }).catch(() => undefined);
    return true;
  }

  protected get eventsPerSecond(): number {
    return this.rate.perSecond;
  }

  protected measure(count: number): void {
    const now = Date.now();
    this.rate.count += count;
    const elapsed = now - this.rate.since;
    if (elapsed >= 1000) {
      this.rate = { since: now, count: 0, perSecond: Math.round((this.rate.count * 1000) / elapsed) };
    }
  }

  protected recordError(error: unknown): void {
    this.lastError = {
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof EventHandlingFailed ? { eventId: error.event.eventId } : {}),
      at: new Date().toISOString(),
    };
  }
}
