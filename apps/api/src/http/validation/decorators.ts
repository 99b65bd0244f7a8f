import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  buildMessage,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { ISO_INSTANT } from '@caretrail/domain';
import { EXAMPLE_ID } from './example-ids';

/** Ids in paths and bodies: UUIDs or similar opaque tokens, never free text. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const IsRecordId = (description = 'an id', example?: string): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ description, pattern: ID_PATTERN.source, maxLength: 64, example }),
    IsString(),
    Matches(ID_PATTERN, { message: '$property must be 1 to 64 letters, digits, "-" or "_"' }),
  );

export const IsOptionalRecordId = (description = 'an id', example?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description, pattern: ID_PATTERN.source, maxLength: 64, example }),
    IsOptional(),
    IsString(),
    Matches(ID_PATTERN, { message: '$property must be 1 to 64 letters, digits, "-" or "_"' }),
  );

/** C0 controls and DEL (except tab, line feed, carriage return), and unpaired UTF-16 surrogates. */
const NOT_TEXT =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string, or any string or key inside a JSON value, holds something that is not text. */
export function containsNonText(value: unknown): boolean {
  if (typeof value === 'string') return NOT_TEXT.test(value);
  if (Array.isArray(value)) return value.some(containsNonText);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => NOT_TEXT.test(key) || containsNonText(item));
  }
  return false;
}

/**
 * PostgreSQL's jsonb holds neither U+0000 nor an unpaired surrogate: the append would fail
 * with a 500. Other control characters have no place in clinical text either.
 */
export const IsWellFormedText = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'wellFormedText',
      validator: {
        validate: (value: unknown) => !containsNonText(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be well-formed Unicode text without control characters`,
          options,
        ),
      },
    },
    options,
  );

/** Whitespace alone is no text; the domain would refuse it with a 422 after the request was accepted. */
export const IsNotBlank = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'notBlank',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || value.trim() !== '',
        defaultMessage: buildMessage((each) => `${each}$property must not be blank`, options),
      },
    },
    options,
  );

/** Free text a clinician or patient writes: bounded, never blank, well-formed. */
export const IsText = (max: number, description?: string, example?: string): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ maxLength: max, description, example }),
    IsString(),
    Length(1, max),
    IsNotBlank(),
    IsWellFormedText(),
  );

export const IsOptionalText = (max: number, description?: string, example?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ maxLength: max, description, example }),
    IsOptional(),
    IsString(),
    Length(1, max),
    IsNotBlank(),
    IsWellFormedText(),
  );

/**
 * The extended ISO-8601 form the domain accepts (libs/domain shared/time.ts), offset required.
 * isISO8601 alone also lets through week dates, ordinal dates, the basic form and hour-only
 * times, which the domain would refuse with a 422 after the request was accepted.
 */
const instantRules = (): PropertyDecorator[] => [
  IsISO8601({ strict: true, strictSeparator: true }),
  Matches(ISO_INSTANT, {
    message: '$property must be YYYY-MM-DDThh:mm[:ss[.fff]] with a time zone offset (Z or ±hh:mm up to ±14:00)',
  }),
  MaxLength(40),
];

/** An instant with its offset, e.g. 2026-03-01T08:00:00Z. */
export const IsInstant = (description?: string, example?: string): PropertyDecorator =>
  applyDecorators(ApiProperty({ format: 'date-time', description, example }), ...instantRules());

/**
 * Absent means "now" (or the domain's default); null is refused here because the domain
 * types have no null instant and would answer it with a 422 INVALID_TIMESTAMP.
 */
export const IsOptionalInstant = (description = 'When it happened, if not now.', example?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ format: 'date-time', description, example }),
    ValidateIf((_, value) => value !== undefined),
    ...instantRules(),
  );

/** A calendar date, e.g. 2026-03-01. */
export const IsCalendarDate = (description?: string, example?: string): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ format: 'date', description, example }),
    IsISO8601({ strict: true }),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a calendar date YYYY-MM-DD' }),
  );

export const IsOptionalCalendarDate = (description?: string, example?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ format: 'date', description, example }),
    IsOptional(),
    IsISO8601({ strict: true }),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a calendar date YYYY-MM-DD' }),
  );

export class PatientParams {
  @IsRecordId('The patient.', EXAMPLE_ID.patient)
  patientId!: string;
}

/** One of a fixed set of values, e.g. a domain union kept as an `as const` array. */
export const IsOneOf = (values: readonly string[], description?: string, example?: string): PropertyDecorator =>
  applyDecorators(ApiProperty({ enum: values, description, example }), IsIn(values));

export const IsOptionalOneOf = (values: readonly string[], description?: string, example?: string): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional({ enum: values, description, example }), IsOptional(), IsIn(values));

/**
 * At most `places` digits after the point. class-validator's `maxDecimalPlaces` reads the digits
 * from `String(value)` and throws a TypeError on the exponent form (`1e-7`), a 500 for a client's
 * number; rounding to the places and comparing never throws.
 */
export const MaxDecimalPlaces = (places: number, options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'maxDecimalPlaces',
      constraints: [places],
      validator: {
        validate: (value: unknown) => typeof value !== 'number' || Number(value.toFixed(places)) === value,
        defaultMessage: buildMessage((each) => `${each}$property must have at most ${places} decimal places`, options),
      },
    },
    options,
  );

/** A whole number within bounds (scores, counts, minutes). */
export const IsIntInRange = (min: number, max: number, description?: string, example?: number): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ type: 'integer', minimum: min, maximum: max, description, example }),
    IsInt(),
    Min(min),
    Max(max),
  );

/**
 * The values of a domain union type, checked by the compiler both ways: every value is a
 * member and every member is listed. `enumOf<Severity>()(['mild', 'moderate', 'severe'])`.
 */
export const enumOf =
  <U extends string>() =>
  <const A extends readonly U[]>(
    values: A & ([Exclude<U, A[number]>] extends [never] ? unknown : MissingMembers<Exclude<U, A[number]>>),
  ): A =>
    values;

type MissingMembers<M> = { readonly missing: M };

/** A nested object validated by its own class; unknown fields inside it are refused too. */
export const IsNested = (type: new () => object, description?: string, example?: object): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ type, description, example }),
    IsObject(),
    ValidateNested(),
    Type(() => type),
  );

export const IsOptionalNested = (type: new () => object, description?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type, description }),
    IsOptional(),
    IsObject(),
    ValidateNested(),
    Type(() => type),
  );

/** A bounded list of nested objects. */
export const IsNestedArray = (
  type: new () => object,
  min: number,
  max: number,
  description?: string,
): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ type: [type], minItems: min, maxItems: max, description }),
    IsArray(),
    ArrayMinSize(min),
    ArrayMaxSize(max),
    ValidateNested({ each: true }),
    Type(() => type),
  );
