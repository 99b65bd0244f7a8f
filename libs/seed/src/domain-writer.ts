import { isDeepStrictEqual } from 'node:util';
import {
  executeCommand,
  storePlain,
  type CommandStateLoader,
  type CommandWritePorts,
  type SealPersonalData,
} from '@caretrail/care-log';
import {
  commandStreams,
  DomainError,
  handleCommand,
  deciderFor,
  type Actor,
  type CommandContext,
  type DomainCommand,
  type DomainEvent,
  type HistoryEvent,
} from '@caretrail/domain';
import {
  MAX_EVENTS_PER_APPEND,
  MAX_EVENTS_PER_BATCH,
  WrongExpectedVersion,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type StreamAppend,
} from '@caretrail/event-store';
import type { IdSource } from './random';

/** One decider's state folded over the streams a command loads, and how far into each it has folded. */
interface Fold {
  state: unknown;
  seen: Map<string, number>;
}

/** What the writer remembers about one stream: its decided history, the part not yet appended, its folds. */
interface StreamMemory {
  readonly name: string;
  /** Every event decided for the stream while it is remembered (upcast shape, with the ids the store will get). */
  readonly history: HistoryEvent[];
  /** Events decided (and sealed) but not yet appended. */
  buffer: NewEvent[];
  /** Stream version once everything decided is appended: what the next decision expects. */
  decided: number;
  /** Stream version after the last append, so the next append states what it expects. */
  appended: number;
  /** Instant of the first buffered command, to append streams roughly in the order things happened. */
  firstBufferedAt: number;
  /** One fold per decider `evolve` that targeted this stream (several command types share one). */
  readonly folds: Map<unknown, Fold>;
}

interface PatientMemory {
  readonly ids: IdSource;
  readonly streams: Map<string, StreamMemory>;
}

export interface WriterStats {
  commands: number;
  events: number;
  appended: number;
  appends: number;
  refused: Record<string, number>;
  /** Commands whose time lay after --until: they have not happened yet. */
  notYetDue: number;
}

export interface DomainWriterOptions {
  /**
   * Also decide every command the slow way, as the API does (`handleCommand`
   * over the whole loaded history), and fail if the two disagree. Keeps every
   * history in memory; for tests.
   */
  verify?: boolean;
  /** Instant after which commands are not issued (the end of the seeded history). */
  until: number;
  /** Called on a refusal; the default counts it. */
  onRefused?: (command: DomainCommand, error: DomainError) => void;
  /**
   * Seals an event's personal data before it is stored, as the API does
   * (docs/erasure.md); the writer keeps deciding on the plain data.
   */
  seal?: SealPersonalData;
  /** Events per `appendBatch` call (default 5,000; at most MAX_EVENTS_PER_BATCH). */
  batchEvents?: number;
}

const DEFAULT_BATCH_EVENTS = 5_000;

