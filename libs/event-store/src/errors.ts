import type { ExpectedVersion } from './event-store';
import type { ChainBreak } from './integrity/verify-chain';

/** Base of every error the event store raises on purpose. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

/** Another writer appended to the stream first: reload, decide again, retry. */
export class WrongExpectedVersion extends EventStoreError {
  readonly code = 'wrong-expected-version';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`Stream ${streamId} is at version ${actual}, expected ${String(expected)}`);
    this.name = 'WrongExpectedVersion';
  }
}

/** An idempotency key was sent again with a different stream or a different request. */
export class IdempotencyKeyReused extends EventStoreError {
  readonly code = 'idempotency-key-reused';
  constructor(
    readonly idempotencyKey: string,
    readonly firstStreamId: string,
  ) {
    super(`Idempotency key ${idempotencyKey} was already used for another stream`);
    this.name = 'IdempotencyKeyReused';
  }
}

/** The embedded store's data directory is held by another process. */
export class DataDirectoryLocked extends EventStoreError {
  readonly code = 'data-directory-locked';
  constructor(
    readonly dataDir: string,
    readonly holder: { pid: number; hostname: string; startedAt: string; command: string },
  ) {
    super(
      `The data directory ${dataDir} is in use by process ${holder.pid} on ${holder.hostname} ` +
        `(${holder.command}, since ${holder.startedAt}). Stop that process, or talk to it through ` +
        `its API, instead of opening the directory a second time.`,
    );
    this.name = 'DataDirectoryLocked';
  }
}

/**
 * Transaction ids in the log are ahead of the server's: the database was
 * restored logically (pg_dump) into a new cluster, and new events would sort
 * before old ones. See docs/architecture.md, "Backups".
 */
export class TransactionIdsWentBackwards extends EventStoreError {
  readonly code = 'transaction-ids-went-backwards';
  constructor(
    readonly highestStored: string,
    readonly serverNext: string,
  ) {
    super(
      `The event log holds transaction id ${highestStored} but the server's next is ${serverNext}; ` +
        'refusing to append events that would sort before existing ones (see docs/architecture.md, "Backups")',
    );
    this.name = 'TransactionIdsWentBackwards';
  }
}

/**
 * `store import` began writing this store and has not finished: its events
 * are a prefix of another store's log. Run the same import again to finish
 * it (docs/architecture.md, "Backups").
 */
export class StoreImportUnfinished extends EventStoreError {
  readonly code = 'store-import-unfinished';
  constructor(readonly nextLine: number) {
    super(
      `An import into this store stopped before line ${nextLine} of its file; ` +
        'run the same "store import --from <file>" again to finish it before using the store (see docs/architecture.md, "Backups")',
    );
    this.name = 'StoreImportUnfinished';
  }
}

export class InvalidAppend extends EventStoreError {
  readonly code = 'invalid-append';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppend';
  }
}

/**
 * A stream's hash chain does not verify: its stored history was changed
 * behind the store's back (docs/audit.md, "Tamper evidence"). Nothing may
 * be decided on it until an operator has restored it.
 */
export class BrokenChain extends EventStoreError {
  readonly code = 'broken-chain';
  constructor(readonly chainBreak: ChainBreak) {
    super(
      `The hash chain of stream ${chainBreak.streamId} is broken (${chainBreak.reason}` +
        `${chainBreak.streamVersion === null ? '' : ` at version ${chainBreak.streamVersion}`}` +
        `${chainBreak.position === null ? '' : `, position ${chainBreak.position}`}); refusing to decide on it`,
    );
    this.name = 'BrokenChain';
  }
}

/**
 * An append carried the heads its writer had verified (AppendOptions.verifiedHeads) and the
 * events after them, or a stream's recorded length, did not verify: nothing was written. A full
 * check of the streams (StreamChainGuard.check) names the break (BrokenChain).
 */
export class ChainNotVerified extends EventStoreError {
  readonly code = 'chain-not-verified';
  constructor(readonly streamIds: readonly string[]) {
    super(
      `The hash chains of ${streamIds.join(', ')} did not verify after the writer's verified heads; nothing was appended`,
    );
    this.name = 'ChainNotVerified';
  }
}
