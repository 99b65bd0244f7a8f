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
import { EXAMPLE_ID } from '../../http/validation/example-ids';

export const CARE_TEAM_ROLES = enumOf<CareTeamRole>()(['therapist', 'prescriber', 'primary-care', 'care-manager']);
export const URGENCIES = enumOf<Urgency>()(['routine', 'urgent']);
/** Who can attend a case review: the care team and the patient; admins and analysts take no part in care. */
export const ATTENDEE_ROLES = [...CARE_TEAM_ROLES, 'patient'] as const satisfies readonly ActorRole[];

export const MAX_ATTENDEES = 20;
export const MAX_DECISIONS = 50;

export class RequestConsultationDto {
  @IsOneOf(CARE_TEAM_ROLES, 'The team role asked, e.g. a therapist asks the prescriber.', 'prescriber')
  requestedRole!: (typeof CARE_TEAM_ROLES)[number];

  @IsText(4000, 'The question.', 'Sleep is still poor at 50 mg: could the dose be taken in the morning only?')
  topic!: string;

  @IsOneOf(URGENCIES, undefined, 'routine')
  urgency!: (typeof URGENCIES)[number];
}

export class AnswerConsultationDto {
  @IsText(4000, undefined, 'Yes: it is already a morning dose; I will review it at the next visit.')
  answer!: string;
}

export class ShareCollaborationNoteDto {
  @IsText(4000, undefined, 'Attended and engaged; practising the sleep diary daily.')
  body!: string;

  @ApiPropertyOptional({
    enum: CARE_TEAM_ROLES,
    isArray: true,
    minItems: 1,
    maxItems: CARE_TEAM_ROLES.length,
    uniqueItems: true,
    description: 'Roles the note is for; the whole team when absent.',
    example: ['prescriber'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CARE_TEAM_ROLES.length)
  @ArrayUnique()
  @IsIn(CARE_TEAM_ROLES, { each: true })
  audience?: (typeof CARE_TEAM_ROLES)[number][];

  @IsOptionalInstant(undefined, '2026-01-12T11:00:00Z')
  occurredAt?: string;
}

export class AttendeeDto {
  @IsRecordId('The attendee (user id).', 'dr-theo')
  userId!: string;

  @IsOneOf(ATTENDEE_ROLES, undefined, 'therapist')
  role!: (typeof ATTENDEE_ROLES)[number];
}

export class HoldCaseReviewDto {
  @IsNestedArray(AttendeeDto, 1, MAX_ATTENDEES, 'Who attended, each once.')
  @ArrayUnique((attendee: AttendeeDto | null | undefined) => attendee?.userId)
  attendees!: AttendeeDto[];

  @ApiProperty({
    type: [String],
    maxItems: MAX_DECISIONS,
    description: 'Decisions taken, each up to 2000 characters.',
    example: ['Continue sertraline 100 mg', 'Review sleep at the next session'],
  })
  @IsArray()
  @ArrayMaxSize(MAX_DECISIONS)
  @IsString({ each: true })
  @Length(1, 2000, { each: true })
  @IsNotBlank({ each: true })
  @IsWellFormedText({ each: true })
  decisions!: string[];

  @IsOptionalInstant(undefined, '2026-01-21T14:00:00Z')
  occurredAt?: string;
}

export class ConsultationParams {
  @IsRecordId('The patient.', EXAMPLE_ID.patient)
  patientId!: string;
  @IsRecordId('The consultation.', EXAMPLE_ID.consultation)
  consultationId!: string;
}
