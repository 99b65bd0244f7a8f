import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditCategory } from '../../http/audit/audit-category';
import { CareCommands, newRecordId } from '../../commands/write';
import { CareWrite, WritesShownIn, type WriteOutcome } from '../../http/write/care-write';
import { WriteContext } from '../../http/write/write-context';
import { PatientParams } from '../../http/validation/decorators';
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
@WritesShownIn('collaboration')
@Controller('patients')
export class CollaborationController {
  constructor(private readonly commands: CareCommands) {}

  @Post(':patientId/consultations')
  @CareWrite('Ask another role on the team for a consultation; answers its id.')
  request(
    @Param() { patientId }: PatientParams,
    @Body() body: RequestConsultationDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    const consultationId = newRecordId(write, 'consultation');
    return this.commands.send(
      { type: 'RequestConsultation', data: { patientId, consultationId, ...body } },
      write,
      consultationId,
    );
  }

  @Post(':patientId/consultations/:consultationId/answer')
  @CareWrite('Answer a consultation (the role that was asked).')
  answer(
    @Param() { patientId, consultationId }: ConsultationParams,
    @Body() body: AnswerConsultationDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'AnswerConsultation', data: { patientId, consultationId, ...body } }, write);
  }

  @Post(':patientId/collaboration-notes')
  @CareWrite('Share a note with the care team; answers its id.')
  shareNote(
    @Param() { patientId }: PatientParams,
    @Body() body: ShareCollaborationNoteDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    const noteId = newRecordId(write, 'collaboration-note');
    return this.commands.send({ type: 'ShareCollaborationNote', data: { patientId, noteId, ...body } }, write, noteId);
  }

  @Post(':patientId/case-reviews')
  @CareWrite('Record a case review held (attendees, decisions); answers its id.')
  holdCaseReview(
    @Param() { patientId }: PatientParams,
    @Body() body: HoldCaseReviewDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    const caseReviewId = newRecordId(write, 'case-review');
    return this.commands.send(
      { type: 'HoldCaseReview', data: { patientId, caseReviewId, ...body } },
      write,
      caseReviewId,
    );
  }
}
