import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../../audit/audit-category';
import { CurrentPrincipal } from '../../auth/auth.guard';
import { CareCommands, newRecordId, Write, WriteResultDto } from '../../commands/write';
import type { WriteRequest } from '../../commands/execute-care-command';
import { PatientParams } from '../validation';
import { ReportSideEffectDto, ResolveSideEffectDto, ReviewSideEffectDto, SideEffectParams } from './safety.dto';

/** Side effects: reported by the patient or a clinician, reviewed by the prescriber, resolved. */
@AuditCategory('side effects')
@ApiTags('safety')
@ApiBearerAuth()
@ApiCreatedResponse({ type: WriteResultDto, description: 'Recorded. ETag: the stream version.' })
@Controller('patients')
export class SafetyController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/side-effects')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Report a side effect (severity, FIBSER); answers its id. Severe or burden >= 5 is urgent.',
  })
  report(
    @Param() { patientId }: PatientParams,
    @Body() body: ReportSideEffectDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    const sideEffectId = newRecordId(principal, write, 'side-effect');
    return this.commands.send(
      { type: 'ReportSideEffect', data: { patientId, sideEffectId, ...body } },
      principal,
      write,
      response,
      sideEffectId,
    );
  }

  @Post(':patientId/side-effects/:sideEffectId/reviews')
  @HttpCode(201)
  @ApiOperation({ summary: "Record the prescriber's review of a side effect (action taken)." })
  review(
    @Param() { patientId, sideEffectId }: SideEffectParams,
    @Body() body: ReviewSideEffectDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'ReviewSideEffect', data: { patientId, sideEffectId, ...body } },
      principal,
      write,
      response,
    );
  }

  @Post(':patientId/side-effects/:sideEffectId/resolution')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record that a side effect resolved.' })
  resolve(
    @Param() { patientId, sideEffectId }: SideEffectParams,
    @Body() body: ResolveSideEffectDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'ResolveSideEffect', data: { patientId, sideEffectId, ...body } },
      principal,
      write,
      response,
    );
  }
}
