import { randomUUID } from 'node:crypto';
import {
  IdempotencyKeyReused,
  WrongExpectedVersion,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type IdempotentResult,
  type NewEvent,
  type StoredEvent,
} from '@caretrail/event-store';

/**
 * The parts of the event store port the write path uses, in memory: numbered
 * versions, expected-version checks and idempotency keys as the contract
 * suite fixes them (libs/event-store/src/testing/event-store-contract.ts).
 */
export class MemoryEventLog implements Pick<EventStore, 'append' | 'readStream' | 'idempotentResult'> {
  readonly streams = new Map<string, StoredEvent[]>();
  private readonly results = new Map<string, IdempotentResult>();
  private position = 0;
  /** Runs before every append: lets a spec slip in a concurrent writer. */
  beforeAppend: (streamId: string) => Promise<void> = () => Promise.resolve();

  async append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    await this.beforeAppend(streamId);
    return this.appendNow(streamId, events, options);
  }

  /** An append that skips `beforeAppend`: the concurrent writer's own. */
  appendNow(streamId: string, events: NewEvent[], options: AppendOptions): AppendResult {
    const key = options.idempotencyKey;
    const first = key === undefined ? undefined : this.results.get(key);
    const otherRequest =
      first?.requestHash !== undefined &&
      options.requestHash !== undefined &&
      first.requestHash !== options.requestHash;
    if (first && (first.streamId !== streamId || otherRequest)) throw new IdempotencyKeyReused(key!, first.streamId);
    if (first) return { ...withoutRequestHash(first), replayed: true };
    const stream = this.streams.get(streamId) ?? [];
    if (typeof options.expectedVersion === 'number' && options.expectedVersion !== stream.length)
      throw new WrongExpectedVersion(streamId, options.expectedVersion, stream.length);
    for (const [read, version] of Object.entries(options.readVersions ?? {})) {
      const actual = this.streams.get(read)?.length ?? 0;
      if (actual !== version) throw new WrongExpectedVersion(read, version, actual);
    }
    const stored = events.map((e, i): StoredEvent => ({
      eventId: e.eventId ?? randomUUID(),
      type: e.type,
      schemaVersion: e.schemaVersion ?? 1,
      streamId,
      streamVersion: stream.length + i + 1,
      position: ++this.position,
      transactionId: String(this.position),
      recordedAt: '2026-03-10T12:00:00.000Z',
      occurredAt: e.metadata?.occurredAt ?? null,
      data: e.data,
      metadata: { ...e.metadata, ...(key === undefined ? {} : { idempotencyKey: key }) },
    }));
    this.streams.set(streamId, [...stream, ...stored]);
    const result: AppendResult = {
      streamId,
      nextExpectedVersion: stream.length + stored.length,
      positions: stored.map((e) => e.position),
      eventIds: stored.map((e) => e.eventId),
      transactionId: String(this.position),
      replayed: false,
    };
    if (key !== undefined) {
      this.results.set(
        key,
        options.requestHash === undefined ? result : { ...result, requestHash: options.requestHash },
      );
    }
    return result;
  }

  async readStream(streamId: string): Promise<StoredEvent[]> {
    return [...(this.streams.get(streamId) ?? [])];
  }

  async idempotentResult(idempotencyKey: string): Promise<IdempotentResult | undefined> {
    const first = this.results.get(idempotencyKey);
    return first && { ...first, replayed: true };
  }
}

function withoutRequestHash({ requestHash: _, ...result }: IdempotentResult): AppendResult {
  return result;
}
