import {
  commandStreams,
  decideCommand,
  type CommandContext,
  type DomainCommand,
  type DomainEvent,
} from '@caretrail/domain';
import { IdempotencyKeyReused, WrongExpectedVersion, type AppendResult, type EventStore } from '@caretrail/event-store';
import { encodeDomainEvents, type SealPersonalData } from '../codec/domain-to-stored';
import type { CommandStateLoader } from './command-state-loader';

/** A command as a writer sends it, with what the request adds: concurrency, idempotency, tracing. */
export interface CommandRequest {
  readonly command: DomainCommand;
  /** The acting user and the time the command is decided at. */
  readonly context: CommandContext;
  readonly correlationId: string;
  /** The version the writer read (HTTP If-Match): write only if the target stream is still at it. */
  readonly ifMatch?: number;
  /** Stored with the append; a repeat is answered with the first result. Scope it to the caller. */
  readonly idempotencyKey?: string;
  /** Kept in every event's `metadata.extra` next to the command type. */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** Ids for the new events when the writer must know them in advance. */
  readonly newEventId?: () => string;
}

/** Everything the write needs from outside; each may be swapped (the seed buffers its appends, for one). */
export interface CommandWritePorts {
  readonly loader: CommandStateLoader;
  readonly log: Pick<EventStore, 'append' | 'idempotentResult'>;
  readonly seal: SealPersonalData;
}

export interface CommandWritten {
  readonly appended: AppendResult;
  /** What the domain decided, in the clear; empty when an idempotent repeat was answered from the store. */
  readonly events: readonly DomainEvent[];
}

/** A lost race without If-Match is decided again on fresh state, at most this often. */
export const MAX_COMMAND_ATTEMPTS = 3;

/**
 * The one write path (docs/architecture.md, "Write side"): load and fold the
 * streams the command table names, decide, seal, append to the target with
 * the version read. Deciding again after a conflict is safe because the
 * decision is made on the new state; with If-Match the writer asked to hear
 * of the conflict instead (WrongExpectedVersion). A repeated idempotency key
 * is answered from the stored result before anything is decided again.
 * Throws DomainError when the domain refuses.
 */
export async function executeCommand(ports: CommandWritePorts, request: CommandRequest): Promise<CommandWritten> {
  const { command, context, idempotencyKey, ifMatch } = request;
  const streams = commandStreams(command, context);
  if (idempotencyKey !== undefined) {
    const first = await ports.log.idempotentResult(idempotencyKey);
    if (first && first.streamId !== streams.target) throw new IdempotencyKeyReused(idempotencyKey, first.streamId);
    if (first) return { appended: first, events: [] };
  }
  for (let attempt = 1; ; attempt++) {
    const { state, version } = await ports.loader.load(command, streams);
    const events = decideCommand(command, state, context);
    // Checked after the domain decided: who may not write hears the refusal, never the stream's version.
    if (ifMatch !== undefined && ifMatch !== version) throw new WrongExpectedVersion(streams.target, ifMatch, version);
    const stored = await encodeDomainEvents(
      events,
      {
        actor: context.actor,
        commandType: command.type,
        correlationId: request.correlationId,
        ...(request.extra ? { extra: request.extra } : {}),
        ...(request.newEventId ? { newEventId: request.newEventId } : {}),
      },
      ports.seal,
    );
    try {
      const appended = await ports.log.append(streams.target, stored, {
        expectedVersion: version,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      });
      return { appended, events };
    } catch (error) {
      const retry = error instanceof WrongExpectedVersion && ifMatch === undefined && attempt < MAX_COMMAND_ATTEMPTS;
      if (!retry) throw error;
    }
  }
}
