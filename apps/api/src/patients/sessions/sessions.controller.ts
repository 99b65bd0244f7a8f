import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditCategory } from '../../http/audit/audit-category';
import { CareCommands, newRecordId } from '../../commands/write';
import { CareWrite, type WriteOutcome } from '../../http/write/care-write';
import { WriteContext } from '../../http/write/write-context';
import { PatientParams } from '../../http/validation/decorators';
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
@Controller('patients')
export class SessionsController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/sessions')
  @CareWrite('Schedule a session; answers its id.')
  schedule(
    @Param() { patientId }: PatientParams,
    @Body() body: ScheduleSessionDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    const sessionId = newRecordId(write, 'session');
    return this.commands.send({ type: 'ScheduleSession', data: { patientId, sessionId, ...body } }, write, sessionId);
  }

  @Post(':patientId/sessions/:sessionId/attendance')
  @CareWrite('Record that the patient attended.')
  attended(
    @Param() { patientId, sessionId }: SessionParams,
    @Body() body: RecordSessionAttendedDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'RecordSessionAttended', data: { patientId, sessionId, ...body } }, write);
  }

  @Post(':patientId/sessions/:sessionId/no-show')
  @CareWrite('Record a no-show (counts against attendance, unlike a cancellation).')
  missed(
    @Param() { patientId, sessionId }: SessionParams,
    @Body() body: RecordSessionMissedDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'RecordSessionMissed', data: { patientId, sessionId, ...body } }, write);
  }

  @Post(':patientId/sessions/:sessionId/cancellation')
  @CareWrite('Cancel a session (by whom, why).')
  cancel(
    @Param() { patientId, sessionId }: SessionParams,
    @Body() body: CancelSessionDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'CancelSession', data: { patientId, sessionId, ...body } }, write);
  }

  @Post(':patientId/sessions/:sessionId/reschedulings')
  @CareWrite('Move a session to a new time.')
  reschedule(
    @Param() { patientId, sessionId }: SessionParams,
    @Body() body: RescheduleSessionDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'RescheduleSession', data: { patientId, sessionId, ...body } }, write);
  }
}
