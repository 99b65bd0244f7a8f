import { RoleNotPermitted } from './errors';
import type { ActorRole, CommandContext } from './actor';

/** What the event store knows about a stored event that the deciders need. */
export type EventMeta = { readonly eventId: string; readonly streamName: string };

/**
 * Where a command reads and writes. `load` always contains `target`, so the handler appends
 * with the version it read from the target (optimistic concurrency on exactly one stream).
 */
export type CommandStreams = { readonly target: string; readonly load: readonly string[] };

export type Command = { readonly type: string; readonly data: { readonly patientId: string } };

/**
 * One entry of the command table: everything a generic handler needs.
 * Methods (not function properties) on purpose: the table stores handlers of different
 * state types under one type, and method parameters are checked bivariantly.
 */
export interface CommandHandler<C extends Command, S, E> {
  /** Roles allowed to issue the command at all; care-team membership is checked by decide. */
  readonly roles: readonly ActorRole[];
  /** May throw a DomainError for malformed input (e.g. an invalid scheduledFor). */
  streams(command: C, context: CommandContext): CommandStreams;
  initialState(): S;
  evolve(state: S, event: E, meta: EventMeta): S;
  /** Checks the role, then the rules; returns the new events or throws a DomainError. */
  decide(command: C, state: S, context: CommandContext): E[];
}

export function defineHandler<C extends Command, S, E>(handler: CommandHandler<C, S, E>): CommandHandler<C, S, E> {
  return {
    ...handler,
    decide: (command, state, context) => {
      if (!handler.roles.includes(context.actor.role)) {
        throw new RoleNotPermitted(context.actor.role, command.type);
      }
      return handler.decide(command, state, context);
    },
  };
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
