import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  type ApiBodyOptions,
} from '@nestjs/swagger';
import { ApiProblems } from '../http/problems/problem.openapi';
import type { FastifyReply as Response } from 'fastify';
import type { ApiRequest as Request } from '../http/request';
import {
  loadPseudonymizer,
  patientAsOfArgs,
  patientAsOfTask,
  replay,
  replayTaskArgs,
  reportTaskArgs,
  runReportTask,
  runSeedTask,
  seedTaskArgs,
  type TaskOptions,
} from '@caretrail/admin-tasks';
import type { EventStore, SqlDatabase } from '@caretrail/event-store';
import { AccessAudit } from '../audit/access-audit';
import { AuditCategory } from '../http/audit/audit-category';
import { AuditRoutes } from '../audit/audit-routes';
import { RequireRole } from '../http/auth/roles.guard';
import type { ApiConfig } from '../config/api-config';
import { API_CONFIG, EVENT_STORE, SQL_DATABASE } from '../http/tokens';
import { PatientParams } from '../http/validation/decorators';
import { PersonalData } from '../privacy/personal-data';
import { Problem } from '../http/problems/problem';
import { checkedOptions, streamTask } from './task-stream';

/** A task's options, as on the command line: any object, checked by the task's own code. */
const taskBody = (example: Record<string, unknown>): ApiBodyOptions => ({
  schema: { type: 'object', additionalProperties: true, example },
});
/** A long task answers one JSON object a line: progress, then the result or a problem. */
const PROGRESS = {
  description: 'NDJSON: {"progress": ...} lines, then {"done": true, "result": ...} or {"problem": ...}.',
  content: { 'application/x-ndjson': { schema: { type: 'string' } } },
};

/**
 * The command line's tasks that open the store, run inside this process for
 * admins (docs/architecture.md, "The embedded store's lock"): on the embedded
 * default the server holds the data directory, so `npm run cli -- seed`,
 * `replay`, `report` and `patient --as-of` ask it instead of failing on the
 * lock. Options are checked by the same code as on the command line; long
 * tasks answer with their progress as NDJSON. Each request is in the access
 * log before its first byte leaves.
 */
@ApiTags('admin')
@ApiBearerAuth()
@RequireRole('admin')
@ApiProblems(400, 401, 403, 409, 503)
@Controller('admin')
export class AdminTasksController {
  /** Writers run one at a time per task: a second seed while one runs would only race it. */
  private readonly running = new Set<string>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) private readonly sql: SqlDatabase,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly personalData: PersonalData,
    private readonly audit: AccessAudit,
    private readonly routes: AuditRoutes,
  ) {}

  @Post('seed')
  @HttpCode(200)
  @AuditCategory('sample data', { action: 'create', detail: (request) => ({ options: request.body as unknown }) })
  @ApiBody(taskBody({ patients: 3, days: 30, seed: 'demo-clinic' }))
  @ApiOkResponse(PROGRESS)
  @ApiOperation({
    summary:
      'Seed plausible histories (the options of `npm run cli -- seed`: patients, days, seed, until, concurrency, verify); NDJSON progress, then the result.',
  })
  async seed(@Body() body: TaskOptions, @Req() request: Request, @Res() response: Response): Promise<void> {
    const args = checkedOptions(() => seedTaskArgs(body, Date.now()));
    await this.exclusive('seed', request, response, (progress) =>
      runSeedTask(this.store, args, {
        progress,
        seal: this.config.personalDataEncryption ? (type, data) => this.personalData.seal(type, data) : undefined,
      }),
    );
  }

  @Post('replays')
  @HttpCode(200)
  @AuditCategory('read models', { action: 'control', detail: (request) => ({ options: request.body as unknown }) })
  @ApiBody(taskBody({ to: '2026-11-01T00:00:00Z', into: 'november', models: 'adherence' }))
  @ApiOkResponse(PROGRESS)
  @ApiOperation({
    summary:
      'Rebuild read models as of an instant into tables of their own (the options of `npm run cli -- replay`: to, into, models, by, batch); NDJSON progress, then the result.',
  })
  async replay(@Body() body: TaskOptions, @Req() request: Request, @Res() response: Response): Promise<void> {
    const args = checkedOptions(() => replayTaskArgs(body, Date.now()));
    await this.exclusive('replay', request, response, (progress) => replay(this.store, this.sql, args, progress));
  }

  @Post('reports/effectiveness')
  @HttpCode(200)
  @AuditCategory('analytics', { action: 'export', detail: (request) => ({ options: request.body as unknown }) })
  @ApiBody(taskBody({ from: '2026-01-01', to: '2026-12-31', format: 'json', 'min-cohort': 5 }))
  @ApiOkResponse(PROGRESS)
  @ApiOperation({
    summary:
      'The treatment-effectiveness report over pseudonymous patients (the options of `npm run cli -- report effectiveness`: from, to, format, min-cohort); NDJSON progress, then the rendered report.',
  })
  async effectivenessReport(
    @Body() body: TaskOptions,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const args = checkedOptions(() => reportTaskArgs(body));
    const pseudonyms = loadPseudonymizer({ ...process.env, DATA_DIR: this.config.auth.dataDir });
    await this.recordAccess(request);
    await streamTask(response, (progress) => runReportTask(this.store, args, { progress, pseudonyms }));
  }

  @Get('patients/:patientId/as-of')
  @AuditCategory('history', { action: 'query', detail: (request) => ({ options: request.query as unknown }) })
  @ApiOperation({
    summary:
      'One patient as they stood at an instant (`npm run cli -- patient <id> --as-of`): query as-of, by (recorded|occurred), view (a comma-separated list).',
  })
  @ApiQuery({ name: 'as-of', required: true, description: 'The instant.', example: '2026-01-31T00:00:00Z' })
  @ApiQuery({ name: 'by', required: false, enum: ['recorded', 'occurred'], example: 'occurred' })
  @ApiQuery({ name: 'view', required: false, description: 'Views, comma-separated.', example: 'plan,adherence' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  asOf(@Param() { patientId }: PatientParams, @Query() query: TaskOptions): Promise<Record<string, unknown>> {
    const args = checkedOptions(() => patientAsOfArgs(patientId, query, Date.now()));
    return patientAsOfTask(this.store, args);
  }

  private async exclusive(
    task: string,
    request: Request,
    response: Response,
    run: Parameters<typeof streamTask>[1],
  ): Promise<void> {
    if (this.running.has(task))
      throw new Problem(409, 'TASK_RUNNING', 'Already running', `A ${task} is running in this server; wait for it.`);
    this.running.add(task);
    try {
      await this.recordAccess(request);
      await streamTask(response, run);
    } finally {
      this.running.delete(task);
    }
  }

  /** The answer streams, so the access is recorded before its first byte (docs/audit.md). */
  private async recordAccess(request: Request): Promise<void> {
    const route = this.routes.forRequest(request);
    if (route) await this.audit.record(request, route, 200);
  }
}
