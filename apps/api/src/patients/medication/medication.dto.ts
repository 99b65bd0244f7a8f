import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  ValidateBy,
  type ValidationArguments,
} from 'class-validator';
import type { DayOfWeek, DiscontinuationReason, PendingAdjustmentsDecision } from '@caretrail/domain';
import {
  enumOf,
  IsInstant,
  IsIntInRange,
  IsNested,
  IsOneOf,
  IsOptionalInstant,
  IsOptionalOneOf,
  IsOptionalText,
  IsRecordId,
  IsText,
  MaxDecimalPlaces,
} from '../../http/validation/decorators';
import { EXAMPLE_ID } from '../../http/validation/example-ids';

export const PENDING_ADJUSTMENTS_DECISIONS = enumOf<PendingAdjustmentsDecision>()(['keep', 'cancel']);
export const DAYS_OF_WEEK = enumOf<DayOfWeek>()(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export const DISCONTINUATION_REASONS = enumOf<DiscontinuationReason>()([
  'side-effects',
  'ineffective',
  'course-completed',
  'patient-choice',
  'track-change',
  'other',
]);

/** Far above any real single-dose strength in any unit, low enough to catch a slipped decimal point by orders of magnitude. */
export const MAX_STRENGTH = 100_000;
const WALL_CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

export class DrugDto {
  @IsText(200, 'Drug name, e.g. Sertraline.', 'Sertraline')
  name!: string;

  @ApiPropertyOptional({ description: 'RxNorm concept id (RxCUI).', example: '36437', maxLength: 12 })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,12}$/, { message: '$property must be an RxNorm concept id (digits)' })
  rxNormCode?: string;
}

export class StrengthDto {
  @ApiProperty({
    description: 'Amount per dose.',
    exclusiveMinimum: true,
    minimum: 0,
    maximum: MAX_STRENGTH,
    example: 50,
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(4)
  @IsPositive()
  @Max(MAX_STRENGTH)
  value!: number;

  @ApiProperty({ description: 'Unit of the amount, e.g. mg, mcg, mL, IU.', example: 'mg', maxLength: 16 })
  @IsString()
  @Matches(/^[A-Za-zµ%][A-Za-z0-9µ%/.]{0,15}$/, { message: '$property must be a unit such as mg, mcg, mL or IU' })
  unit!: string;
}

/** `times` lists one wall-clock time per daily dose, so it is as long as `timesPerDay`. */
const MatchesTimesPerDay = (): PropertyDecorator =>
  ValidateBy({
    name: 'matchesTimesPerDay',
    validator: {
      validate: (times: unknown, args?: ValidationArguments) =>
        !Array.isArray(times) || times.length === (args ? Reflect.get(args.object, 'timesPerDay') : undefined),
      defaultMessage: () => 'times must list one HH:mm per daily dose (as many as timesPerDay)',
    },
  });

export class DoseScheduleDto {
  @IsIntInRange(1, 24, 'Doses per day on a scheduled day.', 1)
  timesPerDay!: number;

  @ApiProperty({
    enum: DAYS_OF_WEEK,
    isArray: true,
    minItems: 1,
    maxItems: 7,
    uniqueItems: true,
    description: 'Days with doses.',
    example: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsIn(DAYS_OF_WEEK, { each: true })
  daysOfWeek!: (typeof DAYS_OF_WEEK)[number][];

  @ApiPropertyOptional({
    type: [String],
    maxItems: 24,
    example: ['08:00'],
    description: "Local wall-clock times (HH:mm, the patient's zone), one per daily dose.",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(24)
  @Matches(WALL_CLOCK, { each: true, message: 'each value in $property must be a time HH:mm' })
  @MatchesTimesPerDay()
  times?: string[];
}

export class PrescribeMedicationDto {
  @IsNested(DrugDto)
  drug!: DrugDto;

  @IsNested(StrengthDto)
  strength!: StrengthDto;

  @IsNested(DoseScheduleDto)
  schedule!: DoseScheduleDto;

  @IsInstant('First instant doses count.', '2026-01-05T00:00:00Z')
  startsAt!: string;

  @IsOptionalText(2000, 'Instructions for the patient.', 'Take with breakfast.')
  instructions?: string;

  @IsOptionalInstant(undefined, '2026-01-05T09:45:00Z')
  occurredAt?: string;
}

export class AdjustDoseDto {
  @IsNested(StrengthDto)
  strength!: StrengthDto;

  @IsNested(DoseScheduleDto)
  schedule!: DoseScheduleDto;

  @IsInstant('From when the new dose applies; not before the medication started.', '2026-01-19T00:00:00Z')
  effectiveFrom!: string;

  @IsOptionalText(1000, undefined, 'Partial response after two weeks.')
  reason?: string;

  @IsOptionalOneOf(
    PENDING_ADJUSTMENTS_DECISIONS,
    'Required when an adjustment effective later than this one is still pending: `keep` it, or `cancel` it (docs/clinical-rules.md, "Regimen on a day").',
    'keep',
  )
  pendingAdjustments?: PendingAdjustmentsDecision;

  @IsOptionalInstant(undefined, '2026-01-19T09:00:00Z')
  occurredAt?: string;
}

export class CancelDoseAdjustmentDto {
  @IsOptionalText(1000, 'Why the pending adjustment is withdrawn.', 'The patient prefers to stay on the current dose.')
  reason?: string;

  @IsOptionalInstant(undefined, '2026-01-20T09:00:00Z')
  occurredAt?: string;
}

export class DiscontinueMedicationDto {
  @IsOptionalInstant(
    'When the medication stops; no dose counts at or after it. Defaults to now.',
    '2026-01-26T00:00:00Z',
  )
  stoppedAt?: string;

  @IsOneOf(DISCONTINUATION_REASONS, undefined, 'course-completed')
  reason!: (typeof DISCONTINUATION_REASONS)[number];

  @IsOptionalText(1000, undefined, 'Remission; tapered over the last week.')
  reasonDetail?: string;

  @IsOptionalInstant(undefined, '2026-01-26T09:00:00Z')
  occurredAt?: string;
}

export class MedicationParams {
  @IsRecordId('The patient.', EXAMPLE_ID.patient)
  patientId!: string;
  @IsRecordId('The medication.', EXAMPLE_ID.medication)
  medicationId!: string;
}

export class DoseAdjustmentParams extends MedicationParams {
  @IsRecordId(
    'The pending adjustment: its event id (the plan view’s nextAdjustment.adjustmentId).',
    EXAMPLE_ID.adjustment,
  )
  adjustmentId!: string;
}
