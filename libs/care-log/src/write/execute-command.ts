import {
  commandStreams,
  decideCommand,
  type CommandContext,
  type CommandStreams,
  type DomainCommand,
  type DomainEvent,
} from '@caretrail/domain';
import {
  IdempotencyKeyReused,
  WrongExpectedVersion,
  type AlongsideStatement,
  type AppendResult,
  type EventStore,
  type VerifiedHead,
} from '@caretrail/event-store';
import { activeTraceparent } from '@caretrail/observability';
import { encodeDomainEvents, type SealPersonalData } from '../codec/domain-to-stored';
import type { CommandStateLoader, LoadedCommandState } from './command-state-loader';
import type { StreamWriteQueue } from './stream-write-queue';

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
  /** A hash of the request that carried the key (method, route, body): the key with another request is refused. */
  readonly requestHash?: string;
  /** Kept in every event's `metadata.extra` next to the command type. */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** Ids for the new events when the writer must know them in advance. */
  readonly newEventId?: () => string;
  /** A statement run with the append (the request's access record): it commits with the events or neither does. */
  readonly alongside?: () => AlongsideStatement;
}

/** Everything the write needs from outside; each may be swapped (the seed buffers its appends, for one). */
export interface CommandWritePorts {
  readonly loader: CommandStateLoader;
  readonly log: Pick<EventStore, 'append' | 'idempotentResult'>;
  readonly seal: SealPersonalData;
  /**
   * Verifies the hash chains of the streams a command loads before it is decided on them, throwing
   * BrokenChain when one was changed behind the store's back (the SQL store's StreamChainGuard).
   */
  readonly integrity?: StreamIntegrityCheck;
  /** This process's writes to one stream, one after another; without it every write runs at once. */
  readonly queue?: StreamWriteQueue;
  /** Waits before deciding again after a lost race; `setTimeout` unless a spec wants no waiting. */
  readonly pause?: (ms: number) => Promise<void>;
}

/** Refuses to decide on a tampered stream: throws (BrokenChain) when a chain does not verify. */
export interface StreamIntegrityCheck {
  check(streamIds: readonly string[]): Promise<void>;
  /**
   * How far each stream was verified, for an append that verifies the rest in its own statement
   * (AppendOptions.verifiedHeads); undefined when the streams must be checked on their own first.
   */
  headsFor?(streamIds: readonly string[]): Readonly<Record<string, VerifiedHead>> | undefined;
  /** Told how far an append verified the streams (AppendResult.verifiedHeads). */
  verified?(heads: Readonly<Record<string, VerifiedHead>>): void;
}

export interface CommandWritten {
  readonly appended: AppendResult;
  /** What the domain decided, in the clear; empty when an idempotent repeat was answered from the store. */
  readonly events: readonly DomainEvent[];
  /** True when the request's `alongside` work committed with this result (false when answered from a stored key). */
  readonly alongsideCommitted: boolean;
}

/** A lost race without If-Match is decided again on fresh state, at most this often. */
export const MAX_COMMAND_ATTEMPTS = 8;

/** The longest wait between two attempts; the first waits are a few milliseconds. */
const MAX_BACKOFF_MS = 200;
const FIRST_BACKOFF_MS = 4;

/**
 * The one write path (docs/architecture.md, "Write side"): verify the hash
 * chains of the streams the command table names (`ports.integrity`, when they
 * are read from the store), load and fold them (or take the folded state a
 * cache holds, whose chains the append verifies), decide, seal, append to
 * the target with the version read. Writes of this process to one stream are queued
 * (`ports.queue`); a race lost to another process without If-Match is
 * decided again on the new state after a short random wait (full jitter, so
 * the losers do not collide again), at most MAX_COMMAND_ATTEMPTS times;
 * with If-Match the writer asked to hear of the conflict instead
 * (WrongExpectedVersion). A repeated idempotency key is answered from the
 * stored result before anything is decided, and again when the attempt
 * failed because the first request with that key committed meanwhile.
 * Throws DomainError when the domain refuses.
 */
export async function executeCommand(ports: CommandWritePorts, request: CommandRequest): Promise<CommandWritten> {
  const streams = commandStreams(request.command, request.context);
  const write = () => decideAndAppend(ports, request, streams);
  return ports.queue ? ports.queue.run(streams.target, write) : write();
}

