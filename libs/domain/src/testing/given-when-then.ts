import { commandStreams, handleCommand, type HistoryEvent } from '../command-deciders';
import type { DomainCommand } from '../commands';
import { streamFor, type DomainEvent } from '../events';
import type { CommandContext } from '../shared/actor';
import type { DomainErrorConstructor } from '../shared/errors';
import { asActor, prescriber, NOW } from './fixtures';

/** A given event with a fixed id, for specs that point at it (corrections, superseded doses). */
export type WithId = { readonly event: DomainEvent; readonly eventId: string };

export function withId(eventId: string, event: DomainEvent): WithId {
  return { event, eventId };
}

type Scenario = {
  then(expected: DomainEvent[]): void;
  thenThrows(error: DomainErrorConstructor): void;
  events(): DomainEvent[];
};

/**
 * given(history).when(command, context).then(events) | .thenThrows(ErrorClass)
 *
 * Runs the command the way the API does: only the events of the streams the command table
 * says to load reach the decider, so a spec fails if the stream design misses something.
 */
export function given(history: ReadonlyArray<DomainEvent | WithId>): {
  when(command: DomainCommand, context?: Partial<CommandContext>): Scenario;
} {
  const recorded: HistoryEvent[] = history.map((item, i) => {
    const { event, eventId } = 'eventId' in item ? item : { event: item, eventId: `evt-${i + 1}` };
    return { event, meta: { eventId, streamName: streamFor(event) } };
  });
  return {
    when(command, partial = {}) {
      const context: CommandContext = { now: NOW, actor: asActor(prescriber), ...partial };
      const run = (): DomainEvent[] => {
        const { load } = commandStreams(command, context);
        const loaded = load.flatMap((stream) => recorded.filter((r) => r.meta.streamName === stream));
        return handleCommand(command, loaded, context);
      };
      return {
        then: (expected) => expect(run()).toEqual(expected),
        thenThrows: (error) => {
          expect(run).toThrow(error);
          expect(() => run()).toThrow(expect.objectContaining({ code: error.code, kind: error.kind }));
        },
        events: run,
      };
    },
  };
}
