import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayUnique, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { streamCategories, type JsonValue } from '@caretrail/domain';
import {
  IsNestedArray,
  IsOptionalInstant,
  IsRecordId,
  IsText,
  IsWellFormedText,
} from '../../http/validation/decorators';
import { EXAMPLE_ID } from '../../http/validation/example-ids';

/** A stream of one patient, as the write that recorded the entry answered it (`streamId`). */
const STREAM = new RegExp(`^(${streamCategories.join('|')})-[A-Za-z0-9_-]{1,200}$`);
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+){0,7}$/;
export const MAX_CHANGE_VALUE_CHARS = 4000;
export const MAX_CHANGES = 20;

const IsStreamName = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({
      description: 'The stream that holds the entry, e.g. doses-<patientId>-2026-03.',
      example: `doses-${EXAMPLE_ID.patient}-2026-01`,
      pattern: STREAM.source,
      maxLength: 210,
    }),
    IsString(),
    MaxLength(210),
    Matches(STREAM, {
      message: `$property must be a stream name such as careplan-<patientId> (${streamCategories.join(', ')})`,
    }),
  );

/** Any JSON value (null included, undefined not), bounded by its serialized size. */
const IsBoundedJson = (maxChars: number): PropertyDecorator =>
  applyDecorators(
    ValidateBy({
      name: 'boundedJson',
      validator: {
        validate: (value: unknown) => value !== undefined && JSON.stringify(value).length <= maxChars,
        defaultMessage: () => `$property must be present and at most ${maxChars} characters as JSON`,
      },
    }),
    IsWellFormedText(),
  );

export class FieldChangeDto {
  @ApiProperty({
    description: 'Dotted path of the amended field in the entry, e.g. strength.value.',
    example: 'occurredAt',
    pattern: FIELD_PATH.source,
    maxLength: 200,
  })
  @IsString()
  @MaxLength(200)
  @Matches(FIELD_PATH, { message: '$property must be a dotted field path such as strength.value' })
  field!: string;

  @ApiProperty({
    description: `The corrected value: any JSON (null included), at most ${MAX_CHANGE_VALUE_CHARS} characters serialized.`,
    // OpenAPI 3.0 has no null type: a null correction matches the one nullable branch.
    oneOf: [
      { type: 'string', nullable: true },
      { type: 'number' },
      { type: 'boolean' },
      { type: 'object' },
      { type: 'array', items: {} },
    ],
    example: '2026-01-06T08:40:00Z',
  })
  @IsBoundedJson(MAX_CHANGE_VALUE_CHARS)
  value!: JsonValue;
}

export class CorrectEntryDto {
  @IsStreamName()
  stream!: string;

  @IsNestedArray(FieldChangeDto, 1, MAX_CHANGES, 'The amended fields, each once.')
  @ArrayUnique((change: FieldChangeDto | null | undefined) => change?.field)
  changes!: FieldChangeDto[];

  @IsText(1000, 'Why the entry is amended.', 'Typed the time from memory; the pill box alarm says 08:40.')
  reason!: string;

  @IsOptionalInstant(undefined, '2026-01-09T09:00:00Z')
  occurredAt?: string;
}

export class MarkEnteredInErrorDto {
  @IsStreamName()
  stream!: string;

  @IsText(1000, 'Why the entry is void (e.g. recorded for the wrong patient).', 'Recorded twice by mistake.')
  reason!: string;

  @IsOptionalInstant(undefined, '2026-01-09T09:30:00Z')
  occurredAt?: string;
}

export class EntryParams {
  @IsRecordId('The patient.', EXAMPLE_ID.patient)
  patientId!: string;
  @IsRecordId('The event id of the entry amended.', EXAMPLE_ID.event)
  eventId!: string;
}
