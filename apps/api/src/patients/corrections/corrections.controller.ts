import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditCategory } from '../../http/audit/audit-category';
import { CareCommands } from '../../commands/write';
import { CareWrite, type WriteOutcome } from '../../http/write/care-write';
import { WriteContext } from '../../http/write/write-context';
import { CorrectEntryDto, EntryParams, MarkEnteredInErrorDto } from './corrections.dto';

/**
 * HIPAA's right to amend: an entry is never changed; a correction or an entered-in-error
 * mark is appended to the entry's stream and names it by event id.
 */
@AuditCategory('corrections')
@ApiTags('corrections')
@ApiBearerAuth()
@Controller('patients')
export class CorrectionsController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/entries/:eventId/corrections')
  @CareWrite('Amend fields of a recorded entry.')
  correct(
    @Param() { patientId, eventId }: EntryParams,
    @Body() body: CorrectEntryDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'CorrectEntry', data: { patientId, eventId, ...body } }, write);
  }

  @Post(':patientId/entries/:eventId/entered-in-error')
  @CareWrite('Mark a recorded entry entered in error (void it).')
  markEnteredInError(
    @Param() { patientId, eventId }: EntryParams,
    @Body() body: MarkEnteredInErrorDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'MarkEnteredInError', data: { patientId, eventId, ...body } }, write);
  }
}