async function decideAndAppend(
  ports: CommandWritePorts,
  request: CommandRequest,
  streams: CommandStreams,
): Promise<CommandWritten> {
  const { command, context, idempotencyKey, requestHash, ifMatch } = request;
  const first = await storedAnswer(ports, request, streams.target);
  if (first) return first;
  const { integrity } = ports;
  const verify = integrity && ((ids: readonly string[]) => integrity.check(ids));
  for (let attempt = 1; ; attempt++) {
    let loaded: LoadedCommandState | undefined;
    try {
      loaded = await ports.loader.load(command, streams, verify);
      const { state, version, readVersions } = loaded;
      // State held in memory: the append verifies the chains after the heads this process verified, in
      // its own statement, and writes nothing when they do not verify (ChainNotVerified: decided again
      // on what the store holds, whose check names the break). Without heads, a check of its own first.
      const verifiedHeads = loaded.fromCache ? integrity?.headsFor?.(streams.load) : undefined;
      const checked = loaded.fromCache && !verifiedHeads ? verify?.(streams.load) : undefined;
      checked?.catch(() => undefined);
      const events = decideCommand(command, state, context);
      // Checked after the domain decided: who may not write hears the refusal, never the stream's version.
      if (ifMatch !== undefined && ifMatch !== version)
        throw new WrongExpectedVersion(streams.target, ifMatch, version);
      const stored = await encodeDomainEvents(
        events,
        {
          actor: context.actor,
          commandType: command.type,
          correlationId: request.correlationId,
          // The span the writer runs this command in (the API's command span), when it is traced.
          ...traced(),
          ...(request.extra ? { extra: request.extra } : {}),
          ...(request.newEventId ? { newEventId: request.newEventId } : {}),
        },
        ports.seal,
      );
      await checked;
      const appended = await ports.log.append(streams.target, stored, {
        expectedVersion: version,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        ...(requestHash === undefined ? {} : { requestHash }),
        ...(readVersions && Object.keys(readVersions).length > 0 ? { readVersions } : {}),
        ...(request.alongside ? { alongside: request.alongside() } : {}),
        ...(verifiedHeads ? { verifiedHeads } : {}),
      });
      if (appended.verifiedHeads) integrity?.verified?.(appended.verifiedHeads);
      ports.loader.recorded?.(command, streams, loaded, events, appended);
      return { appended, events, alongsideCommitted: request.alongside !== undefined };
    } catch (error) {
      // The first request with this key (in another process) committed while this one decided:
      // the domain now refuses a repeat, but the client asked for the first answer.
      const answered = await storedAnswer(ports, request, streams.target);
      if (answered) return answered;
      if (error instanceof WrongExpectedVersion) ports.loader.invalidate?.(streams.load);
      // Decided on state kept in memory: a conflict or a refusal may only mean it was stale.
      // Decide again on what the store holds before answering (docs/architecture.md, "Folded state cache").
      if (loaded?.fromCache && attempt < MAX_COMMAND_ATTEMPTS) {
        ports.loader.invalidate?.(streams.load);
        continue;
      }
      // If-Match names the target's version only: another stream read that moved is decided again.
      const retry =
        error instanceof WrongExpectedVersion &&
        (ifMatch === undefined || error.streamId !== streams.target) &&
        attempt < MAX_COMMAND_ATTEMPTS;
      if (!retry) throw error;
      await (ports.pause ?? sleep)(backoffMs(attempt));
    }
  }
}

/** The stored answer to the request's idempotency key, if it has one; refused when it answered another request. */
async function storedAnswer(
  ports: CommandWritePorts,
  { idempotencyKey, requestHash }: CommandRequest,
  target: string,
): Promise<CommandWritten | undefined> {
  if (idempotencyKey === undefined) return undefined;
  const first = await ports.log.idempotentResult(idempotencyKey);
  if (!first) return undefined;
  const otherRequest =
    first.requestHash !== undefined && requestHash !== undefined && first.requestHash !== requestHash;
  if (first.streamId !== target || otherRequest) throw new IdempotencyKeyReused(idempotencyKey, first.streamId);
  const { requestHash: _stored, ...appended } = first;
  return { appended, events: [], alongsideCommitted: false };
}

function traced(): { traceparent?: string } {
  const traceparent = activeTraceparent();
  return traceparent === undefined ? {} : { traceparent };
}

function backoffMs(attempt: number): number {
  return Math.random() * Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
