import type { ThrottlerStorage } from '@nestjs/throttler';

interface Count {
  windowStart: number;
  hits: number;
  blockedUntil: number;
}

interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

/**
 * A fixed window per key: at most `limit` requests from the window's first
 * one, then refused until `blockDuration` has passed. It replaces the
 * throttler's in-memory storage, which keeps one timer per request and, when
 * any key's block ends, clears the timers of every key (their counts then
 * never go down), and never forgets a key. Here a key costs one small entry,
 * dropped once its window and block are over (docs/architecture.md#http-edge).
 */
export class FixedWindowStorage implements ThrottlerStorage {
  private readonly counts = new Map<string, Count>();
  private lastSweep: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastSweep = now();
  }

  /** How many keys are held; for tests. */
  get size(): number {
    return this.counts.size;
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    if (now - this.lastSweep >= ttl) this.sweep(now, ttl);
    let count = this.counts.get(key);
    if (!count || (now >= count.windowStart + ttl && now >= count.blockedUntil)) {
      count = { windowStart: now, hits: 0, blockedUntil: 0 };
      this.counts.set(key, count);
    }
    if (now >= count.blockedUntil) {
      count.hits += 1;
      if (count.hits > limit) count.blockedUntil = now + blockDuration;
    }
    const isBlocked = now < count.blockedUntil;
    return Promise.resolve({
      totalHits: count.hits,
      timeToExpire: seconds(count.windowStart + ttl - now),
      isBlocked,
      timeToBlockExpire: isBlocked ? seconds(count.blockedUntil - now) : 0,
    });
  }

  private sweep(now: number, ttl: number): void {
    this.lastSweep = now;
    for (const [key, count] of this.counts) {
      if (now >= count.windowStart + ttl && now >= count.blockedUntil) this.counts.delete(key);
    }
  }
}
