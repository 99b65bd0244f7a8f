import { foldCommandState, type CommandStreams, type DomainCommand, type DomainEvent } from '@caretrail/domain';
import type { AppendResult, EventStore, StoredEvent } from '@caretrail/event-store';
import { decodeDomainEvents } from '../codec/stored-to-domain';

/** The state a command is decided on, and the version of its target stream that state was read at. */
export interface LoadedCommandState {
  readonly state: unknown;
  /** Events in the target stream when it was read (0 = no stream): the append expects exactly this. */
  readonly version: number;
  /**
   * The versions of the other loaded streams the state reflects, when the
   * loader may be behind the store (a cache): the append checks them.
   */
  readonly readVersions?: Readonly<Record<string, number>>;
  /**
   * True when the state came from memory, not from the store: a conflict or refusal is checked on
   * fresh state, and the streams' hash chains are checked by the append (`executeCommand`).
   */
  readonly fromCache?: boolean;
}

/**
 * Where `executeCommand` gets the folded state from. Swappable: the event
 * store by default, the seed's incremental in-memory folds, later a cache
 * of folded state (docs/architecture.md, "Write side").
 */
export interface CommandStateLoader {
  /**
   * `verify` (the hash-chain check) runs before streams are read from the
   * store. State held in memory is not verified here: `executeCommand`
   * has the append verify its streams (AppendOptions.verifiedHeads).
   */
  load(
    command: DomainCommand,
    streams: CommandStreams,
    verify?: (streamIds: readonly string[]) => Promise<void>,
  ): Promise<LoadedCommandState>;
  /** Told what a command appended after deciding on `loaded` (a cache folds it in). */
  recorded?(
    command: DomainCommand,
    streams: CommandStreams,
    loaded: LoadedCommandState,
    events: readonly DomainEvent[],
    appended: AppendResult,
  ): void;
  /** Told that state of these streams turned out stale (a lost race): forget it. */
  invalidate?(streamIds: readonly string[]): void;
}

/** Opens personal data of stored events (or reads it as erased) before the domain sees them. */
export type OpenPersonalData = (events: readonly StoredEvent[]) => Promise<StoredEvent[]>;

/** Reads every stream the command loads from the store, opens, decodes and folds them. */
export function eventStoreStateLoader(
  store: Pick<EventStore, 'readStream'>,
  open: OpenPersonalData,
): CommandStateLoader {
  return {
    async load(command, { target, load }, verify) {
      await verify?.(load);
      const streams = await Promise.all(load.map((stream) => store.readStream(stream)));
      const loaded = streams[load.indexOf(target)] ?? [];
      const version = loaded.length === 0 ? 0 : loaded[loaded.length - 1]!.streamVersion;
      const history = decodeDomainEvents(await open(streams.flat()));
      return { state: foldCommandState(command, history), version };
    },
  };
}
