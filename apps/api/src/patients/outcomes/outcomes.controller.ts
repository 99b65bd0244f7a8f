import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../../audit/audit-category';
import { CurrentPrincipal } from '../../auth/auth.guard';
import { CareCommands, Write, WriteResultDto } from '../../commands/write';
import type { WriteRequest } from '../../commands/execute-care-command';
import { PatientParams } from '../validation';
import { RecordOutcomeDto } from './outcomes.dto';

/** Measurement-based care: PHQ-9 and GAD-7 scores with their item answers. */
@AuditCategory('outcomes')
@ApiTags('outcomes')
@ApiBearerAuth()
@ApiCreatedResponse({ type: WriteResultDto, description: 'Recorded. ETag: the stream version.' })
@Controller('patients')
export class OutcomesController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/outcomes')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a PHQ-9 or GAD-7: item answers and their total.' })
  record(
    @Param() { patientId }: PatientParams,
    @Body() body: RecordOutcomeDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send({ type: 'RecordOutcome', data: { patientId, ...body } }, principal, write, response);
  }
}
