import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../http/problems/problem.openapi';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { verifyAccessChain, type AccessChainReport } from '@caretrail/access-log';
import {
  anchorLog,
  verifyEventChain,
  type ChainReport,
  type IntegrityStatus,
  type LogAnchor,
  type SqlDatabase,
} from '@caretrail/event-store';
import { AuditCategory } from '../http/audit/audit-category';
import { RequireRole } from '../http/auth/roles.guard';
import { SQL_DATABASE } from '../http/tokens';
import { IntegrityMonitor } from './integrity-monitor';

class AnchorQuery {
  @ApiPropertyOptional({
    description: 'Digest the log up to this position (default: everything settled for a minute).',
    example: 1,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  upTo?: number;
}

export interface IntegrityReport {
  ok: boolean;
  events: ChainReport;
  accessLog: AccessChainReport;
}

/**
 * Tamper evidence for admins (and `npm run cli -- audit verify|anchor` on
 * the embedded default, which must not open the data directory itself).
 */
@AuditCategory('integrity', { action: 'query' })
@ApiTags('admin')
@ApiBearerAuth()
@RequireRole('admin')
@ApiProblems(400, 401, 403, 503)
@Controller('admin/integrity')
export class IntegrityController {
  constructor(
    @Inject(SQL_DATABASE) private readonly sql: SqlDatabase,
    private readonly monitor: IntegrityMonitor,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'What this server knows of the hash chains now: the background verifier’s state (checking, ok, degraded, ' +
      'failing), its place in the log, and every break found, on a load for a decision or by the verifier.',
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['state', 'reason', 'firstBreak', 'breaks', 'checkpoint', 'passes', 'eventsChecked'],
      properties: {
        state: { type: 'string', enum: ['checking', 'ok', 'degraded', 'failing'] },
        reason: { type: 'string', nullable: true },
        firstBreak: { type: 'object', nullable: true, additionalProperties: true },
        breaks: { type: 'array', items: { type: 'object', additionalProperties: true } },
        checkpoint: { type: 'integer', description: 'The last position the current pass verified.' },
        passes: { type: 'integer', description: 'Passes over the whole log completed since the server started.' },
        eventsChecked: { type: 'integer' },
        lastPassCompletedAt: { type: 'string', nullable: true },
        lastError: { type: 'string', nullable: true },
      },
    },
  })
  status(): IntegrityStatus {
    return this.monitor.status();
  }

  @Get('verify')
  @ApiOperation({ summary: 'Walk every hash chain (events and access log); report the first broken link of each.' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['ok', 'events', 'accessLog'],
      properties: {
        ok: { type: 'boolean' },
        events: { type: 'object', additionalProperties: true, description: 'The event hash chains.' },
        accessLog: { type: 'object', additionalProperties: true, description: 'The access log hash chain.' },
      },
    },
  })
  async verify(): Promise<IntegrityReport> {
    const events = await verifyEventChain(this.sql, this.sql.schema);
    if (events.firstBreak) this.monitor.reportBreak(events.firstBreak, 'full verification');
    const accessLog = await verifyAccessChain(this.sql);
    return { ok: events.ok && accessLog.ok, events, accessLog };
  }

  @Get('anchor')
  @ApiOperation({ summary: 'A digest of the log to keep outside the database; recompute it later to compare.' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['position', 'digest', 'events'],
      properties: { position: { type: 'integer' }, digest: { type: 'string' }, events: { type: 'integer' } },
    },
  })
  anchor(@Query() { upTo }: AnchorQuery): Promise<LogAnchor> {
    return anchorLog(this.sql, this.sql.schema, upTo);
  }
}
