import { createHash, randomUUID } from 'node:crypto';
import { createParamDecorator, Injectable, type ExecutionContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { DomainCommand, Actor } from '@caretrail/domain';
import type { AppendResult } from '@caretrail/event-store';
import { invalidRequest } from '../problems/problem';
import { ExecuteCareCommand, type WriteRequest } from './execute-care-command';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;
const ENTITY_TAG = /^(?:W\/)?"?(\d{1,15})"?$/;

/** Reads If-Match, Idempotency-Key and the tracing context of a write request. */
export const Write = createParamDecorator((_: unknown, context: ExecutionContext): WriteRequest => {
  const request = context.switchToHttp().getRequest<Request>();
  const ifMatchHeader = request.header('if-match');
  const keyHeader = request.header('idempotency-key');
  let ifMatch: number | undefined;
  if (ifMatchHeader !== undefined && ifMatchHeader !== '*') {
    const match = ENTITY_TAG.exec(ifMatchHeader.trim());
    if (!match) {
      throw invalidRequest([
        { field: 'If-Match', rule: 'entityTag', message: 'If-Match must be an ETag this API returned, such as "3"' },
      ]);
    }
    ifMatch = Number(match[1]);
  }
  if (keyHeader !== undefined && !IDEMPOTENCY_KEY.test(keyHeader)) {
    throw invalidRequest([
      {
        field: 'Idempotency-Key',
        rule: 'idempotencyKey',
        message: 'Idempotency-Key must be 1 to 128 letters, digits or . _ : -',
      },
    ]);
  }
  return {
    ...(ifMatch === undefined ? {} : { ifMatch }),
    ...(keyHeader === undefined ? {} : { idempotencyKey: keyHeader }),
    correlationId: String(request.id),
    now: new Date().toISOString(),
    ...(request.ip ? { clientAddress: request.ip } : {}),
  };
});

/** What every write answers: where its events landed. */
export class WriteResultDto {
  @ApiProperty({ description: 'The stream written to.', example: 'careplan-2f1c…' })
  streamId!: string;
  @ApiProperty({ description: 'Version of that stream after the write; also the ETag.', example: 4 })
  version!: number;
  @ApiProperty({
    description: 'Global position of the last event written; read models report the position they reflect.',
  })
  position!: number;
  @ApiProperty({ type: [String] })
  eventIds!: string[];
  @ApiProperty({
    required: false,
    description: 'Id of the record the write created (patient, medication, session, ...).',
  })
  id?: string;
}

/** Sends domain commands through the command bus and shapes the HTTP answer. */
@Injectable()
export class CareCommands {
  constructor(private readonly commandBus: CommandBus) {}

  async send(
    command: DomainCommand,
    actor: Actor,
    write: WriteRequest,
    response: Response,
    createdId?: string,
  ): Promise<WriteResultDto> {
    const result: AppendResult = await this.commandBus.execute(new ExecuteCareCommand(command, actor, write));
    response.setHeader('ETag', `"${result.nextExpectedVersion}"`);
    if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
    return {
      streamId: result.streamId,
      version: result.nextExpectedVersion,
      position: result.positions[result.positions.length - 1]!,
      eventIds: result.eventIds,
      ...(createdId === undefined ? {} : { id: createdId }),
    };
  }
}

/**
 * Id for a record a write creates. With an Idempotency-Key it is derived
 * from the caller and the key, so a retried request names the same record.
 */
export function newRecordId(actor: Actor, write: WriteRequest, kind: string): string {
  if (write.idempotencyKey === undefined) return randomUUID();
  const hex = createHash('sha256').update(`${actor.userId}\u0000${write.idempotencyKey}\u0000${kind}`).digest('hex');
  // Shaped as an RFC 9562 version 8 (custom) UUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
