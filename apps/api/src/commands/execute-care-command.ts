import { Inject, Injectable } from '@nestjs/common';
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
  type NewEvent,
  type SqlEventStore,
} from '@caretrail/event-store';
import type { Principal } from '@caretrail/security';
import type { WriteRequest } from '../http/write/write-context';
import { EVENT_STORE } from '../http/tokens';
import { PersonalData } from '../privacy/personal-data';

/** Carries any domain command to the one generic handler below. */
export class ExecuteCareCommand {
  constructor(
    readonly command: DomainCommand,
    readonly principal: Principal,
    readonly request: WriteRequest,
  ) {}
}

/** A lost race without If-Match is decided again on fresh state, at most this often. */
const MAX_ATTEMPTS = 3;

/**
 * Load the streams the command needs, fold, decide, append with the version
 * read. Deciding again after a conflict is safe because the decision is
 * made on the new state; with If-Match the client asked to be told instead.
 */
@Injectable()
export class ExecuteCareCommandHandler {
  constructor(
    @Inject(EVENT_STORE) private readonly store: SqlEventStore,
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
      // Personal data opened (or read as erased); administrative events such as PatientDataErased are not the domain's.
      const recorded = (await this.personalData.open(streams.flat())).filter((e) => isEventType(e.type));
      const history = recorded.map((e) => ({
        event: upcast(e.type, e.schemaVersion, e.data),
        meta: { eventId: e.eventId, streamName: e.streamId },
      }));
      const events = handleCommand(command, history, context);
      // Checked after the domain decided, so who may not write hears 403, never the stream's version.
      if (request.ifMatch !== undefined && request.ifMatch !== version) {
        throw new WrongExpectedVersion(target, request.ifMatch, version);
      }
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
