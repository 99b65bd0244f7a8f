import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply as Response } from 'fastify';
import { loadPseudonymizer, reportTaskArgs, runReportTask } from '@caretrail/admin-tasks';
import type { ReportFormat } from '@caretrail/analytics';
import type { EventStore } from '@caretrail/event-store';
import { checkedOptions } from '../admin-tasks/task-stream';
import type { ApiConfig } from '../config/api-config';
import { AuditCategory } from '../http/audit/audit-category';
import { RequireRole } from '../http/auth/roles.guard';
import { ApiProblems } from '../http/problems/problem.openapi';
import { API_CONFIG, EVENT_STORE } from '../http/tokens';
import { EffectivenessReportQuery } from './report.dto';

const MEDIA_TYPE: Record<ReportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/**
 * The treatment-effectiveness report for analysts (docs/analytics.md): the
 * command line's report, computed by the same code from the same log, so the
 * same bytes, the same suppression and the same pseudonyms (the server's key).
 * It needs no lock on the store, so it runs while the server holds it.
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get('effectiveness')
  @RequireRole('analyst')
  @AuditCategory('analytics', { action: 'export', detail: (request) => ({ options: request.query as unknown }) })
  @ApiOkResponse({
    description: 'The report as a file (Content-Disposition: attachment), in the format asked for.',
    content: Object.fromEntries(
      Object.values(MEDIA_TYPE).map((type) => [type.split(';')[0], { schema: { type: 'string' } }]),
    ),
  })
  @ApiProblems(400, 401, 403)
  @ApiOperation({
    summary:
      'Treatment effectiveness over pseudonymous patients (md, json, csv or html with charts); period, asOf and cohort filters; small cohorts suppressed.',
  })
  async effectiveness(
    @Query() query: EffectivenessReportQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const args = checkedOptions(() =>
      reportTaskArgs({
        from: query.from,
        to: query.to,
        format: query.format,
        'min-cohort': query.minCohort,
        'as-of': query.asOf,
        cohort: query.cohort,
      }),
    );
    const pseudonyms = loadPseudonymizer({ ...process.env, DATA_DIR: this.config.auth.dataDir });
    const { text } = await runReportTask(this.store, args, { pseudonyms });
    void response.header('Content-Type', MEDIA_TYPE[args.format]);
    void response.header('Content-Disposition', `attachment; filename="effectiveness.${args.format}"`);
    return text;
  }
}
