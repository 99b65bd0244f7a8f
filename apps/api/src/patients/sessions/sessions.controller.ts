import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../../audit/audit-category';
import { CurrentPrincipal } from '../../auth/auth.guard';
import { CareCommands, newRecordId, Write, WriteResultDto } from '../../commands/write';
import type { WriteRequest } from '../../commands/execute-care-command';
import { PatientParams } from '../validation';
import {
  CancelSessionDto,
  RecordSessionAttendedDto,
  RecordSessionMissedDto,
  RescheduleSessionDto,
  ScheduleSessionDto,
  SessionParams,
} from './sessions.dto';

/** Psychotherapy and medication-management sessions: scheduled, then attended, missed or cancelled. */
@AuditCategory('sessions')
@ApiTags('sessions')
@ApiBearerAuth()
@ApiCreatedResponse({ type: WriteResultDto, description: 'Recorded. ETag: the stream version.' })
@Controller('patients')
export class SessionsController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/sessions')
  @HttpCode(201)
  @ApiOperation({ summary: 'Schedule a session; answers its id.' })
  schedule(
    @Param() { patientId }: PatientParams,
    @Body() body: ScheduleSessionDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    const sessionId = newRecordId(principal, write, 'session');
    return this.commands.send(
      { type: 'ScheduleSession', data: { patientId, sessionId, ...body } },
      principal,
      write,
      response,
      sessionId,
    );
  }

  @Post(':patientId/sessions/:sessionId/attendance')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record that the patient attended.' })
  attended(
    @Param() { patientId, sessionId }: SessionParams,
    @Body() body: RecordSessionAttendedDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'RecordSessionAttended', data: { patientId, sessionId, ...body } },
      principal,
      write,
      response,
    );
  }

  @Post(':patientId/sessions/:sessionId/no-show')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a no-show (counts against attendance, unlike a cancellation).' })
  missed(
    @Param() { patientId, sessionId }: SessionParams,
    @Body() body: RecordSessionMissedDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'RecordSessionMissed', data: { patientId, sessionId, ...body } },
      principal,
      write,
      response,
    );
  }

  @Post(':patientId/sessions/:sessionId/cancellation')
  @HttpCode(201)
  @ApiOperation({ summary: 'Cancel a session (by whom, why).' })
  cancel(
    @Param() { patientId, sessionId }: SessionParams,
    @Body() body: CancelSessionDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'CancelSession', data: { patientId, sessionId, ...body } },
      principal,
      write,
      response,
    );
  }

  @Post(':patientId/sessions/:sessionId/reschedulings')
  @HttpCode(201)
  @ApiOperation({ summary: 'Move a session to a new time.' })
  reschedule(
    @Param() { patientId, sessionId }: SessionParams,
    @Body() body: RescheduleSessionDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'RescheduleSession', data: { patientId, sessionId, ...body } },
      principal,
      write,
      response,
    );
  }
}
