/**
 * The event store port: everything CareTrail needs from an append-only log.
 * Adapters (PostgreSQL and PGlite today; what a KurrentDB one would need is
 * in docs/architecture.md) implement it and pass the same contract suite
 * (./testing/event-store-contract.ts).
 */

/** The most events one append takes: the port's limit, every adapter enforces it. */
export const MAX_EVENTS_PER_APPEND = 1000;

/** The most events one `appendBatch` takes, over all its streams. */
export const MAX_EVENTS_PER_BATCH = 20_000;

/** What the writer believes the stream's version is before its append. */
export type ExpectedVersion =
  /** The stream must currently hold exactly this many events (0 = no stream). */
  number | 'no-stream' | 'stream-exists' | 'any';

/**
 * Who wrote an event, as its metadata stores it. The store keeps the role as
 * text: which roles exist is the domain's business (its `Actor`).
 */
export interface MetadataActor {
  userId: string;
  role: string;
}

/** Metadata a writer supplies with an event; the store adds the rest. */
export interface EventMetadataInput {
  actor?: MetadataActor;
  correlationId?: string;
  causationId?: string;
  /**
   * The W3C trace context of the span that wrote the event, when the write
   * was traced: readers (the projector, the Kafka relay) continue or link
   * the trace from it (docs/deployment.md, Traces).
   */
  traceparent?: string;
  /** When the fact happened, when it differs from when it was recorded. */
  occurredAt?: string;
  /** Anything else worth keeping with the event (client address, app version). */
  extra?: Record<string, unknown>;
}

export interface NewEvent {
  /** Stable type string, never a class name. */
  type: string;
  schemaVersion?: number;
  data: Record<string, unknown>;
  metadata?: EventMetadataInput;
  /** Supplied by the writer when it must know it in advance; generated otherwise. */
  eventId?: string;
}

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
  /** A retried append with the same key returns the first result and appends nothing. */
  idempotencyKey?: string;
  /**
   * The writer's hash of the request that carried the key, kept with it: the
   * same key with another hash is refused (IdempotencyKeyReused).
   */
  requestHash?: string;
  /**
   * The versions of the other streams the writer decided on (stream id to
   * version, 0 = no stream): the append fails with WrongExpectedVersion,
   * writing nothing, when one of them has moved since. Optimistic concurrency
   * on every stream a decision read, not only on the target.
   */
  readVersions?: Readonly<Record<string, number>>;
  /**
   * One more statement in the append's own transaction, run once the events
   * are written (the access record of the request that wrote them): it
   * commits with the events or, when it fails, neither does. Runs for an
   * idempotent replay too.
   */
  alongside?: AlongsideStatement;
  /**
   * The last event of each named stream whose hash chain the writer has
   * verified (docs/audit.md, "Tamper evidence"): the append also verifies,
   * in its own statement or transaction, every event after each head and
   * the stream's recorded length, and writes nothing when they do not
   * verify (ChainNotVerified). On success the result's `verifiedHeads` say
   * how far each stream was verified. A store without hash chains ignores it.
   */
  verifiedHeads?: Readonly<Record<string, VerifiedHead>>;
}

/** The last event of a stream whose hash chain has been recomputed, up to and including it. */
export interface VerifiedHead {
  version: number;
  /** The event's stored hash (hex): the next event must link to it; null for version 0 (no event). */
  hash: string | null;
}

/**
 * A statement for AppendOptions.alongside: a call of a set-returning SQL
 * function, written as it stands in a FROM clause, with parameters `$1`,
 * `$2`, ... (the SQL adapters renumber them; no other `$` may appear). A
 * single-event append runs it in the same statement as the events, so the
 * write stays one round trip. Another back end would need its own way to
 * make the two atomic.
 */
export interface AlongsideStatement {
  readonly call: string;
  readonly params: readonly unknown[];
}

/**
 * One stream's part of a multi-stream append (`EventStore.appendBatch`): its
 * events and the exact version the writer read (0 = no stream yet).
 */
export interface StreamAppend {
  streamId: string;
  events: NewEvent[];
  expectedVersion: number;
}

/** What an idempotency key keeps: the first append's result and the hash of the request it answered. */
export interface IdempotentResult extends AppendResult {
  /** Absent when the first append gave none. */
  requestHash?: string;
}

export interface AppendResult {
  streamId: string;
  /** Version of the stream after the append (= number of events in it). */
  nextExpectedVersion: number;
  /** Global positions of the appended events, in stream order. */
  positions: number[];
  eventIds: string[];
  /** The writing transaction's id: with a position it locates the events in the global order. */
  transactionId: string;
  /** True when this result was stored by an earlier append with the same idempotency key. */
  replayed: boolean;
  /**
   * With AppendOptions.verifiedHeads: each named stream's last event as it stood before this
   * append, verified up to it by the append.
   */
  verifiedHeads?: Record<string, VerifiedHead>;
}

/**
 * An event as the store keeps it: a row of the log with its type string and
 * plain JSON data. The domain's `HistoryEvent` is the decoded counterpart.
 */
export interface StoredEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  streamId: string;
  /** 1-based version of the event inside its stream. */
  streamVersion: number;
  /** Global position (a sequence); order by `checkpoint`, not by this alone. */
  position: number;
  transactionId: string;
  recordedAt: string;
  occurredAt: string | null;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

