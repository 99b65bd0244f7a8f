import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditCategory } from '../../http/audit/audit-category';
import { CareCommands, newRecordId } from '../../commands/write';
import { CareWrite, WritesShownIn, type WriteOutcome } from '../../http/write/care-write';
import { WriteContext } from '../../http/write/write-context';
import { PatientParams } from '../../http/validation/decorators';
import { ReportSideEffectDto, ResolveSideEffectDto, ReviewSideEffectDto, SideEffectParams } from './safety.dto';

/** Side effects: reported by the patient or a clinician, reviewed by the prescriber, resolved. */
@AuditCategory('side effects')
@ApiTags('safety')
@ApiBearerAuth()
@WritesShownIn('collaboration')
@Controller('patients')
export class SafetyController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/side-effects')
  @CareWrite('Report a side effect (severity, FIBSER); answers its id. Severe or burden >= 5 is urgent.')
  report(
    @Param() { patientId }: PatientParams,
    @Body() body: ReportSideEffectDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    const sideEffectId = newRecordId(write, 'side-effect');
    return this.commands.send(
      { type: 'ReportSideEffect', data: { patientId, sideEffectId, ...body } },
      write,
      sideEffectId,
    );
  }

  @Post(':patientId/side-effects/:sideEffectId/reviews')
  @CareWrite("Record the prescriber's review of a side effect (action taken).")
  review(
    @Param() { patientId, sideEffectId }: SideEffectParams,
    @Body() body: ReviewSideEffectDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'ReviewSideEffect', data: { patientId, sideEffectId, ...body } }, write);
  }

  @Post(':patientId/side-effects/:sideEffectId/resolution')
  @CareWrite('Record that a side effect resolved.')
  resolve(
    @Param() { patientId, sideEffectId }: SideEffectParams,
    @Body() body: ResolveSideEffectDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'ResolveSideEffect', data: { patientId, sideEffectId, ...body } }, write);
  }
}
