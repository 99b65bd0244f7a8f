import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../../audit/audit-category';
import { CurrentPrincipal } from '../../auth/auth.guard';
import { CareCommands, newRecordId, Write, WriteResultDto } from '../../commands/write';
import type { WriteRequest } from '../../commands/execute-care-command';
import { PatientParams } from '../validation';
import { AdjustDoseDto, DiscontinueMedicationDto, MedicationParams, PrescribeMedicationDto } from './medication.dto';

/** Prescriptions, dose adjustments and discontinuations: the team's prescriber only. */
@AuditCategory('medication list')
@ApiTags('medication')
@ApiBearerAuth()
@ApiCreatedResponse({ type: WriteResultDto, description: 'Recorded. ETag: the stream version.' })
@Controller('patients')
export class MedicationController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/medications')
  @HttpCode(201)
  @ApiOperation({ summary: 'Prescribe a medication (drug, strength, dose schedule, start); answers its id.' })
  prescribe(
    @Param() { patientId }: PatientParams,
    @Body() body: PrescribeMedicationDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    const medicationId = newRecordId(principal, write, 'medication');
    return this.commands.send(
      { type: 'PrescribeMedication', data: { patientId, medicationId, ...body } },
      principal,
      write,
      response,
      medicationId,
    );
  }

  @Post(':patientId/medications/:medicationId/adjustments')
  @HttpCode(201)
  @ApiOperation({ summary: 'Adjust the dose: new strength and schedule from a date.' })
  adjust(
    @Param() { patientId, medicationId }: MedicationParams,
    @Body() body: AdjustDoseDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'AdjustDose', data: { patientId, medicationId, ...body } },
      principal,
      write,
      response,
    );
  }

  @Post(':patientId/medications/:medicationId/discontinuation')
  @HttpCode(201)
  @ApiOperation({ summary: 'Discontinue the medication (reason); no dose counts after its stop time.' })
  discontinue(
    @Param() { patientId, medicationId }: MedicationParams,
    @Body() body: DiscontinueMedicationDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'DiscontinueMedication', data: { patientId, medicationId, ...body } },
      principal,
      write,
      response,
    );
  }
}