/** Cuts one wave of stream appends into calls of about `size` events (never splitting a stream's append). */
function batchesOf(appends: readonly StreamAppend[], size: number): StreamAppend[][] {
  const batches: StreamAppend[][] = [];
  let current: StreamAppend[] = [];
  let events = 0;
  for (const append of appends) {
    if (current.length > 0 && events + append.events.length > Math.min(size, MAX_EVENTS_PER_BATCH)) {
      batches.push(current);
      current = [];
      events = 0;
    }
    current.push(append);
    events += append.events.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Runs commands through the one write path (`executeCommand` of
 * @caretrail/care-log) with two ports of its own: a loader that folds each
 * stream's decision state incrementally with the decider's
 * `initialState`/`evolve` (never by re-reading the store), and a log that
 * buffers the sealed events; `flush` appends them per stream in chunks with
 * the expected version the writer tracks. A refusal by the domain writes
 * nothing and is counted.
 *
 * The incremental fold folds the care-plan stream and the target stream in
 * the order events were decided, where `handleCommand` folds the care-plan
 * stream first: the same state, because every decider's evolve keeps the
 * two streams' parts apart (see `commandDeciders`). `verify` checks it.
 */
export class DomainWriter {
  readonly stats: WriterStats = { commands: 0, events: 0, appended: 0, appends: 0, refused: {}, notYetDue: 0 };
  private readonly patients = new Map<string, PatientMemory>();
  private dirty = new Set<StreamMemory>();
  private buffered = 0;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly options: DomainWriterOptions) {}

  get bufferedEvents(): number {
    return this.buffered;
  }

  addPatient(ids: IdSource): void {
    this.patients.set(ids.patientId, { ids, streams: new Map() });
  }

  /** Drops what the writer remembers of a patient (buffered events are still appended). */
  forgetPatient(patientId: string): void {
    this.patients.delete(patientId);
  }

  /** Drops a stream's history and folds; no later command may target or load it. */
  forgetStream(patientId: string, streamName: string): void {
    if (this.options.verify) return;
    this.patients.get(patientId)?.streams.delete(streamName);
  }

  /**
   * Decides `command` as `actor` at instant `at` and buffers its events.
   * Returns the decided events with their ids, or null when the domain
   * refused it (or it lies after the end of the history).
   */
  async execute(command: DomainCommand, actor: Actor, at: number): Promise<HistoryEvent[] | null> {
    if (at > this.options.until) {
      this.stats.notYetDue++;
      return null;
    }
    const patient = this.patients.get(command.data.patientId);
    if (!patient) throw new Error(`seed: patient ${command.data.patientId} was not added to the writer`);
    const context: CommandContext = { now: new Date(at).toISOString(), actor };
    this.stats.commands++;
    try {
      const { appended, events } = await executeCommand(this.portsFor(patient, at), {
        command,
        context,
        correlationId: patient.ids.next(),
        extra: { source: 'seed' },
        newEventId: () => patient.ids.next(),
      });
      if (this.options.verify) this.verify(patient, command, context, events);
      const recorded = events.map((event, i): HistoryEvent => ({
        event,
        meta: { eventId: appended.eventIds[i]!, streamName: appended.streamId },
      }));
      this.memory(patient, appended.streamId).history.push(...recorded);
      return recorded;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (this.options.onRefused) this.options.onRefused(command, error);
      this.stats.refused[error.code] = (this.stats.refused[error.code] ?? 0) + 1;
      return null;
    }
  }

  /**
   * Appends everything buffered so far through the store's multi-stream
   * `appendBatch`: each stream in chunks of at most 1000 events with the
   * version it expects, up to `batchEvents` events of many streams per call,
   * up to `concurrency` calls at a time. A stream's later chunks go in later
   * waves, after every call of the wave before has committed. Returns once
   * the previous flush has finished and this one has started, so the next
   * days are generated while it runs; `drain` waits.
   */
  async flush(store: EventStore, concurrency: number): Promise<void> {
    await this.inFlight;
    const waves: StreamAppend[][] = [];
    const dirty = [...this.dirty].sort((a, b) => a.firstBufferedAt - b.firstBufferedAt || (a.name < b.name ? -1 : 1));
    for (const memory of dirty) {
      const events = memory.buffer;
      memory.buffer = [];
      for (let i = 0, wave = 0; i < events.length; i += MAX_EVENTS_PER_APPEND, wave++) {
        (waves[wave] ??= []).push({
          streamId: memory.name,
          events: events.slice(i, i + MAX_EVENTS_PER_APPEND),
          expectedVersion: memory.appended + i,
        });
      }
      memory.appended = memory.decided;
    }
    this.dirty = new Set();
    this.buffered = 0;
    const batchEvents = this.options.batchEvents ?? DEFAULT_BATCH_EVENTS;
    this.inFlight = (async () => {
      for (const wave of waves) {
        const batches = batchesOf(wave, batchEvents);
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < batches.length) {
            const batch = batches[next++]!;
            await store.appendBatch(batch);
            this.stats.appended += batch.reduce((n, a) => n + a.events.length, 0);
            this.stats.appends++;
          }
        };
        await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, batches.length)) }, worker));
      }
    })();
    // A failed append surfaces at the next flush or drain, never as an unhandled rejection.
    this.inFlight.catch(() => undefined);
  }

  /** Appends what is left and waits for every append. */
  async drain(store: EventStore, concurrency: number): Promise<void> {
    await this.flush(store, concurrency);
    await this.inFlight;
  }

  private memory(patient: PatientMemory, name: string): StreamMemory {
    let memory = patient.streams.get(name);
    if (!memory) {
      memory = { name, history: [], buffer: [], decided: 0, appended: 0, firstBufferedAt: 0, folds: new Map() };
      patient.streams.set(name, memory);
    }
    return memory;
  }

  /** The write path's ports for one command of `patient` at instant `at`: folds in memory, a buffering log. */
  private portsFor(patient: PatientMemory, at: number): CommandWritePorts {
    const loader: CommandStateLoader = {
      load: async (command, { target, load }) => {
        const decider = deciderFor(command);
        const targetMemory = this.memory(patient, target);
        let fold = targetMemory.folds.get(decider.evolve);
        if (!fold) {
          fold = { state: decider.initialState(), seen: new Map() };
          targetMemory.folds.set(decider.evolve, fold);
        }
        for (const name of load) {
          const { history } = this.memory(patient, name);
          let i = fold.seen.get(name) ?? 0;
          for (; i < history.length; i++) fold.state = decider.evolve(fold.state, history[i]!.event, history[i]!.meta);
          fold.seen.set(name, i);
        }
        return { state: fold.state, version: targetMemory.decided };
      },
    };
    return {
      loader,
      log: {
        append: async (stream, events, options) => this.buffer(this.memory(patient, stream), events, options, at),
        // The seed sends no idempotency keys.
        idempotentResult: async () => undefined,
      },
      seal: this.options.seal ?? storePlain,
    };
  }

  /** The log's append for the seed: keeps the events for `flush`, answers with the version they will have. */
  private buffer(memory: StreamMemory, events: NewEvent[], options: AppendOptions, at: number): AppendResult {
    if (options.expectedVersion !== memory.decided)
      throw new WrongExpectedVersion(memory.name, options.expectedVersion, memory.decided);
    if (memory.buffer.length === 0 && events.length > 0) {
      memory.firstBufferedAt = at;
      this.dirty.add(memory);
    }
    memory.buffer.push(...events);
    memory.decided += events.length;
    this.stats.events += events.length;
    this.buffered += events.length;
    return {
      streamId: memory.name,
      nextExpectedVersion: memory.decided,
      // Positions and the transaction are the store's to give, at flush.
      positions: [],
      transactionId: '',
      eventIds: events.map((e) => e.eventId!),
      replayed: false,
    };
  }

  private verify(
    patient: PatientMemory,
    command: DomainCommand,
    context: CommandContext,
    events: readonly DomainEvent[],
  ): void {
    const { load } = commandStreams(command, context);
    const history = load.flatMap((name) => patient.streams.get(name)?.history ?? []);
    let expected: DomainEvent[] | DomainError;
    try {
      expected = handleCommand(command, history, context);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      expected = error;
    }
    if (!isDeepStrictEqual(expected, events)) {
      throw new Error(
        `seed: the incremental fold decided ${command.type} differently from handleCommand over the full history: ` +
          `${JSON.stringify(events)} against ${expected instanceof Error ? expected.message : JSON.stringify(expected)}`,
      );
    }
  }
}
