import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { accessActions, accessOutcomes, type AccessAction, type AccessOutcome } from '@caretrail/access-log';
import { ID_PATTERN, IsOptionalInstant } from '../http/validation/decorators';
import { EXAMPLE_ID } from '../http/validation/example-ids';

export const AUDIT_FORMATS = ['json', 'csv', 'ndjson'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

const ID_MESSAGE = '$property must be 1 to 64 letters, digits, "-" or "_"';

export class AuditQuery {
  @ApiPropertyOptional({ description: 'Only accesses to this patient.', example: EXAMPLE_ID.patient })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  patient?: string;

  @ApiPropertyOptional({ description: 'Only accesses by this user.', example: 'dr-theo' })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  user?: string;

  @ApiPropertyOptional({ enum: accessActions, example: 'read' })
  @IsOptional()
  @IsIn(accessActions)
  action?: AccessAction;

  @ApiPropertyOptional({ enum: accessOutcomes })
  @IsOptional()
  @IsIn(accessOutcomes)
  outcome?: AccessOutcome;

  @IsOptionalInstant('Accesses at or after this instant.', '2026-01-01T00:00:00Z')
  from?: string;

  @IsOptionalInstant('Accesses before this instant.', '2027-01-01T00:00:00Z')
  to?: string;

  @ApiPropertyOptional({
    enum: ['asc', 'desc'],
    default: 'desc',
    description: 'By time (the order records were written).',
  })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({
    default: 100,
    minimum: 1,
    maximum: 1000,
    description: 'Page size of the JSON answer (exports stream every match).',
    example: 50,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.', example: '1' })
  @IsOptional()
  @IsString()
  @Matches(/^[1-9]\d{0,17}$/, { message: '$property must be a nextCursor this API returned' })
  cursor?: string;

  @ApiPropertyOptional({
    enum: AUDIT_FORMATS,
    description: 'Overrides the Accept header (text/csv, application/x-ndjson).',
  })
  @IsOptional()
  @IsIn(AUDIT_FORMATS)
  format?: AuditFormat;
}

export class HistoryQuery {
  @ApiPropertyOptional({
    enum: ['redact', 'include'],
    default: 'redact',
    description:
      'Personal data (names, contact details, free text) are left out unless asked for; asking is itself recorded.',
  })
  @IsOptional()
  @IsIn(['redact', 'include'])
  personalData?: 'redact' | 'include';
}
