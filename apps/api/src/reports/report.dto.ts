import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_MIN_COHORT, DIMENSIONS, REPORT_FORMATS, type ReportFormat } from '@caretrail/analytics';
import { IsOptionalCalendarDate, IsOptionalInstant } from '../http/validation/decorators';

/** GET /reports/effectiveness: the options of `npm run cli -- report effectiveness`, as a query. */
export class EffectivenessReportQuery {
  @IsOptionalCalendarDate(
    'First day of the period (plans started from then); default: the log’s first day.',
    '2026-01-01',
  )
  from?: string;

  @IsOptionalCalendarDate('Last day of the period; default: the log’s last day.', '2026-12-31')
  to?: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'md', example: 'html' })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: DEFAULT_MIN_COHORT, example: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  minCohort?: number;

  @IsOptionalInstant(
    'The log as it stood at this instant: only events recorded at or before it.',
    '2026-11-30T00:00:00Z',
  )
  asOf?: string;

  @ApiPropertyOptional({
    description: `Only one dimension (${DIMENSIONS.join(', ')}) or one cohort of it, as dimension:value (track:integrated, medication:Sertraline).`,
    example: 'track',
  })
  @IsOptional()
  @MaxLength(200)
  @Matches(new RegExp(`^(${DIMENSIONS.join('|')})(:.+)?$`), {
    message: `$property must be one of ${DIMENSIONS.join(', ')}, optionally followed by :<value>`,
  })
  cohort?: string;
}
