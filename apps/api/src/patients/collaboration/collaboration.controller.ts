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
  AnswerConsultationDto,
  ConsultationParams,
  HoldCaseReviewDto,
  RequestConsultationDto,
  ShareCollaborationNoteDto,
} from './collaboration.dto';

/** Providers working together: consultations, shared notes, case reviews. */
@AuditCategory('collaboration')
@ApiTags('collaboration')
@ApiBearerAuth()
@ApiCreatedResponse({ type: WriteResultDto, description: 'Recorded. ETag: the stream version.' })
@Controller('patients')
export class CollaborationController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/consultations')
  @HttpCode(201)
  @ApiOperation({ summary: 'Ask another role on the team for a consultation; answers its id.' })
  request(
    @Param() { patientId }: PatientParams,
    @Body() body: RequestConsultationDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    const consultationId = newRecordId(principal, write, 'consultation');
    return this.commands.send(
      { type: 'RequestConsultation', data: { patientId, consultationId, ...body } },
      principal,
      write,
      response,
      consultationId,
    );
  }

  @Post(':patientId/consultations/:consultationId/answer')
  @HttpCode(201)
  @ApiOperation({ summary: 'Answer a consultation (the role that was asked).' })
  answer(
    @Param() { patientId, consultationId }: ConsultationParams,
    @Body() body: AnswerConsultationDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'AnswerConsultation', data: { patientId, consultationId, ...body } },
      principal,
      write,
      response,
    );
  }

  @Post(':patientId/collaboration-notes')
  @HttpCode(201)
  @ApiOperation({ summary: 'Share a note with the care team; answers its id.' })
  shareNote(
    @Param() { patientId }: PatientParams,
    @Body() body: ShareCollaborationNoteDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    const noteId = newRecordId(principal, write, 'collaboration-note');
    return this.commands.send(
      { type: 'ShareCollaborationNote', data: { patientId, noteId, ...body } },
      principal,
      write,
      response,
      noteId,
    );
  }

  @Post(':patientId/case-reviews')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a case review held (attendees, decisions); answers its id.' })
  holdCaseReview(
    @Param() { patientId }: PatientParams,
    @Body() body: HoldCaseReviewDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    const caseReviewId = newRecordId(principal, write, 'case-review');
    return this.commands.send(
      { type: 'HoldCaseReview', data: { patientId, caseReviewId, ...body } },
      principal,
      write,
      response,
      caseReviewId,
    );
  }
}
