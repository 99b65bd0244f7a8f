import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditCategory } from '../../http/audit/audit-category';
import { CareCommands } from '../../commands/write';
import { CareWrite, WritesShownIn, type WriteOutcome } from '../../http/write/care-write';
import { WriteContext } from '../../http/write/write-context';
import { PatientParams } from '../../http/validation/decorators';
import { RecordDoseMissedDto, RecordDoseTakenDto } from './doses.dto';

/**
 * Doses taken or missed, mostly from the patient's app: possibly days late and retried
 * offline, so clients should send an Idempotency-Key.
 */
@AuditCategory('doses')
@ApiTags('doses')
@ApiBearerAuth()
@WritesShownIn('adherence')
@Controller('patients')
export class DosesController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/doses/taken')
  @CareWrite('Record a dose taken (late when reported after a miss or well after its slot).')
  taken(
    @Param() { patientId }: PatientParams,
    @Body() body: RecordDoseTakenDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'RecordDoseTaken', data: { patientId, ...body } }, write);
  }

  @Post(':patientId/doses/missed')
  @CareWrite('Record a missed dose (reason).')
  missed(
    @Param() { patientId }: PatientParams,
    @Body() body: RecordDoseMissedDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'RecordDoseMissed', data: { patientId, ...body } }, write);
  }
}
