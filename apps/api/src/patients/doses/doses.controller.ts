import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../../audit/audit-category';
import { CurrentPrincipal } from '../../auth/auth.guard';
import { CareCommands, Write, WriteResultDto } from '../../commands/write';
import type { WriteRequest } from '../../commands/execute-care-command';
import { PatientParams } from '../validation';
import { RecordDoseMissedDto, RecordDoseTakenDto } from './doses.dto';

/**
 * Doses taken or missed, mostly from the patient's app: possibly days late and retried
 * offline, so clients should send an Idempotency-Key.
 */
@AuditCategory('doses')
@ApiTags('doses')
@ApiBearerAuth()
@ApiCreatedResponse({ type: WriteResultDto, description: 'Recorded. ETag: the stream version.' })
@Controller('patients')
export class DosesController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/doses/taken')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a dose taken (late when reported after a miss or well after its slot).' })
  taken(
    @Param() { patientId }: PatientParams,
    @Body() body: RecordDoseTakenDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send({ type: 'RecordDoseTaken', data: { patientId, ...body } }, principal, write, response);
  }

  @Post(':patientId/doses/missed')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a missed dose (reason).' })
  missed(
    @Param() { patientId }: PatientParams,
    @Body() body: RecordDoseMissedDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send({ type: 'RecordDoseMissed', data: { patientId, ...body } }, principal, write, response);
  }
}
