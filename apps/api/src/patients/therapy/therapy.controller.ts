import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../../audit/audit-category';
import { CurrentPrincipal } from '../../auth/auth.guard';
import { CareCommands, Write, WriteResultDto } from '../../commands/write';
import type { WriteRequest } from '../../commands/execute-care-command';
import { PatientParams } from '../validation';
import { ChangeTherapyFrequencyDto, ChangeTherapyModalityDto, PrescribeTherapyDto } from './therapy.dto';

/** The psychotherapy on the care plan: one per plan, its modality and planned frequency. */
@AuditCategory('therapy')
@ApiTags('therapy')
@ApiBearerAuth()
@ApiCreatedResponse({ type: WriteResultDto, description: 'Recorded. ETag: the stream version.' })
@Controller('patients')
export class TherapyController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/therapy')
  @HttpCode(201)
  @ApiOperation({ summary: 'Prescribe psychotherapy (modality and planned frequency).' })
  prescribe(
    @Param() { patientId }: PatientParams,
    @Body() body: PrescribeTherapyDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send({ type: 'PrescribeTherapy', data: { patientId, ...body } }, principal, write, response);
  }

  @Post(':patientId/therapy/modality')
  @HttpCode(201)
  @ApiOperation({ summary: 'Change the therapy modality (CBT, DBT, other).' })
  changeModality(
    @Param() { patientId }: PatientParams,
    @Body() body: ChangeTherapyModalityDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'ChangeTherapyModality', data: { patientId, ...body } },
      principal,
      write,
      response,
    );
  }

  @Post(':patientId/therapy/frequency')
  @HttpCode(201)
  @ApiOperation({ summary: 'Change the planned session frequency.' })
  changeFrequency(
    @Param() { patientId }: PatientParams,
    @Body() body: ChangeTherapyFrequencyDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'ChangeTherapyFrequency', data: { patientId, ...body } },
      principal,
      write,
      response,
    );
  }
}
