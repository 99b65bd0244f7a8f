import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ApiProblems } from '../http/problems/problem.openapi';
import { IsString, Matches } from 'class-validator';
import { UnknownProjection, type ProjectionHost, type ProjectionStatus } from '@caretrail/projections';
import { AuditCategory } from '../http/audit/audit-category';
import { RequireRole } from '../http/auth/roles.guard';
import { Problem } from '../http/problems/problem';
import { PROJECTION_HOST } from '../http/tokens';

class ProjectionParams {
  @ApiProperty({ description: 'A read model, e.g. adherence.', pattern: '^[a-z][a-z0-9-]{0,63}$' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: '$property must be a read model name such as adherence' })
  name!: string;
}

const PAUSED: SchemaObject = {
  type: 'object',
  required: ['name', 'paused'],
  properties: { name: { type: 'string' }, paused: { type: 'boolean' } },
};

/** Admins inspect, pause, resume and rebuild read models; they never touch history. */
@AuditCategory('read models')
@ApiTags('admin')
@ApiBearerAuth()
@RequireRole('admin')
@ApiProblems(400, 401, 403, 404, 503)
@Controller('admin/projections')
export class AdminProjectionsController {
  constructor(@Inject(PROJECTION_HOST) private readonly host: ProjectionHost) {}

  @Get()
  @ApiOperation({
    summary: 'Status of every read model: state, checkpoint, head, lag, rate, last error, rebuild progress.',
  })
  @ApiOkResponse({
    schema: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'version', 'state', 'generation', 'headPosition', 'lagEvents', 'lagSeconds'],
        properties: {
          name: { type: 'string' },
          version: { type: 'integer' },
          state: { type: 'string' },
          generation: { type: 'integer' },
          checkpoint: { type: 'object', additionalProperties: true },
          headPosition: { type: 'integer' },
          lagEvents: { type: 'integer' },
          lagSeconds: { type: 'number' },
          eventsPerSecond: { type: 'number' },
          lastError: { type: 'object', nullable: true, additionalProperties: true },
          rebuild: { type: 'object', nullable: true, additionalProperties: true },
        },
      },
    },
  })
  status(): Promise<ProjectionStatus[]> {
    return this.host.status();
  }

  @Post(':name/rebuild')
  @AuditCategory('read models', { action: 'control' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild into new tables; the current copy serves until the new one has caught up.' })
  @ApiAcceptedResponse({
    schema: { type: 'object', required: ['generation'], properties: { generation: { type: 'integer' } } },
  })
  rebuild(@Param() { name }: ProjectionParams): Promise<{ generation: number }> {
    return known(() => this.host.rebuild(name));
  }

  @Post(':name/pause')
  @AuditCategory('read models', { action: 'control' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Pause after the batch in hand.' })
  @ApiAcceptedResponse({ schema: PAUSED })
  async pause(@Param() { name }: ProjectionParams): Promise<{ name: string; paused: true }> {
    await known(() => this.host.pause(name));
    return { name, paused: true };
  }

  @Post(':name/resume')
  @AuditCategory('read models', { action: 'control' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Resume a paused read model, or retry one stopped by an event it could not apply.' })
  @ApiAcceptedResponse({ schema: PAUSED })
  async resume(@Param() { name }: ProjectionParams): Promise<{ name: string; paused: false }> {
    await known(() => this.host.resume(name));
    return { name, paused: false };
  }
}

async function known<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UnknownProjection)
      throw new Problem(404, 'UNKNOWN_PROJECTION', 'No such read model', error.message);
    throw error;
  }
}
