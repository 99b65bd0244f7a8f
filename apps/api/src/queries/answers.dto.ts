import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AS_OF_BASES } from '@caretrail/analytics';

/** The OpenAPI shape of a patient view (ReadAnswer, or TimeTravelAnswer with `?asOf=`). */
export class PatientViewAnswerDto {
  @ApiProperty()
  patientId!: string;
  @ApiProperty({
    type: 'integer',
    description: 'Global position of the last event the view reflects: compare with a write answer’s position.',
  })
  position!: number;
  @ApiProperty({ format: 'date-time', description: 'The instant the view was computed for.' })
  asOf!: string;
  @ApiPropertyOptional({
    enum: AS_OF_BASES,
    description: 'Only with ?asOf=: whether events count from when they were recorded or when they occurred.',
  })
  asOfBasis?: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The view itself (docs/read-models.md describes each).',
  })
  data!: Record<string, unknown>;
}

/** A page of a list: the position and instant it reflects, how many there are, which slice this is. */
export class PagedAnswerDto {
  @ApiProperty({ type: 'integer', description: 'Global position the list reflects.' })
  position!: number;
  @ApiProperty({ format: 'date-time', description: 'The instant the list was computed for (now, or ?asOf=).' })
  asOf!: string;
  @ApiProperty({ type: 'integer' })
  total!: number;
  @ApiProperty({ type: 'integer' })
  limit!: number;
  @ApiProperty({ type: 'integer' })
  offset!: number;
}

/** The OpenAPI shape of RegistryAnswer (registry.controller.ts). */
export class RegistryAnswerDto extends PagedAnswerDto {
  @ApiPropertyOptional({
    enum: AS_OF_BASES,
    description: 'Only with ?asOf=: whether events count from when they were recorded or when they occurred.',
  })
  asOfBasis?: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'One patient each, with the reasons for case review, and the name opened for this answer.',
  })
  items!: Record<string, unknown>[];
}
