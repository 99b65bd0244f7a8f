import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export class ReadQuery {
  @ApiPropertyOptional({
    description: 'Read-your-writes: the position a write returned; the answer waits (up to 2 s) until the read model reflects it, else 503.',
    minimum: 1,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

export const REGISTRY_FLAGS = ['not-improving-at-week-8', 'no-follow-up-within-4-weeks', 'urgent-side-effect', 'pdc-below-80'] as const;

export class RegistryQuery extends ReadQuery {
  @ApiPropertyOptional({ enum: REGISTRY_FLAGS, description: 'Only patients with this reason for case review.' })
  @IsOptional()
  @IsIn(REGISTRY_FLAGS)
  flag?: (typeof REGISTRY_FLAGS)[number];

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: 100000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000)
  offset?: number;
}
