import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { PageLimit } from '../queries/query.dto';
import { HistoryQuery } from '../audit/audit-query.dto';
import { EXAMPLE_ID } from '../http/validation/example-ids';

/** A read model in the path of every /admin/projections/{name} route, e.g. adherence. */
export class ReadModelParams {
  @ApiProperty({
    description: 'A read model, e.g. adherence.',
    pattern: '^[a-z][a-z0-9-]{0,63}$',
    example: 'adherence',
  })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: '$property must be a read model name such as adherence' })
  name!: string;
}

export class ParkedEventParams extends ReadModelParams {
  @ApiProperty({ description: 'The parked event’s id.', format: 'uuid', example: EXAMPLE_ID.event })
  @IsUUID()
  eventId!: string;
}

export class ParkedListQuery {
  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({
    description: 'Only events after this global position (the last `position` of a page).',
    example: 0,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;
}

/** GET .../parked/{eventId}: personal data of the event redacted unless asked for, as in a patient's history. */
export class ParkedEventQuery extends HistoryQuery {}

export class SkipParkedEventBody {
  @ApiProperty({
    description: 'Why the event stays unapplied; recorded with who skipped it and when.',
    example: 'Recorded twice by the pharmacy import; the dose is already counted.',
    minLength: 1,
    maxLength: 500,
  })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class ParkedEventDto {
  @ApiProperty({ format: 'uuid' })
  eventId!: string;
  @ApiProperty({ type: 'integer' })
  position!: number;
  @ApiProperty({ type: 'string', nullable: true })
  streamId!: string | null;
  @ApiProperty({ type: 'string', nullable: true })
  patientId!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'DoseTaken' })
  type!: string | null;
  @ApiProperty({ type: 'string', nullable: true, format: 'date-time' })
  recordedAt!: string | null;
  @ApiProperty({ description: 'The error it failed with the last time it was applied.' })
  error!: string;
  @ApiProperty({ format: 'date-time' })
  parkedAt!: string;
  @ApiProperty({ type: 'string', nullable: true, format: 'date-time' })
  lastRetriedAt!: string | null;
  @ApiProperty({ enum: ['parked', 'skipped'] })
  state!: 'parked' | 'skipped';
  @ApiPropertyOptional({ description: 'Only when skipped: who decided it stays unapplied.' })
  skippedBy?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  skippedAt?: string;
  @ApiPropertyOptional()
  reason?: string;
  @ApiProperty({
    type: 'string',
    nullable: true,
    format: 'date-time',
    description: 'A retry asked for and not carried out yet: the process holding the patient’s shard will.',
  })
  retryRequestedAt!: string | null;
}

export class ParkedEventPageDto {
  @ApiProperty({ type: [ParkedEventDto] })
  items!: ParkedEventDto[];
  @ApiProperty({ type: 'integer', nullable: true, description: 'Pass as `after` for the next page; null on the last.' })
  nextAfter!: number | null;
}

export class ParkedEventDetailDto extends ParkedEventDto {
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description:
      'The event as GET /patients/{id}/history shows it (type, metadata, data; personal data redacted unless asked for); ' +
      'null when the log no longer has it.',
  })
  event!: Record<string, unknown> | null;
  @ApiProperty({ enum: ['redacted', 'included'] })
  personalData!: 'redacted' | 'included';
}

class StillFailingDto {
  @ApiProperty({ format: 'uuid' })
  eventId!: string;
  @ApiProperty({ description: 'The new error.' })
  error!: string;
}

export class RetryOutcomeDto {
  @ApiProperty({ type: [String], description: 'Applied now: they left the parked list.' })
  retried!: string[];
  @ApiProperty({ type: [StillFailingDto], description: 'Failed again: still parked, with the new error.' })
  stillFailing!: StillFailingDto[];
  @ApiProperty({
    type: [String],
    description:
      'Asked for, not carried out within the wait: the process holding the patient’s shard will (see `retryRequestedAt`).',
  })
  queued!: string[];
  @ApiProperty({
    type: [String],
    description: 'Not retried: parked without a known patient, so there are no rows to re-derive (skip them).',
  })
  withoutPatient!: string[];
}

export class RetryOneOutcomeDto extends RetryOutcomeDto {
  @ApiProperty({ type: 'string', nullable: true, description: 'The event’s patient, whose rows are re-derived.' })
  patientId!: string | null;
}
