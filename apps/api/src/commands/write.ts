import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DomainCommand } from '@caretrail/domain';
import type { WriteOutcome } from '../http/write/care-write';
import type { WriteContext } from '../http/write/write-context';
import { ExecuteCareCommand, ExecuteCareCommandHandler } from './execute-care-command';

/**
 * Runs domain commands for the write endpoints and shapes what they answer.
 * The handler is called directly: one command class goes to one handler, so
 * a command bus would add a lookup and nothing else; what a write recorded is
 * published on the EventBus (docs/architecture.md, "Write side").
 */
@Injectable()
export class CareCommands {
  constructor(private readonly handler: ExecuteCareCommandHandler) {}

  async send(command: DomainCommand, { actor, request }: WriteContext, createdId?: string): Promise<WriteOutcome> {
    const result = await this.handler.execute(new ExecuteCareCommand(command, actor, request));
    return {
      answer: {
        streamId: result.streamId,
        version: result.nextExpectedVersion,
        position: result.positions[result.positions.length - 1]!,
        eventIds: result.eventIds,
        ...(createdId === undefined ? {} : { id: createdId }),
      },
      replayed: result.replayed,
    };
  }
}

/**
 * Id for a record a write creates. With an Idempotency-Key it is derived
 * from the caller and the key, so a retried request names the same record.
 */
export function newRecordId({ actor, request }: WriteContext, kind: string): string {
  if (request.idempotencyKey === undefined) return randomUUID();
  const hex = createHash('sha256').update(`${actor.userId}\u0000${request.idempotencyKey}\u0000${kind}`).digest('hex');
  // Shaped as an RFC 9562 version 8 (custom) UUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
