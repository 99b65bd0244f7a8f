import { Logger } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import type { ActorRole } from '@caretrail/domain';

/**
 * Published on this process's `@nestjs/cqrs` EventBus after a command was
 * appended (or answered from its idempotency key): what in-process
 * subscribers need to follow writes without reading the log. It carries ids,
 * types and positions only, never personal data. It is not the integration
 * channel: other systems follow the log through Kafka (docs/kafka.md).
 */
export class CareEventsRecorded {
  constructor(
    readonly commandType: string,
    readonly streamId: string,
    readonly version: number,
    readonly position: string,
    readonly eventTypes: readonly string[],
    readonly replayed: boolean,
    readonly actorRole: ActorRole,
    readonly correlationId: string,
  ) {}
}

/**
 * One structured line per recorded command at `debug`: an operator raising
 * LOG_LEVEL sees each write's command, stream, version and global position
 * next to the request's correlation id.
 */
@EventsHandler(CareEventsRecorded)
export class CommandActivityLog implements IEventHandler<CareEventsRecorded> {
  private readonly logger = new Logger('Commands');

  handle(recorded: CareEventsRecorded): void {
    this.logger.debug({ ...recorded, msg: 'command recorded' });
  }
}
