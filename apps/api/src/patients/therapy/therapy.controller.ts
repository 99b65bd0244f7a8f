import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditCategory } from '../../http/audit/audit-category';
import { CareCommands } from '../../commands/write';
import { CareWrite, type WriteOutcome } from '../../http/write/care-write';
import { WriteContext } from '../../http/write/write-context';
import { PatientParams } from '../../http/validation/decorators';
import { ChangeTherapyFrequencyDto, ChangeTherapyModalityDto, PrescribeTherapyDto } from './therapy.dto';

/** The psychotherapy on the care plan: one per plan, its modality and planned frequency. */
@AuditCategory('therapy')
@ApiTags('therapy')
@ApiBearerAuth()
@Controller('patients')
export class TherapyController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/therapy')
  @CareWrite('Prescribe psychotherapy (modality and planned frequency).')
  prescribe(
    @Param() { patientId }: PatientParams,
    @Body() body: PrescribeTherapyDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'PrescribeTherapy', data: { patientId, ...body } }, write);
  }

  @Post(':patientId/therapy/modality')
  @CareWrite('Change the therapy modality (CBT, DBT, other).')
  changeModality(
    @Param() { patientId }: PatientParams,
    @Body() body: ChangeTherapyModalityDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'ChangeTherapyModality', data: { patientId, ...body } }, write);
  }

  @Post(':patientId/therapy/frequency')
  @CareWrite('Change the planned session frequency.')
  changeFrequency(
    @Param() { patientId }: PatientParams,
    @Body() body: ChangeTherapyFrequencyDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'ChangeTherapyFrequency', data: { patientId, ...body } }, write);
  }
}
