import { Inject, Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { eventStoreStateLoader, executeCommand, StreamWriteQueue, type CommandWritePorts } from '@caretrail/care-log';
import type { DomainCommand, Actor } from '@caretrail/domain';
import { BrokenChain, type AppendResult, type EventStore } from '@caretrail/event-store';
import { EVENT_STORE } from '../http/tokens';
import type { WriteRequest } from '../http/write/write-context';
import { IntegrityMonitor } from '../integrity/integrity-monitor';
import { PersonalData } from '../privacy/personal-data';
import { CareEventsRecorded } from './care-events-recorded';

/** Carries any domain command to the one generic handler below. */
export class ExecuteCareCommand {
  constructor(
    readonly command: DomainCommand,
    readonly actor: Actor,
    readonly request: WriteRequest,
  ) {}
}

/**
 * The API's end of the write path: `executeCommand` of
 * @caretrail/care-log on the event store, with this process's personal-data
 * keys (docs/architecture.md, "Write side"). Each recorded command is
 * published on the in-process EventBus as `CareEventsRecorded`.
 */
@Injectable()
export class ExecuteCareCommandHandler {
  private readonly ports: CommandWritePorts;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    personalData: PersonalData,
    private readonly integrity: IntegrityMonitor,
    private readonly events: EventBus,
  ) {
    this.ports = {
      log: store,
      loader: eventStoreStateLoader(store, (events) => personalData.open(events)),
      seal: (type, data) => personalData.seal(type, data),
      // One queue per process: this handler is a singleton.
      queue: new StreamWriteQueue(),
      integrity: integrity.guard,
    };
  }

  async execute(command: ExecuteCareCommand): Promise<AppendResult> {
    try {
      return await this.decide(command);
    } catch (error) {
      if (error instanceof BrokenChain) throw this.integrity.refusal(error);
      throw error;
    }
  }

  private async decide({ command, actor, request }: ExecuteCareCommand): Promise<AppendResult> {
    const { appended, events } = await executeCommand(this.ports, {
      command,
      context: { now: request.now, actor },
      correlationId: request.correlationId,
      ...(request.ifMatch === undefined ? {} : { ifMatch: request.ifMatch }),
      // Keys are scoped to the caller: nobody can replay someone else's response.
      ...(request.idempotencyKey ? { idempotencyKey: `${actor.userId}:${request.idempotencyKey}` } : {}),
      ...(request.requestHash ? { requestHash: request.requestHash } : {}),
      ...(request.clientAddress ? { extra: { clientAddress: request.clientAddress } } : {}),
    });
    this.events.publish(
      new CareEventsRecorded(
        command.type,
        appended.streamId,
        appended.nextExpectedVersion,
        String(appended.positions.at(-1) ?? ''),
        events.map((event) => event.type),
        appended.replayed,
        actor.role,
        request.correlationId,
      ),
    );
    return appended;
  }
}