export interface EventMetadata extends EventMetadataInput {
  idempotencyKey?: string;
}

/**
 * A place in the gap-safe global order: events are ordered by the id of the
 * transaction that wrote them, then by position. Readers resume after it.
 */
export interface Checkpoint {
  transactionId: string;
  position: number;
}

export const START: Checkpoint = Object.freeze({ transactionId: '0', position: 0 });

export function checkpointOf(event: Pick<StoredEvent, 'transactionId' | 'position'>): Checkpoint {
  return { transactionId: event.transactionId, position: event.position };
}

export interface ReadStreamOptions {
  /** First version to return (1-based, inclusive). Default 1. */
  fromVersion?: number;
  /** Only events at or before this global position. */
  toPosition?: number;
  /** Only events recorded at or before this instant (ISO 8601). */
  recordedUntil?: string;
  /** At most this many events. */
  limit?: number;
}

/** Which of one patient's events to read (EventStore.readPatient). */
export interface ReadPatientOptions {
  /** Only events recorded at or before this instant (ISO 8601). */
  recordedUntil?: string;
  /** Only events whose occurredAt, else recordedAt, is at or before this instant. */
  occurredUntil?: string;
  /** Only events whose occurredAt, else recordedAt, is at or after this instant (a window of a long history). */
  occurredFrom?: string;
  /** Leave out events of these types. */
  excludeTypes?: readonly string[];
  /** false: every event's metadata is `{}` (folds that do not need it read half the bytes). Default true. */
  metadata?: boolean;
}

/** How far the log has moved on after a checkpoint (EventStore.lagAfter). */
export interface LogLag {
  /** Events after the checkpoint in the global order, including ones not yet readable. */
  events: number;
  /** When the oldest of them was recorded (ISO 8601); null when there are none. */
  oldestRecordedAt: string | null;
}

export interface ReadAllOptions {
  /** Events after this checkpoint (exclusive). */
  after: Checkpoint;
  /** Batch size; default 500. */
  limit?: number;
}

export interface WaitOptions {
  /** Give up after this long and resolve anyway (the caller then polls). */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface StoreStatus {
  backend: 'postgres' | 'pglite';
  /** Highest global position written (committed or not yet visible). */
  headPosition: number;
  /**
   * Age in seconds of the oldest open writing transaction. While it stays
   * open, readers of the global order cannot pass it.
   */
  oldestOpenTransactionSeconds: number | null;
}

export interface EventStore {
  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /**
   * Appends to several streams in one transaction: all or nothing. Each
   * stream appears once, with at most MAX_EVENTS_PER_APPEND events and the
   * exact version it must be at; one stream that moved fails the whole batch
   * (WrongExpectedVersion naming it). For bulk writers (generated histories,
   * imports); no idempotency keys. Results come in the order of `appends`.
   */
  appendBatch(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /**
   * The result stored for an idempotency key, if an append used it: lets a
   * caller answer a retry before deciding anything again.
   */
  idempotentResult(idempotencyKey: string): Promise<IdempotentResult | undefined>;
  /** Current version of a stream, 0 when it does not exist. */
  streamVersion(streamId: string): Promise<number>;
  /** The next batch of the global order after a checkpoint; empty when caught up. */
  readAll(options: ReadAllOptions): Promise<StoredEvent[]>;
  /**
   * One patient's events (every domain event's data names its patient) in
   * the global order, committed ones only: what time travel replays and what
   * an erasure re-derives read models from.
   */
  readPatient(patientId: string, options?: ReadPatientOptions): Promise<StoredEvent[]>;
  /**
   * The last event of the gap-safe global order that a reader can see now (START on an empty
   * log): every event at or before it has committed, so reads up to it are complete and stay so.
   */
  lastReadable(): Promise<Checkpoint>;
  /**
   * Tells the back end that many events were just written in bulk (a seed, an import): it refreshes
   * what its query planner knows of the log, so the next reads by patient are planned for the log's
   * real size and not for an empty one (docs/performance.md, "Planner statistics after a bulk load").
   */
  afterBulkLoad(): Promise<void>;
  /** Every patient id the log names (`data.patientId`), each once, in no particular order. */
  patientIds(): Promise<string[]>;
  /**
   * The events of these patients at or before `upTo` in the global order, grouped by patient
   * (patients in no particular order), each patient's in the global order: what a rebuild by
   * patient folds (docs/read-models.md, "How a rebuild proceeds").
   */
  readPatientsUpTo(patientIds: readonly string[], upTo: Checkpoint): Promise<StoredEvent[]>;
  /** The events after a checkpoint: what a subscriber at that checkpoint still has to handle. */
  lagAfter(checkpoint: Checkpoint): Promise<LogLag>;
  /**
   * Whether the event at a global position is at or before a checkpoint in
   * the global order, so a reader at that checkpoint has seen it (read your
   * writes). False when no event has that position.
   */
  covers(checkpoint: Checkpoint, position: number): Promise<boolean>;
  /**
   * Resolves when new events may be readable (a notification arrived) or the
   * timeout elapsed, whichever comes first. Never rejects on timeout.
   */
  waitForEvents(options: WaitOptions): Promise<void>;
  status(): Promise<StoreStatus>;
  close(): Promise<void>;
}
