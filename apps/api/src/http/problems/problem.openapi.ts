import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/** The OpenAPI shape of a FieldViolation (problem.ts). */
class FieldViolationDto {
  @ApiProperty({ description: 'Dotted path of the field in the body or query, or the header name.' })
  field!: string;
  @ApiProperty({ description: 'The rule broken, e.g. isInt, max, whitelist.' })
  rule!: string;
  @ApiProperty()
  message!: string;
}

/** The OpenAPI shape of ProblemDetails (problem.ts, RFC 9457). */
export class ProblemDetailsDto {
  @ApiProperty({ format: 'uri', example: 'https://caretrail.dev/problems/validation-failed' })
  type!: string;
  @ApiProperty()
  title!: string;
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599 })
  status!: number;
  @ApiPropertyOptional()
  detail?: string;
  @ApiPropertyOptional({ description: 'The path of the request.' })
  instance?: string;
  @ApiPropertyOptional({ description: 'Machine-readable reason, stable across releases.' })
  code?: string;
  @ApiPropertyOptional({ type: [FieldViolationDto] })
  errors?: FieldViolationDto[];
  @ApiPropertyOptional({ description: 'The X-Correlation-Id of the request, also in its events and logs.' })
  correlationId?: string;
}

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 412 | 422 | 503;

const MEANING: Record<ProblemStatus, string> = {
  400: 'The request is not valid: every broken field and rule is named.',
  401: 'No valid bearer token.',
  403: 'Not permitted (an unknown patient looks the same).',
  404: 'Not found.',
  409: 'The request conflicts with the record (the code says how).',
  412: 'If-Match named a version that is no longer current; the ETag header has the current one.',
  422: 'A rule of the domain refused the request (the code says which).',
  503: 'Not answered now (access log unavailable, or a read model behind minPosition); see Retry-After.',
};

/** Declares the problem+json answers an operation can give. */
export const ApiProblems = (...statuses: ProblemStatus[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: MEANING[status],
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } },
      }),
    ),
  );
