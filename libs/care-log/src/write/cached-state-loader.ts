import {
  deciderFor,
  isStreamOfPatient,
  streamCategory,
  streams as streamNames,
  type CommandStreams,
  type DomainCommand,
  type DomainEvent,
} from '@caretrail/domain';
import type { AppendResult, EventStore } from '@caretrail/event-store';
import { decodeDomainEvents } from '../codec/stored-to-domain';
import type { CommandStateLoader, LoadedCommandState, OpenPersonalData } from './command-state-loader';

const CARE_PLAN_PREFIX = streamNames.carePlan('');

export interface FoldedStateCacheOptions {
  /** Streams whose folded state is kept; the least recently used goes first. Default 10,000. */
  readonly maxEntries?: number;
  /** A state unused for this long is dropped (personal data stays in memory no longer). Default 10 minutes. */
  readonly maxIdleMs?: number;
  readonly now?: () => number;
}

interface Entry {
  /** The decider's fold: another command type on the same target folds another state. */
  readonly evolve: unknown;
  readonly patientId: string;
  state: unknown;
  /** Version of every loaded stream the state reflects, target included. */
  readonly versions: Map<string, number>;
  usedAt: number;
}

/**
 * The folded state of recently written streams, in memory (docs/architecture.md,
 * "Folded state cache"): a warm command neither reads nor folds its streams
 * again. Keyed by the target stream; each entry holds the state and the
 * version of every stream folded into it.
 *
 * Tamper evidence holds as without a cache: the hash chains of the loaded
 * streams are checked on every command (for a warm one by the append itself,
 * which writes nothing when they do not verify: `executeCommand`).
 *
 * The cache is never trusted to be fresh: other processes write the same
 * streams. The append expects the target's cached version and checks the
 * other streams' versions (`readVersions`), so a stale entry makes it fail
 * with WrongExpectedVersion and write nothing; `executeCommand` then
 * invalidates the entry and decides again on what the store holds. A
 * refusal decided on a cached state is confirmed the same way.
 */
export class FoldedStateCache implements CommandStateLoader {
  private readonly entries = new Map<string, Entry>();
  /** The newest version this process knows of each stream: a write to a stream other entries read makes them stale. */
  private readonly known = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly maxIdleMs: number;
  private readonly now: () => number;
  private hitCount = 0;
  private missCount = 0;

  constructor(
    private readonly store: Pick<EventStore, 'readStream'>,
    private readonly open: OpenPersonalData,
    options: FoldedStateCacheOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxIdleMs = options.maxIdleMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async load(
    command: DomainCommand,
    streams: CommandStreams,
    verify?: (streamIds: readonly string[]) => Promise<void>,
  ): Promise<LoadedCommandState> {
    const now = this.now();
    this.dropIdle(now);
    const decider = deciderFor(command);
    const cached = this.entries.get(streams.target);
    if (cached && cached.evolve === decider.evolve && this.isCurrent(cached, streams)) {
      this.hitCount++;
      cached.usedAt = now;
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(streams.target);
      this.entries.set(streams.target, cached);
      // The chains are the append's to check (executeCommand).
      return this.loaded(cached, streams, true);
    }
    this.missCount++;
    await verify?.(streams.load);
    const read = await Promise.all(streams.load.map((stream) => this.store.readStream(stream)));
    const versions = new Map(streams.load.map((stream, i) => [stream, read[i]?.at(-1)?.streamVersion ?? 0]));
    let state = decider.initialState();
    for (const { event, meta } of decodeDomainEvents(await this.open(read.flat())))
      state = decider.evolve(state, event, meta);
    const entry: Entry = { evolve: decider.evolve, patientId: command.data.patientId, state, versions, usedAt: now };
    for (const [stream, version] of versions) this.remember(stream, version);
    this.entries.delete(streams.target);
    this.entries.set(streams.target, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return this.loaded(entry, streams, false);
  }

  /**
   * Folds what a command appended into its cached state, so the next command
   * on the target starts from it. `loaded` is what the command decided on.
   */
  recorded(
    command: DomainCommand,
    streams: CommandStreams,
    loaded: LoadedCommandState,
    events: readonly DomainEvent[],
    appended: AppendResult,
  ): void {
    this.remember(streams.target, appended.nextExpectedVersion);
    const entry = this.entries.get(streams.target);
    if (!entry || entry.state !== loaded.state || appended.replayed) return;
    if (appended.nextExpectedVersion !== loaded.version + events.length) {
      this.entries.delete(streams.target);
      return;
    }
    const { evolve } = deciderFor(command);
    events.forEach((event, i) => {
      const eventId = appended.eventIds[i] ?? '';
      entry.state = evolve(entry.state, event, { eventId, streamName: streams.target });
    });
    entry.versions.set(streams.target, appended.nextExpectedVersion);
  }

  /**
   * Forgets the state of every stream named; entries that read one of them
   * reload before they are trusted. A care plan that moved behind this
   * process's back may hold an erasure: every state of that patient goes.
   */
  invalidate(streamIds: readonly string[]): void {
    for (const stream of streamIds) {
      this.entries.delete(stream);
      if (streamCategory(stream) === 'careplan') this.evictPatient(stream.slice(CARE_PLAN_PREFIX.length));
      // Unknown again: the next entry that read it reloads before it is trusted.
      this.known.set(stream, Number.NaN);
    }
  }

  /** Drops every cached state of a patient: after an erasure, none of their personal data stays in memory. */
  evictPatient(patientId: string): void {
    for (const [target, entry] of this.entries)
      if (entry.patientId === patientId || isStreamOfPatient(target, patientId)) this.entries.delete(target);
    for (const stream of this.known.keys()) if (isStreamOfPatient(stream, patientId)) this.known.delete(stream);
  }

  get stats(): { entries: number; hits: number; misses: number } {
    return { entries: this.entries.size, hits: this.hitCount, misses: this.missCount };
  }

  private loaded(entry: Entry, streams: CommandStreams, fromCache: boolean): LoadedCommandState {
    const readVersions: Record<string, number> = {};
    for (const stream of streams.load)
      if (stream !== streams.target) readVersions[stream] = entry.versions.get(stream) ?? 0;
    return { state: entry.state, version: entry.versions.get(streams.target) ?? 0, readVersions, fromCache };
  }

  /** Whether the entry folded exactly these streams, each at the newest version this process knows. */
  private isCurrent(entry: Entry, streams: CommandStreams): boolean {
    if (entry.versions.size !== streams.load.length) return false;
    return streams.load.every((stream) => {
      const version = entry.versions.get(stream);
      return version !== undefined && this.known.get(stream) === version;
    });
  }

  private remember(stream: string, version: number): void {
    this.known.delete(stream);
    this.known.set(stream, version);
    // Twice the entries: each names the target and mostly one more stream.
    for (const oldest of this.known.keys()) {
      if (this.known.size <= 2 * this.maxEntries) break;
      this.known.delete(oldest);
    }
  }

  /** Oldest-used first: stops at the first entry still in use. */
  private dropIdle(now: number): void {
    for (const [target, entry] of this.entries) {
      if (now - entry.usedAt <= this.maxIdleMs) return;
      this.entries.delete(target);
    }
  }
}
