import { Body, Controller, Delete, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditCategory } from '../../http/audit/audit-category';
import { CareCommands, newRecordId } from '../../commands/write';
import { CareWrite, type WriteOutcome, type WriteResultDto } from '../../http/write/care-write';
import { WriteContext } from '../../http/write/write-context';
import { PatientParams } from '../../http/validation/decorators';
import {
  AssignCareTeamMemberDto,
  ChangeTreatmentTrackDto,
  CloseCarePlanDto,
  EnrolPatientDto,
  GoalParams,
  MarkGoalAchievedDto,
  MemberParams,
  RecordHolisticContextDto,
  RemoveCareTeamMemberQuery,
  ReviewCarePlanDto,
  ReviseTreatmentGoalDto,
  SetTreatmentGoalDto,
  StartCarePlanDto,
} from './care-plan.dto';

/** Enrolment, the care plan, its track, team, goals and holistic context. */
@AuditCategory('care plan')
@ApiTags('care plan')
@ApiBearerAuth()
@Controller('patients')
export class CarePlanController {
  constructor(private readonly commands: CareCommands) {}

  @Post()
  @CareWrite('Enrol a patient; the enrolling clinician founds the care team.')
  // The patient is the one this request creates.
  @AuditCategory('care plan', { patient: (_, result) => (result as WriteResultDto | undefined)?.id })
  enrol(@Body() body: EnrolPatientDto, @WriteContext() write: WriteContext): Promise<WriteOutcome> {
    const patientId = newRecordId(write, 'patient');
    return this.commands.send({ type: 'EnrolPatient', data: { patientId, ...body } }, write, patientId);
  }

  @Post(':patientId/care-plan')
  @CareWrite('Start the care plan of this episode of care.')
  startCarePlan(
    @Param() { patientId }: PatientParams,
    @Body() body: StartCarePlanDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    const carePlanId = newRecordId(write, 'care-plan');
    return this.commands.send({ type: 'StartCarePlan', data: { patientId, carePlanId, ...body } }, write, carePlanId);
  }

  @Post(':patientId/care-plan/track')
  @CareWrite('Switch the treatment track (integrated, medication-only, therapy-only).')
  changeTrack(
    @Param() { patientId }: PatientParams,
    @Body() body: ChangeTreatmentTrackDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'ChangeTreatmentTrack', data: { patientId, ...body } }, write);
  }

  @Post(':patientId/care-plan/reviews')
  @CareWrite('Record a review of the care plan.')
  review(
    @Param() { patientId }: PatientParams,
    @Body() body: ReviewCarePlanDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'ReviewCarePlan', data: { patientId, ...body } }, write);
  }

  @Post(':patientId/care-plan/closure')
  @CareWrite('Close the care plan.')
  close(
    @Param() { patientId }: PatientParams,
    @Body() body: CloseCarePlanDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'CloseCarePlan', data: { patientId, ...body } }, write);
  }

  @Post(':patientId/care-team')
  @CareWrite('Assign a clinician to the care team.')
  assignMember(
    @Param() { patientId }: PatientParams,
    @Body() body: AssignCareTeamMemberDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'AssignCareTeamMember', data: { patientId, ...body } }, write);
  }

  @Delete(':patientId/care-team/:userId')
  // A DELETE carries no body: the reason travels in the query, and nothing is created, so 200 (docs/architecture.md).
  @CareWrite('Remove a clinician from the care team (recorded as an event).', { status: 200 })
  removeMember(
    @Param() { patientId, userId }: MemberParams,
    @Query() query: RemoveCareTeamMemberQuery,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'RemoveCareTeamMember', data: { patientId, userId, ...query } }, write);
  }

  @Post(':patientId/goals')
  @CareWrite('Set a treatment goal.')
  setGoal(
    @Param() { patientId }: PatientParams,
    @Body() body: SetTreatmentGoalDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    const goalId = newRecordId(write, 'goal');
    return this.commands.send({ type: 'SetTreatmentGoal', data: { patientId, goalId, ...body } }, write, goalId);
  }

  @Post(':patientId/goals/:goalId/achievement')
  @CareWrite('Mark a treatment goal achieved.')
  achieveGoal(
    @Param() { patientId, goalId }: GoalParams,
    @Body() body: MarkGoalAchievedDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'MarkGoalAchieved', data: { patientId, goalId, ...body } }, write);
  }

  @Post(':patientId/goals/:goalId/revisions')
  @CareWrite('Revise a treatment goal.')
  reviseGoal(
    @Param() { patientId, goalId }: GoalParams,
    @Body() body: ReviseTreatmentGoalDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    return this.commands.send({ type: 'ReviseTreatmentGoal', data: { patientId, goalId, ...body } }, write);
  }

  @Post(':patientId/holistic-context')
  @CareWrite('Record lifestyle, support system and comorbid conditions.')
  recordContext(
    @Param() { patientId }: PatientParams,
    @Body() body: RecordHolisticContextDto,
    @WriteContext() write: WriteContext,
  ): Promise<WriteOutcome> {
    const comorbidConditions = body.comorbidConditions?.map(({ code, description }) => ({
      code: code ?? null,
      description,
    }));
    return this.commands.send(
      { type: 'RecordHolisticContext', data: { patientId, ...body, comorbidConditions } },
      write,
    );
  }
}
