import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { eventStoreStateLoader, executeCommand, type CommandWritePorts } from '@caretrail/care-log';
import type { DomainCommand, Actor } from '@caretrail/domain';
import type { AppendResult, EventStore } from '@caretrail/event-store';
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
    readonly actor: Actor,
    readonly request: WriteRequest,
  ) {
    super();
  }
}

/**
 * The command bus's end of the write path: `executeCommand` of
 * @caretrail/care-log on the event store, with this process's personal-data
 * keys (docs/architecture.md, "Write side").
 */
@CommandHandler(ExecuteCareCommand)
export class ExecuteCareCommandHandler implements ICommandHandler<ExecuteCareCommand, AppendResult> {
  private readonly ports: CommandWritePorts;

  constructor(@Inject(EVENT_STORE) store: EventStore, personalData: PersonalData) {
    this.ports = {
      log: store,
      loader: eventStoreStateLoader(store, (events) => personalData.open(events)),
      seal: (type, data) => personalData.seal(type, data),
    };
  }

  async execute({ command, actor, request }: ExecuteCareCommand): Promise<AppendResult> {
    const { appended } = await executeCommand(this.ports, {
      command,
      context: { now: request.now, actor },
      correlationId: request.correlationId,
      ...(request.ifMatch === undefined ? {} : { ifMatch: request.ifMatch }),
      // Keys are scoped to the caller: nobody can replay someone else's response.
      ...(request.idempotencyKey ? { idempotencyKey: `${actor.userId}:${request.idempotencyKey}` } : {}),
      ...(request.clientAddress ? { extra: { clientAddress: request.clientAddress } } : {}),
    });
    return appended;
  }
}
