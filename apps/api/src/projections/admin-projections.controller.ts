import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { UnknownProjection, type ProjectionHost, type ProjectionStatus } from '@caretrail/projections';
import { AuditCategory } from '../http/audit/audit-category';
import { RequireRole } from '../http/auth/roles.guard';
import { Problem } from '../http/problems/problem';
import { PROJECTION_HOST } from '../http/tokens';

class ProjectionParams {
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: '$property must be a read model name such as adherence' })
  name!: string;
}

/** Admins inspect, pause, resume and rebuild read models; they never touch history. */
@AuditCategory('read models')
@ApiTags('admin')
@ApiBearerAuth()
@RequireRole('admin')
@Controller('admin/projections')
export class AdminProjectionsController {
  constructor(@Inject(PROJECTION_HOST) private readonly host: ProjectionHost) {}

  @Get()
  @ApiOperation({
    summary: 'Status of every read model: state, checkpoint, head, lag, rate, last error, rebuild progress.',
  })
  status(): Promise<ProjectionStatus[]> {
    return this.host.status();
  }

  @Post(':name/rebuild')
  @AuditCategory('read models', { action: 'control' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild into new tables; the current copy serves until the new one has caught up.' })
  rebuild(@Param() { name }: ProjectionParams): Promise<{ generation: number }> {
    return known(() => this.host.rebuild(name));
  }

  @Post(':name/pause')
  @AuditCategory('read models', { action: 'control' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Pause after the batch in hand.' })
  async pause(@Param() { name }: ProjectionParams): Promise<{ name: string; paused: true }> {
    await known(() => this.host.pause(name));
    return { name, paused: true };
  }

  @Post(':name/resume')
  @AuditCategory('read models', { action: 'control' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Resume a paused read model, or retry one stopped by an event it could not apply.' })
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
      throw new Problem(404, 'unknown-projection', 'No such read model', error.message);
    throw error;
  }
}
