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

  @IsOptionalInstant()
  occurredAt?: string;
}

export class ChangeTreatmentTrackDto {
  @ApiProperty({ enum: TRACKS })
  @IsIn(TRACKS)
  track!: (typeof TRACKS)[number];

  @IsText(1000, 'Why the track changes.')
  reason!: string;

  @IsOptionalInstant()
  occurredAt?: string;
}

export class ReviewCarePlanDto {
  @IsOptionalText(4000)
  summary?: string;

  @IsOptionalCalendarDate('When the next review is due.')
  nextReviewDue?: string;

  @IsOptionalInstant()
  occurredAt?: string;
}

export class CloseCarePlanDto {
  @ApiProperty({ enum: CLOSURE_REASONS })
  @IsIn(CLOSURE_REASONS)
  reason!: (typeof CLOSURE_REASONS)[number];

  @IsOptionalText(4000)
  note?: string;

  @IsOptionalInstant()
  occurredAt?: string;
}

export class AssignCareTeamMemberDto {
  @IsRecordId('The clinician (user id).', 'dr-priya')
  userId!: string;

  @ApiProperty({ enum: TEAM_ROLES, example: 'prescriber' })
  @IsIn(TEAM_ROLES)
  role!: (typeof TEAM_ROLES)[number];

  @ApiProperty({ description: 'Whether the patient chose this clinician.' })
  @IsBoolean()
  chosenByPatient!: boolean;

  @IsOptionalInstant()
  occurredAt?: string;
}

/** The query of DELETE /patients/{patientId}/care-team/{userId}: a DELETE has no body. */
export class RemoveCareTeamMemberQuery {
  @IsOptionalText(1000)
  reason?: string;

  @IsOptionalInstant()
  occurredAt?: string;
}

export class SetTreatmentGoalDto {
  @IsText(2000)
  description!: string;

  @IsOptionalCalendarDate()
  targetDate?: string;

  @IsOptionalInstant()
  occurredAt?: string;
}

export class MarkGoalAchievedDto {
  @IsOptionalInstant()
  occurredAt?: string;
}

export class ReviseTreatmentGoalDto {
  @IsText(2000)
  description!: string;

  @IsOptionalCalendarDate()
  targetDate?: string;

  @IsOptionalText(1000)
  reason?: string;

  @IsOptionalInstant()
  occurredAt?: string;
}

export class ComorbidConditionDto {
  @ApiPropertyOptional({ description: 'ICD-10 or SNOMED code.', maxLength: 32 })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9.:-]{1,32}$/, { message: '$property must be a code such as F41.1' })
  code?: string;

  @IsText(500)
  description!: string;
}

export class RecordHolisticContextDto {
  @IsOptionalText(4000)
  lifestyle?: string;

  @IsOptionalText(4000)
  supportSystem?: string;

  @ApiPropertyOptional({ type: [ComorbidConditionDto], maxItems: 50 })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ComorbidConditionDto)
  comorbidConditions?: ComorbidConditionDto[];

  @IsOptionalInstant()
  occurredAt?: string;
}

export class GoalParams {
  @IsRecordId('The patient.')
  patientId!: string;
  @IsRecordId('The goal.')
  goalId!: string;
}

export class MemberParams {
  @IsRecordId('The patient.')
  patientId!: string;
  @IsRecordId('The care-team member (user id).')
  userId!: string;
}
