import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PagedAnswerDto } from './answers.dto';
import { PageLimit, PageOffset, ReadQuery } from './query.dto';

/** GET /patients: the caller's caseload, searched by name and paged. */
export class CaseloadQuery extends ReadQuery {
  @ApiPropertyOptional({
    description: 'Only patients whose given or family name contains this text (case-insensitive).',
    example: 'Hopper',
    minLength: 1,
    maxLength: 100,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @PageLimit()
  limit?: number;

  @PageOffset()
  offset?: number;
}

class PatientNameDto {
  @ApiProperty({ example: 'Grace' })
  given!: string;
  @ApiProperty({ example: 'Hopper' })
  family!: string;
}

/** One patient of the caseload. */
export class CaseloadEntryDto {
  @ApiProperty()
  patientId!: string;
  @ApiProperty({
    type: PatientNameDto,
    nullable: true,
    description: 'Opened under the patient’s key for this answer; null once the personal data was erased.',
  })
  name!: PatientNameDto | null;
  @ApiProperty({ description: 'The patient’s personal data was erased (docs/erasure.md).' })
  erased!: boolean;
  @ApiProperty({ type: 'string', nullable: true, format: 'date-time' })
  enrolledAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'integrated', description: 'Null before a plan starts.' })
  track!: string | null;
  @ApiProperty({ type: 'integer', nullable: true })
  weeksInTreatment!: number | null;
  @ApiProperty({
    type: 'array',
    items: { type: 'string' },
    description: 'Reasons for case review (docs/clinical-rules.md, "Case-review queue"); empty when none.',
  })
  flags!: string[];
}

export class CaseloadAnswerDto extends PagedAnswerDto {
  @ApiProperty({ type: [CaseloadEntryDto] })
  items!: CaseloadEntryDto[];
}

export class PatientSummaryAnswerDto extends CaseloadEntryDto {
  @ApiProperty({ type: 'integer', description: 'Global position the read models reflect.' })
  position!: number;
  @ApiProperty({ format: 'date-time' })
  asOf!: string;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'Email and phone as enrolled; null once erased.',
  })
  contact!: Record<string, unknown> | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'Europe/London' })
  timeZone!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The care plan (track, status, review dates), care team, active medications and the latest PHQ-9 / GAD-7 summaries.',
  })
  summary!: Record<string, unknown>;
}
