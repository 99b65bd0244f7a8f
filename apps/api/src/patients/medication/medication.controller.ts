import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditCategory } from '../../http/audit/audit-category';
import { CareCommands, newRecordId } from '../../commands/write';
import { CareWrite, type WriteOutcome } from '../../http/write/care-write';
import { WriteContext } from '../../http/write/write-context';
import { PatientParams } from '../../http/validation/decorators';
import {
  AdjustDoseDto,
  CancelDoseAdjustmentDto,
  DiscontinueMedicationDto,
  DoseAdjustmentParams,
  MedicationParams,
  PrescribeMedicationDto,
} from './medication.dto';

/** Prescriptions, dose adjustments (and cancelling a pending one) and discontinuations: the team's prescriber only. */
@AuditCategory('medication list')
@ApiTags('medication')
@ApiBearerAuth()
@Controller('patients')
export class MedicationController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/medications')
  @CareWrite('Prescribe a medication (drug, strength, dose schedule, start); answers its id.')
  prescribe(
    @Param() { patientId }: PatientParams,
    @Body() body: PrescribeMedicationDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    const medicationId = newRecordId(write, 'medication');
    return this.commands.send(
      { type: 'PrescribeMedication', data: { patientId, medicationId, ...body } },
      write,
      medicationId,
    );
  }

  @Post(':patientId/medications/:medicationId/adjustments')
  @CareWrite('Adjust the dose: new strength and schedule from a date.')
  adjust(
    @Param() { patientId, medicationId }: MedicationParams,
    @Body() body: AdjustDoseDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'AdjustDose', data: { patientId, medicationId, ...body } }, write);
  }

  @Post(':patientId/medications/:medicationId/adjustments/:adjustmentId/cancellation')
  @CareWrite('Cancel a pending dose adjustment before it takes effect; it then never applies.')
  cancelAdjustment(
    @Param() { patientId, medicationId, adjustmentId }: DoseAdjustmentParams,
    @Body() body: CancelDoseAdjustmentDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send(
      { type: 'CancelDoseAdjustment', data: { patientId, medicationId, adjustmentId, ...body } },
      write,
    );
  }

  @Post(':patientId/medications/:medicationId/discontinuation')
  @CareWrite('Discontinue the medication (reason); no dose counts after its stop time.')
  discontinue(
    @Param() { patientId, medicationId }: MedicationParams,
    @Body() body: DiscontinueMedicationDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'DiscontinueMedication', data: { patientId, medicationId, ...body } }, write);
  }
}
