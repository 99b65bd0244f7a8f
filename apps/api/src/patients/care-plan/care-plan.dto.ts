import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsTimeZone,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import type { CarePlanClosureReason, CareTeamRole, TreatmentTrack } from '@caretrail/domain';
import {
  enumOf,
  IsNested,
  IsOptionalCalendarDate,
  IsOptionalNested,
  IsOptionalInstant,
  IsOptionalText,
  IsRecordId,
  IsText,
} from '../../http/validation/decorators';
import { EXAMPLE_ID } from '../../http/validation/example-ids';

export const TRACKS = enumOf<TreatmentTrack>()(['integrated', 'medication-only', 'therapy-only']);
export const TEAM_ROLES = enumOf<CareTeamRole>()(['therapist', 'prescriber', 'primary-care', 'care-manager']);
export const CLOSURE_REASONS = enumOf<CarePlanClosureReason>()(['completed', 'transferred', 'disengaged', 'other']);

export class PersonNameDto {
  @IsText(100, 'Given name.', 'Grace')
  given!: string;
  @IsText(100, 'Family name.', 'Hopper')
  family!: string;
}

export class ContactDto {
  @ApiPropertyOptional({ maxLength: 254, example: 'grace.hopper@example.org' })
  @IsOptional()
  @IsEmail()
  @Length(3, 254)
  email?: string;

  @ApiPropertyOptional({ maxLength: 32, example: '+44 20 7946 0000' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9 ()-]{5,32}$/, { message: '$property must be a phone number' })
  phone?: string;
}

export class EnrolPatientDto {
  // IsNested checks it is an object: ValidateNested alone lets a missing name through (a 500 in decide).
  @IsNested(PersonNameDto)
  name!: PersonNameDto;

  @IsOptionalNested(ContactDto)
  contact?: ContactDto;

  @ApiPropertyOptional({
    example: 'Europe/London',
    description:
      'IANA time zone the server’s own zone database resolves; adherence days are counted in it. Default UTC.',
  })
  @IsOptional()
  @IsString()
  // The runtime's Intl database, the same the domain and the read models use (docs/clinical-rules.md, "Days and time zones").
  @IsTimeZone({ message: '$property must be an IANA time zone such as Europe/London' })
  @Length(1, 64)
  timeZone?: string;

  @IsOptionalInstant(undefined, '2026-01-05T09:00:00Z')
  occurredAt?: string;
}

export class StartCarePlanDto {
  @ApiProperty({ enum: TRACKS, example: 'integrated' })
  @IsIn(TRACKS)
  track!: (typeof TRACKS)[number];

  @IsOptionalInstant(undefined, '2026-01-05T09:10:00Z')
  occurredAt?: string;
}

export class ChangeTreatmentTrackDto {
  @ApiProperty({ enum: TRACKS, example: 'medication-only' })
  @IsIn(TRACKS)
  track!: (typeof TRACKS)[number];

  @IsText(1000, 'Why the track changes.', 'Therapy goals met; medication continues with the prescriber.')
  reason!: string;

  @IsOptionalInstant(undefined, '2026-01-23T10:00:00Z')
  occurredAt?: string;
}

export class ReviewCarePlanDto {
  @IsOptionalText(4000, undefined, 'Sleeping better; PHQ-9 down from 14 to 10. Continue the plan.')
  summary?: string;

  @IsOptionalCalendarDate('When the next review is due.', '2026-02-02')
  nextReviewDue?: string;

  @IsOptionalInstant(undefined, '2026-01-12T10:00:00Z')
  occurredAt?: string;
}

export class CloseCarePlanDto {
  @ApiProperty({ enum: CLOSURE_REASONS, example: 'completed' })
  @IsIn(CLOSURE_REASONS)
  reason!: (typeof CLOSURE_REASONS)[number];

  @IsOptionalText(4000, undefined, 'Remission sustained; discharged to primary care.')
  note?: string;

  @IsOptionalInstant(undefined, '2026-01-30T12:00:00Z')
  occurredAt?: string;
}

export class AssignCareTeamMemberDto {
  @IsRecordId('The clinician (user id).', 'dr-priya')
  userId!: string;

  @ApiProperty({ enum: TEAM_ROLES, example: 'prescriber' })
  @IsIn(TEAM_ROLES)
  role!: (typeof TEAM_ROLES)[number];

  @ApiProperty({ description: 'Whether the patient chose this clinician.', example: true })
  @IsBoolean()
  chosenByPatient!: boolean;

  @IsOptionalInstant(undefined, '2026-01-05T09:05:00Z')
  occurredAt?: string;
}

/** The query of DELETE /patients/{patientId}/care-team/{userId}: a DELETE has no body. */
export class RemoveCareTeamMemberQuery {
  @IsOptionalText(1000, undefined, 'Moved to another clinic.')
  reason?: string;

  @IsOptionalInstant(undefined, '2026-01-28T09:00:00Z')
  occurredAt?: string;
}

export class SetTreatmentGoalDto {
  @IsText(2000, undefined, 'Sleep seven hours a night')
  description!: string;

  @IsOptionalCalendarDate(undefined, '2026-03-31')
  targetDate?: string;

  @IsOptionalInstant(undefined, '2026-01-05T09:20:00Z')
  occurredAt?: string;
}

export class MarkGoalAchievedDto {
  @IsOptionalInstant(undefined, '2026-01-26T10:00:00Z')
  occurredAt?: string;
}

export class ReviseTreatmentGoalDto {
  @IsText(2000, undefined, 'Sleep seven hours on five nights a week')
  description!: string;

  @IsOptionalCalendarDate(undefined, '2026-04-30')
  targetDate?: string;

  @IsOptionalText(1000, undefined, 'Night shifts twice a week make every night unrealistic.')
  reason?: string;

  @IsOptionalInstant(undefined, '2026-01-19T10:00:00Z')
  occurredAt?: string;
}

export class ComorbidConditionDto {
  @ApiPropertyOptional({ description: 'ICD-10 or SNOMED code.', maxLength: 32, example: 'F41.1' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9.:-]{1,32}$/, { message: '$property must be a code such as F41.1' })
  code?: string;

  @IsText(500, undefined, 'Generalised anxiety disorder')
  description!: string;
}

export class RecordHolisticContextDto {
  @IsOptionalText(4000, undefined, 'Works night shifts twice a week; walks daily.')
  lifestyle?: string;

  @IsOptionalText(4000, undefined, 'Lives with her partner; her sister lives nearby.')
  supportSystem?: string;

  @ApiPropertyOptional({ type: [ComorbidConditionDto], maxItems: 50 })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ComorbidConditionDto)
  comorbidConditions?: ComorbidConditionDto[];

  @IsOptionalInstant(undefined, '2026-01-05T09:30:00Z')
  occurredAt?: string;
}

export class GoalParams {
  @IsRecordId('The patient.', EXAMPLE_ID.patient)
  patientId!: string;
  @IsRecordId('The goal.', EXAMPLE_ID.goal)
  goalId!: string;
}

export class MemberParams {
  @IsRecordId('The patient.', EXAMPLE_ID.patient)
  patientId!: string;
  @IsRecordId('The care-team member (user id).', EXAMPLE_ID.careManager)
  userId!: string;
}
