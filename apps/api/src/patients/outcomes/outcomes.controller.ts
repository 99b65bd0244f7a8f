import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditCategory } from '../../http/audit/audit-category';
import { CareCommands } from '../../commands/write';
import { CareWrite, WritesShownIn, type WriteOutcome } from '../../http/write/care-write';
import { WriteContext } from '../../http/write/write-context';
import { PatientParams } from '../../http/validation/decorators';
import { RecordOutcomeDto } from './outcomes.dto';

/** Measurement-based care: PHQ-9 and GAD-7 scores with their item answers. */
@AuditCategory('outcomes')
@ApiTags('outcomes')
@ApiBearerAuth()
@WritesShownIn('outcomes')
@Controller('patients')
export class OutcomesController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/outcomes')
  @CareWrite('Record a PHQ-9 or GAD-7: item answers and their total.')
  record(
    @Param() { patientId }: PatientParams,
    @Body() body: RecordOutcomeDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'RecordOutcome', data: { patientId, ...body } }, write);
  }
}
