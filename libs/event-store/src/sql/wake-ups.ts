import type { WaitOptions } from '../event-store';
import type { SqlDatabase } from './sql-database';

/**
 * Wakes readers waiting for new events: at once for appends made by this
 * process, through LISTEN/NOTIFY for appends made by others, and by the
 * caller's timeout (polling) when a notification is lost or the listening
 * connection is down.
 *
 * NOTIFY is sent after the append committed, in a statement of its own and
 * coalesced: a transaction that notifies holds a database-wide lock until
 * its commit is flushed, so notifying inside every append would serialise
 * all concurrent writers.
 */
export class WakeUps {
  private readonly waiters = new Set<() => void>();
  private unlisten: (() => Promise<void>) | undefined;
  private listening: Promise<void> | undefined;
  private notifyInFlight = false;
  private notifyPending = false;
  private closed = false;

  constructor(
    private readonly database: SqlDatabase,
    private readonly channel: string,
  ) {}

  /** Called after this process appended. */
  signal(): void {
    this.wakeAll();
    if (this.database.backend === 'postgres') this.notifyOthers();
  }

  async wait({ timeoutMs, signal }: WaitOptions): Promise<void> {
    if (this.closed || signal?.aborted) return;
    await this.ensureListening();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeAll();
    await this.listening?.catch(() => undefined);
    await this.unlisten?.().catch(() => undefined);
  }

  private wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private ensureListening(): Promise<void> {
    if (this.database.backend !== 'postgres') return Promise.resolve();
    this.listening ??= this.database
      .listen(this.channel, () => this.wakeAll())
      .then((unlisten) => {
        this.unlisten = unlisten;
      })
      .catch(() => {
        // Polling still works; try listening again on the next wait.
        this.listening = undefined;
      });
    return this.listening;
  }

  private notifyOthers(): void {
    if (this.notifyInFlight) {
      this.notifyPending = true;
      return;
    }
    this.notifyInFlight = true;
    this.database
      .query('SELECT pg_notify($1, $2)', [this.channel, ''])
      .catch(() => undefined) // readers fall back to polling
      .finally(() => {
        this.notifyInFlight = false;
        if (this.notifyPending && !this.closed) {
          this.notifyPending = false;
          this.notifyOthers();
        }
      });
  }
}
