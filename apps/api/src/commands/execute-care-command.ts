import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  commandStreams,
  currentSchemaVersion,
  handleCommand,
  isEventType,
  upcast,
  type CommandContext,
  type DomainCommand,
  type DomainEvent,
} from '@caretrail/domain';
import {
  IdempotencyKeyReused,
  WrongExpectedVersion,
  type AppendResult,
  type EventStore,
  type NewEvent,
} from '@caretrail/event-store';
import type { Principal } from '@caretrail/security';
import { EVENT_STORE } from '../event-store/event-store.module';
import { PersonalData } from '../privacy/personal-data';

/** What the HTTP request adds to a command: concurrency, idempotency and tracing. */
export interface WriteRequest {
  /** The version the client read (If-Match); the write happens only if it is still current. */
  ifMatch?: number;
  idempotencyKey?: string;
  correlationId: string;
  /** Server time at which the request arrived. */
  now: string;
  clientAddress?: string;
}

/** Carries any domain command through the command bus to the one generic handler below. */
export class ExecuteCareCommand extends Command<AppendResult> {
  constructor(
    readonly command: DomainCommand,
    readonly principal: Principal,
    readonly request: WriteRequest,
  ) {
    super();
  }
}

/** A lost race without If-Match is decided again on fresh state, at most this often. */
const MAX_ATTEMPTS = 3;

/**
 * Load the streams the command needs, fold, decide, append with the version
 * read. Deciding again after a conflict is safe because the decision is
 * made on the new state; with If-Match the client asked to be told instead.
 */
@CommandHandler(ExecuteCareCommand)
export class ExecuteCareCommandHandler implements ICommandHandler<ExecuteCareCommand, AppendResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: PersonalData,
  ) {}

  async execute({ command, principal, request }: ExecuteCareCommand): Promise<AppendResult> {
    const context: CommandContext = { now: request.now, actor: principal };
    const { target, load } = commandStreams(command, context);
    // Keys are scoped to the caller: nobody can replay someone else's response.
    const idempotencyKey = request.idempotencyKey && `${principal.userId}:${request.idempotencyKey}`;
    if (idempotencyKey) {
      const first = await this.store.idempotentResult(idempotencyKey);
      if (first && first.streamId !== target) throw new IdempotencyKeyReused(request.idempotencyKey!, first.streamId);
      if (first) return first;
    }

    for (let attempt = 1; ; attempt++) {
      const streams = await Promise.all(load.map((stream) => this.store.readStream(stream)));
      const loaded = streams[load.indexOf(target)] ?? [];
      const version = loaded.length === 0 ? 0 : loaded[loaded.length - 1]!.streamVersion;
      if (request.ifMatch !== undefined && request.ifMatch !== version) {
        throw new WrongExpectedVersion(target, request.ifMatch, version);
      }
      // Personal data opened (or read as erased); administrative events such as PatientDataErased are not the domain's.
      const recorded = (await this.personalData.open(streams.flat())).filter((e) => isEventType(e.type));
      const history = recorded.map((e) => ({
        event: upcast(e.type, e.schemaVersion, e.data),
        meta: { eventId: e.eventId, streamName: e.streamId },
      }));
      const events = handleCommand(command, history, context);
      try {
        return await this.store.append(
          target,
          await Promise.all(events.map((event) => toNewEvent(event, command, principal, request, this.personalData))),
          { expectedVersion: version, idempotencyKey },
        );
      } catch (error) {
        const retry = error instanceof WrongExpectedVersion && request.ifMatch === undefined && attempt < MAX_ATTEMPTS;
        if (!retry) throw error;
      }
    }
  }
}

/** The one place domain events become stored events: personal data is sealed under the patient's key here. */
async function toNewEvent(
  event: DomainEvent,
  command: DomainCommand,
  principal: Principal,
  request: WriteRequest,
  personalData: PersonalData,
): Promise<NewEvent> {
  const occurredAt = (event.data as { occurredAt?: unknown }).occurredAt;
  return {
    type: event.type,
    schemaVersion: currentSchemaVersion(event.type),
    data: await personalData.seal(event.type, event.data as Record<string, unknown>),
    metadata: {
      actor: { userId: principal.userId, role: principal.role },
      correlationId: request.correlationId,
      causationId: request.correlationId,
      ...(typeof occurredAt === 'string' ? { occurredAt } : {}),
      extra: { command: command.type, ...(request.clientAddress ? { clientAddress: request.clientAddress } : {}) },
    },
  };
}
