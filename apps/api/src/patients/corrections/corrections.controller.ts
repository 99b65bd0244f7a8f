import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../../audit/audit-category';
import { CurrentPrincipal } from '../../auth/auth.guard';
import { CareCommands, Write, WriteResultDto } from '../../commands/write';
import type { WriteRequest } from '../../commands/execute-care-command';
import { CorrectEntryDto, EntryParams, MarkEnteredInErrorDto } from './corrections.dto';

/**
 * HIPAA's right to amend: an entry is never changed; a correction or an entered-in-error
 * mark is appended to the entry's stream and names it by event id.
 */
@AuditCategory('corrections')
@ApiTags('corrections')
@ApiBearerAuth()
@ApiCreatedResponse({ type: WriteResultDto, description: 'Recorded. ETag: the stream version.' })
@Controller('patients')
export class CorrectionsController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/entries/:eventId/corrections')
  @HttpCode(201)
  @ApiOperation({ summary: 'Amend fields of a recorded entry.' })
  correct(
    @Param() { patientId, eventId }: EntryParams,
    @Body() body: CorrectEntryDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'CorrectEntry', data: { patientId, eventId, ...body } },
      principal,
      write,
      response,
    );
  }

  @Post(':patientId/entries/:eventId/entered-in-error')
  @HttpCode(201)
  @ApiOperation({ summary: 'Mark a recorded entry entered in error (void it).' })
  markEnteredInError(
    @Param() { patientId, eventId }: EntryParams,
    @Body() body: MarkEnteredInErrorDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'MarkEnteredInError', data: { patientId, eventId, ...body } },
      principal,
      write,
      response,
    );
  }
}
