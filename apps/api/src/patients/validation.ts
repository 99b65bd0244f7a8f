import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

/** Ids in paths and bodies: UUIDs or similar opaque tokens, never free text. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const IsRecordId = (description = 'an id'): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ description, pattern: ID_PATTERN.source, maxLength: 64 }),
    IsString(),
    Matches(ID_PATTERN, { message: '$property must be 1 to 64 letters, digits, "-" or "_"' }),
  );

/** Free text a clinician or patient writes: bounded, never empty. */
export const IsText = (max: number, description?: string): PropertyDecorator =>
  applyDecorators(ApiProperty({ maxLength: max, description }), IsString(), Length(1, max));

export const IsOptionalText = (max: number, description?: string): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional({ maxLength: max, description }), IsOptional(), IsString(), Length(1, max));

/** An instant with its offset, e.g. 2026-03-01T08:00:00Z. */
export const IsInstant = (description?: string): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ format: 'date-time', description }),
    IsISO8601({ strict: true, strictSeparator: true }),
    Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: '$property must include a time zone offset (Z or ±hh:mm)' }),
    MaxLength(40),
  );

export const IsOptionalInstant = (description = 'When it happened, if not now.'): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ format: 'date-time', description }),
    IsOptional(),
    IsISO8601({ strict: true, strictSeparator: true }),
    Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: '$property must include a time zone offset (Z or ±hh:mm)' }),
    MaxLength(40),
  );

/** A calendar date, e.g. 2026-03-01. */
export const IsCalendarDate = (description?: string): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ format: 'date', description }),
    IsISO8601({ strict: true }),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a calendar date YYYY-MM-DD' }),
  );

export const IsOptionalCalendarDate = (description?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ format: 'date', description }),
    IsOptional(),
    IsISO8601({ strict: true }),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a calendar date YYYY-MM-DD' }),
  );

export class PatientParams {
  @IsRecordId('The patient.')
  patientId!: string;
}
