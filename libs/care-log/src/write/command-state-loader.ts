import { foldCommandState, type CommandStreams, type DomainCommand } from '@caretrail/domain';
import type { EventStore, StoredEvent } from '@caretrail/event-store';
import { decodeDomainEvents } from '../codec/stored-to-domain';

/** The state a command is decided on, and the version of its target stream that state was read at. */
export interface LoadedCommandState {
  readonly state: unknown;
  /** Events in the target stream when it was read (0 = no stream): the append expects exactly this. */
  readonly version: number;
}

/**
 * Where `executeCommand` gets the folded state from. Swappable: the event
 * store by default, the seed's incremental in-memory folds, later a cache
 * of folded state (docs/architecture.md, "Write side").
 */
export interface CommandStateLoader {
  load(command: DomainCommand, streams: CommandStreams): Promise<LoadedCommandState>;
}

/** Opens personal data of stored events (or reads it as erased) before the domain sees them. */
export type OpenPersonalData = (events: readonly StoredEvent[]) => Promise<StoredEvent[]>;

/** Reads every stream the command loads from the store, opens, decodes and folds them. */
export function eventStoreStateLoader(
  store: Pick<EventStore, 'readStream'>,
  open: OpenPersonalData,
): CommandStateLoader {
  return {
    async load(command, { target, load }) {
      const streams = await Promise.all(load.map((stream) => store.readStream(stream)));
      const loaded = streams[load.indexOf(target)] ?? [];
      const version = loaded.length === 0 ? 0 : loaded[loaded.length - 1]!.streamVersion;
      const history = decodeDomainEvents(await open(streams.flat()));
      return { state: foldCommandState(command, history), version };
    },
  };
}
