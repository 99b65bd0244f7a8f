import { isDeepStrictEqual } from 'node:util';
import {
  currentSchemaVersion,
  DomainError,
  handleCommand,
  handlerFor,
  streamFor,
  type Actor,
  type CommandContext,
  type DomainCommand,
  type DomainEvent,
  type RecordedEvent,
} from '@caretrail/domain';
import { MAX_EVENTS_PER_APPEND, type EventStore, type NewEvent } from '@caretrail/event-store';
import type { IdSource } from './random';

/** One handler's state folded over the streams a command loads, and how far into each it has folded. */
interface Fold {
  state: unknown;
  seen: Map<string, number>;
}

/** What the writer remembers about one stream: its decided history, the part not yet appended, its folds. */
interface StreamMemory {
  readonly name: string;
  /** Every event decided for the stream while it is remembered (upcast shape, with the ids the store will get). */
  readonly history: RecordedEvent[];
  /** Events decided but not yet appended. */
  buffer: NewEvent[];
  /** Stream version after the last append, so the next append states what it expects. */
  appended: number;
  /** Instant of the first buffered command, to append streams roughly in the order things happened. */
  firstBufferedAt: number;
  /** One fold per handler `evolve` that targeted this stream (several command types share one). */
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
  seal?: (type: string, data: Record<string, unknown>) => Promise<Record<string, unknown>>;
}

/**
 * Decides commands through the domain's own command table and buffers the
 * events for appending. Each stream's decision state is folded incrementally
 * with the handler's `initialState`/`evolve` (never by re-reading the store),
 * and events are appended per stream in chunks with the expected version the
 * writer tracks. A refusal by the domain writes nothing and is counted.
 *
 * The incremental fold folds the care-plan stream and the target stream in
 * the order events were decided, where `handleCommand` folds the care-plan
 * stream first: the same state, because every handler's evolve keeps the
 * two streams' parts apart (see `commandHandlers`). `verify` checks it.
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
  execute(command: DomainCommand, actor: Actor, at: number): RecordedEvent[] | null {
    if (at > this.options.until) {
      this.stats.notYetDue++;
      return null;
    }
    const patient = this.patients.get(command.data.patientId);
    if (!patient) throw new Error(`seed: patient ${command.data.patientId} was not added to the writer`);
    const context: CommandContext = { now: new Date(at).toISOString(), actor };
    const handler = handlerFor(command);
    this.stats.commands++;
    try {
      const { target, load } = handler.streams(command, context);
      const targetMemory = this.memory(patient, target);
      let fold = targetMemory.folds.get(handler.evolve);
      if (!fold) {
        fold = { state: handler.initialState(), seen: new Map() };
        targetMemory.folds.set(handler.evolve, fold);
      }
      for (const name of load) {
        const { history } = this.memory(patient, name);
        let i = fold.seen.get(name) ?? 0;
        for (; i < history.length; i++) fold.state = handler.evolve(fold.state, history[i]!.event, history[i]!.meta);
        fold.seen.set(name, i);
      }
      const events = handler.decide(command, fold.state, context);
      const stray = events.find((e) => streamFor(e) !== target);
      if (stray)
        throw new Error(`${command.type} produced ${stray.type} for ${streamFor(stray)}, not its target ${target}`);
      if (this.options.verify) this.verify(patient, command, load, context, events);
      return this.record(patient, targetMemory, command, actor, at, events);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (this.options.onRefused) this.options.onRefused(command, error);
      this.stats.refused[error.code] = (this.stats.refused[error.code] ?? 0) + 1;
      return null;
    }
  }

  /**
   * Appends everything buffered so far, each stream in chunks of at most
   * 1000 events with the version it expects, up to `concurrency` streams at
   * a time. Returns once the previous flush has finished and this one has
   * started, so the next days are generated while it runs; `drain` waits.
   */
  async flush(store: EventStore, concurrency: number): Promise<void> {
    await this.inFlight;
    const work = [...this.dirty]
      .sort((a, b) => a.firstBufferedAt - b.firstBufferedAt || (a.name < b.name ? -1 : 1))
      .map((memory) => {
        const events = memory.buffer;
        memory.buffer = [];
        return { memory, events };
      });
    this.dirty = new Set();
    this.buffered = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < work.length) {
        const { memory, events } = work[next++]!;
        for (let i = 0; i < events.length; i += MAX_EVENTS_PER_APPEND) {
          const plain = events.slice(i, i + MAX_EVENTS_PER_APPEND);
          const seal = this.options.seal;
          const chunk = seal
            ? await Promise.all(plain.map(async (e) => ({ ...e, data: await seal(e.type, e.data) })))
            : plain;
          const result = await store.append(memory.name, chunk, { expectedVersion: memory.appended });
          memory.appended = result.nextExpectedVersion;
          this.stats.appended += chunk.length;
          this.stats.appends++;
        }
      }
    };
    this.inFlight = Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, work.length)) }, worker)).then(
      () => undefined,
    );
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
      memory = { name, history: [], buffer: [], appended: 0, firstBufferedAt: 0, folds: new Map() };
      patient.streams.set(name, memory);
    }
    return memory;
  }

  private record(
    patient: PatientMemory,
    memory: StreamMemory,
    command: DomainCommand,
    actor: Actor,
    at: number,
    events: DomainEvent[],
  ): RecordedEvent[] {
    const correlationId = patient.ids.next();
    if (memory.buffer.length === 0) {
      memory.firstBufferedAt = at;
      this.dirty.add(memory);
    }
    const recorded: RecordedEvent[] = [];
    for (const event of events) {
      const eventId = patient.ids.next();
      const entry: RecordedEvent = { event, meta: { eventId, streamName: memory.name } };
      memory.history.push(entry);
      recorded.push(entry);
      const occurredAt = (event.data as { occurredAt?: unknown }).occurredAt;
      memory.buffer.push({
        eventId,
        type: event.type,
        schemaVersion: currentSchemaVersion(event.type),
        data: event.data as Record<string, unknown>,
        metadata: {
          actor: { userId: actor.userId, role: actor.role },
          correlationId,
          causationId: correlationId,
          ...(typeof occurredAt === 'string' ? { occurredAt } : {}),
          extra: { command: command.type, source: 'seed' },
        },
      });
    }
    this.stats.events += events.length;
    this.buffered += events.length;
    return recorded;
  }

  private verify(
    patient: PatientMemory,
    command: DomainCommand,
    load: readonly string[],
    context: CommandContext,
    events: DomainEvent[],
  ): void {
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
