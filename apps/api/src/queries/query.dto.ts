import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  buildMessage,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { AS_OF_BASES, type AsOfBasis } from '@caretrail/analytics';
import { CLOCK_SKEW_TOLERANCE_MS, ISO_INSTANT } from '@caretrail/domain';

export class ReadQuery {
  @ApiPropertyOptional({
    description:
      'Read-your-writes: the position a write returned; the answer waits (up to 2 s) until the read model reflects it, else 503.',
    minimum: 1,
    example: 1,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

/** Time travel looks back: an instant after now (beyond the write side's clock-skew tolerance) is refused. */
const IsNotInFuture = (): PropertyDecorator =>
  ValidateBy({
    name: 'notInFuture',
    validator: {
      validate: (value: unknown) =>
        typeof value !== 'string' || !(Date.parse(value) > Date.now() + CLOCK_SKEW_TOLERANCE_MS),
      defaultMessage: buildMessage(() => '$property must not be in the future'),
    },
  });

/** A patient view now, or as it stood at an instant (time travel, docs/analytics.md). */
export class PatientReadQuery extends ReadQuery {
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Time travel: the view as it stood at this instant, replayed from the patient’s events (minPosition is then not needed: the log is read directly).',
    example: '2026-01-31T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(ISO_INSTANT, {
    message: '$property must be YYYY-MM-DDThh:mm[:ss[.fff]] with a time zone offset (Z or ±hh:mm up to ±14:00)',
  })
  @MaxLength(40)
  @IsNotInFuture()
  asOf?: string;

  @ApiPropertyOptional({
    enum: AS_OF_BASES,
    default: 'recorded',
    example: 'occurred',
    description:
      'With asOf: `recorded` = events recorded at or before asOf (what the clinic knew then; the default, for audits); `occurred` = events whose occurredAt (else recordedAt) is at or before asOf, late reports included.',
  })
  @IsOptional()
  @IsIn(AS_OF_BASES)
  asOfBasis?: AsOfBasis;
}

/** How many entries of a list one page shows: 1 to 200, 50 by default. */
export const PageLimit = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200, example: 20 }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(200),
  );

/** How many entries of a list to skip. */
export const PageOffset = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ default: 0, minimum: 0, maximum: 100000, example: 0 }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(0),
    Max(100_000),
  );

export const REGISTRY_FLAGS = [
  'not-improving-at-week-8',
  'no-follow-up-within-4-weeks',
  'urgent-side-effect',
  'pdc-below-80',
] as const;

/** The caseload now, or as it stood at `asOf` on the same basis as the patient views (docs/analytics.md). */
export class RegistryQuery extends PatientReadQuery {
  @ApiPropertyOptional({
    enum: REGISTRY_FLAGS,
    description: 'Only patients with this reason for case review.',
    example: 'pdc-below-80',
  })
  @IsOptional()
  @IsIn(REGISTRY_FLAGS)
  flag?: (typeof REGISTRY_FLAGS)[number];

  @PageLimit()
  limit?: number;

  @PageOffset()
  offset?: number;
}
