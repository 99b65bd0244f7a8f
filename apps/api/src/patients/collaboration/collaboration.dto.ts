import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { ActorRole, CareTeamRole, Urgency } from '@caretrail/domain';
import {
  enumOf,
  IsNestedArray,
  IsOneOf,
  IsOptionalInstant,
  IsRecordId,
  IsNotBlank,
  IsText,
  IsWellFormedText,
} from '../../http/validation/decorators';

export const CARE_TEAM_ROLES = enumOf<CareTeamRole>()(['therapist', 'prescriber', 'primary-care', 'care-manager']);
export const URGENCIES = enumOf<Urgency>()(['routine', 'urgent']);
/** Who can attend a case review: the care team and the patient; admins and analysts take no part in care. */
export const ATTENDEE_ROLES = [...CARE_TEAM_ROLES, 'patient'] as const satisfies readonly ActorRole[];

export const MAX_ATTENDEES = 20;
export const MAX_DECISIONS = 50;

export class RequestConsultationDto {
  @IsOneOf(CARE_TEAM_ROLES, 'The team role asked, e.g. a therapist asks the prescriber.')
  requestedRole!: (typeof CARE_TEAM_ROLES)[number];

  @IsText(4000, 'The question.')
  topic!: string;

  @IsOneOf(URGENCIES)
  urgency!: (typeof URGENCIES)[number];
}

export class AnswerConsultationDto {
  @IsText(4000)
  answer!: string;
}

export class ShareCollaborationNoteDto {
  @IsText(4000)
  body!: string;

  @ApiPropertyOptional({
    enum: CARE_TEAM_ROLES,
    isArray: true,
    minItems: 1,
    maxItems: CARE_TEAM_ROLES.length,
    uniqueItems: true,
    description: 'Roles the note is for; the whole team when absent.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CARE_TEAM_ROLES.length)
  @ArrayUnique()
  @IsIn(CARE_TEAM_ROLES, { each: true })
  audience?: (typeof CARE_TEAM_ROLES)[number][];

  @IsOptionalInstant()
  occurredAt?: string;
}

export class AttendeeDto {
  @IsRecordId('The attendee (user id).')
  userId!: string;

  @IsOneOf(ATTENDEE_ROLES)
  role!: (typeof ATTENDEE_ROLES)[number];
}

export class HoldCaseReviewDto {
  @IsNestedArray(AttendeeDto, 1, MAX_ATTENDEES, 'Who attended, each once.')
  @ArrayUnique((attendee: AttendeeDto | null | undefined) => attendee?.userId)
  attendees!: AttendeeDto[];

  @ApiProperty({ type: [String], maxItems: MAX_DECISIONS, description: 'Decisions taken, each up to 2000 characters.' })
  @IsArray()
  @ArrayMaxSize(MAX_DECISIONS)
  @IsString({ each: true })
  @Length(1, 2000, { each: true })
  @IsNotBlank({ each: true })
  @IsWellFormedText({ each: true })
  decisions!: string[];

  @IsOptionalInstant()
  occurredAt?: string;
}

export class ConsultationParams {
  @IsRecordId('The patient.')
  patientId!: string;
  @IsRecordId('The consultation.')
  consultationId!: string;
}
