import { DomainError, RoleNotPermitted } from './errors';
import type { ActorRole, CommandContext } from './actor';

/** What the event store knows about a stored event that the deciders need. */
export type EventMeta = { readonly eventId: string; readonly streamName: string };

/**
 * Where a command reads and writes. `load` always contains `target`, so the write path appends
 * with the version it read from the target (optimistic concurrency on exactly one stream).
 */
export type CommandStreams = { readonly target: string; readonly load: readonly string[] };

export type DomainCommandShape = { readonly type: string; readonly data: { readonly patientId: string } };

/**
 * One entry of the command table: everything the write path needs (libs/care-log, `executeCommand`).
 * Methods (not function properties) on purpose: the table stores deciders of different
 * state types under one type, and method parameters are checked bivariantly.
 */
export interface CommandDecider<C extends DomainCommandShape, S, E> {
  /** Roles allowed to issue the command at all; care-team membership is checked by decide. */
  readonly roles: readonly ActorRole[];
  /** May throw a DomainError for malformed input (e.g. an invalid scheduledFor). */
  streams(command: C, context: CommandContext): CommandStreams;
  initialState(): S;
  evolve(state: S, event: E, meta: EventMeta): S;
  /** Checks the role, then the rules; returns the new events or throws a DomainError. */
  decide(command: C, state: S, context: CommandContext): E[];
}

export function defineDecider<C extends DomainCommandShape, S, E>(
  decider: CommandDecider<C, S, E>,
): CommandDecider<C, S, E> {
  return {
    ...decider,
    decide: (command, state, context) => {
      try {
        if (!decider.roles.includes(context.actor.role)) {
          throw new RoleNotPermitted(context.actor.role, command.type);
        }
        return decider.decide(command, state, context);
      } catch (error) {
        // Which command was refused decides what the caller is told (whoMayIssue, docs/domain.md).
        if (error instanceof DomainError) error.command ??= command.type;
        throw error;
      }
    },
  };
}
