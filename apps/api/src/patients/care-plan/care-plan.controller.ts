import { Body, Controller, Delete, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../../audit/audit-category';
import { CurrentPrincipal } from '../../auth/auth.guard';
import { CareCommands, newRecordId, Write, WriteResultDto } from '../../commands/write';
import type { WriteRequest } from '../../commands/execute-care-command';
import { PatientParams } from '../validation';
import {
  AssignCareTeamMemberDto,
  ChangeTreatmentTrackDto,
  CloseCarePlanDto,
  EnrolPatientDto,
  GoalParams,
  MarkGoalAchievedDto,
  MemberParams,
  RecordHolisticContextDto,
  RemoveCareTeamMemberDto,
  ReviewCarePlanDto,
  ReviseTreatmentGoalDto,
  SetTreatmentGoalDto,
  StartCarePlanDto,
} from './care-plan.dto';

/** Enrolment, the care plan, its track, team, goals and holistic context. */
@AuditCategory('care plan')
@ApiTags('care plan')
@ApiBearerAuth()
@ApiCreatedResponse({ type: WriteResultDto, description: 'Recorded. ETag: the stream version.' })
@Controller('patients')
export class CarePlanController {
  constructor(private readonly commands: CareCommands) {}

  @Post()
  @HttpCode(201)
  // The patient is the one this request creates.
  @AuditCategory('care plan', { patient: (_, result) => (result as WriteResultDto | undefined)?.id })
  @ApiOperation({ summary: 'Enrol a patient; the enrolling clinician founds the care team.' })
  enrol(
    @Body() body: EnrolPatientDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    const patientId = newRecordId(principal, write, 'patient');
    return this.commands.send(
      { type: 'EnrolPatient', data: { patientId, ...body } },
      principal,
      write,
      response,
      patientId,
    );
  }

  @Post(':patientId/care-plan')
  @HttpCode(201)
  @ApiOperation({ summary: 'Start the care plan of this episode of care.' })
  startCarePlan(
    @Param() { patientId }: PatientParams,
    @Body() body: StartCarePlanDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    const carePlanId = newRecordId(principal, write, 'care-plan');
    return this.commands.send(
      { type: 'StartCarePlan', data: { patientId, carePlanId, ...body } },
      principal,
      write,
      response,
      carePlanId,
    );
  }

  @Post(':patientId/care-plan/track')
  @HttpCode(201)
  @ApiOperation({ summary: 'Switch the treatment track (integrated, medication-only, therapy-only).' })
  changeTrack(
    @Param() { patientId }: PatientParams,
    @Body() body: ChangeTreatmentTrackDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'ChangeTreatmentTrack', data: { patientId, ...body } },
      principal,
      write,
      response,
    );
  }

  @Post(':patientId/care-plan/reviews')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a review of the care plan.' })
  review(
    @Param() { patientId }: PatientParams,
    @Body() body: ReviewCarePlanDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send({ type: 'ReviewCarePlan', data: { patientId, ...body } }, principal, write, response);
  }

  @Post(':patientId/care-plan/closure')
  @HttpCode(201)
  @ApiOperation({ summary: 'Close the care plan.' })
  close(
    @Param() { patientId }: PatientParams,
    @Body() body: CloseCarePlanDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send({ type: 'CloseCarePlan', data: { patientId, ...body } }, principal, write, response);
  }

  @Post(':patientId/care-team')
  @HttpCode(201)
  @ApiOperation({ summary: 'Assign a clinician to the care team.' })
  assignMember(
    @Param() { patientId }: PatientParams,
    @Body() body: AssignCareTeamMemberDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'AssignCareTeamMember', data: { patientId, ...body } },
      principal,
      write,
      response,
    );
  }

  @Delete(':patientId/care-team/:userId')
  @HttpCode(201)
  @ApiOperation({ summary: 'Remove a clinician from the care team (recorded as an event).' })
  removeMember(
    @Param() { patientId, userId }: MemberParams,
    @Body() body: RemoveCareTeamMemberDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'RemoveCareTeamMember', data: { patientId, userId, ...body } },
      principal,
      write,
      response,
    );
  }

  @Post(':patientId/goals')
  @HttpCode(201)
  @ApiOperation({ summary: 'Set a treatment goal.' })
  setGoal(
    @Param() { patientId }: PatientParams,
    @Body() body: SetTreatmentGoalDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    const goalId = newRecordId(principal, write, 'goal');
    return this.commands.send(
      { type: 'SetTreatmentGoal', data: { patientId, goalId, ...body } },
      principal,
      write,
      response,
      goalId,
    );
  }

  @Post(':patientId/goals/:goalId/achievement')
  @HttpCode(201)
  @ApiOperation({ summary: 'Mark a treatment goal achieved.' })
  achieveGoal(
    @Param() { patientId, goalId }: GoalParams,
    @Body() body: MarkGoalAchievedDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'MarkGoalAchieved', data: { patientId, goalId, ...body } },
      principal,
      write,
      response,
    );
  }

  @Post(':patientId/goals/:goalId/revisions')
  @HttpCode(201)
  @ApiOperation({ summary: 'Revise a treatment goal.' })
  reviseGoal(
    @Param() { patientId, goalId }: GoalParams,
    @Body() body: ReviseTreatmentGoalDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    return this.commands.send(
      { type: 'ReviseTreatmentGoal', data: { patientId, goalId, ...body } },
      principal,
      write,
      response,
    );
  }

  @Post(':patientId/holistic-context')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record lifestyle, support system and comorbid conditions.' })
  recordContext(
    @Param() { patientId }: PatientParams,
    @Body() body: RecordHolisticContextDto,
    @CurrentPrincipal() principal: Actor,
    @Write() write: WriteRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResultDto> {
    const comorbidConditions = body.comorbidConditions?.map(({ code, description }) => ({
      code: code ?? null,
      description,
    }));
    return this.commands.send(
      { type: 'RecordHolisticContext', data: { patientId, ...body, comorbidConditions } },
      principal,
      write,
      response,
    );
  }
}
