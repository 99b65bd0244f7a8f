import { once } from 'node:events';
import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../http/problems/problem.openapi';
import accepts from 'accepts';
import type { FastifyReply as Response } from 'fastify';
import type { ApiRequest as Request } from '../http/request';
import { startStream } from '../http/streaming';
import {
  CONTENT_TYPES,
  csvHeader,
  csvLine,
  ndjsonLine,
  type AccessLogFilter,
  type AccessLogPage,
} from '@caretrail/access-log';
import type { EventStore } from '@caretrail/event-store';
import { RequireRole } from '../http/auth/roles.guard';
import { EVENT_STORE } from '../http/tokens';
import { PatientParams } from '../http/validation/decorators';
import { PersonalData } from '../privacy/personal-data';
import { Problem } from '../http/problems/problem';
import { AccessAudit } from './access-audit';
import { AuditCategory } from '../http/audit/audit-category';
import { AuditQuery, HistoryQuery, type AuditFormat } from './audit-query.dto';
import { AuditRoutes } from './audit-routes';
import { patientHistory, type PatientHistory } from './patient-history';

/** ?format= wins over the Accept header; JSON unless either asks for CSV or NDJSON. */
export function formatOf(request: Request): AuditFormat {
  const asked = request.query['format'];
  if (asked === 'csv' || asked === 'ndjson' || asked === 'json') return asked;
  const accepted = accepts(request.raw).type(['application/json', 'text/csv', 'application/x-ndjson']);
  return accepted === 'text/csv' ? 'csv' : accepted === 'application/x-ndjson' ? 'ndjson' : 'json';
}

const queryText = (request: Request, name: string): string | undefined => {
  const value = request.query[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * The audit views, for admins only and themselves in the access log: the
 * access log with filters, paging and exports, and a patient's full trail.
 */
@ApiTags('audit')
@ApiBearerAuth()
@RequireRole('admin')
@ApiProblems(400, 401, 403, 503)
@Controller()
export class AuditController {
  constructor(
    private readonly audit: AccessAudit,
    private readonly routes: AuditRoutes,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly personalData: PersonalData,
  ) {}

  @Get('audit')
  @AuditCategory('access log', {
    action: (request) => (formatOf(request) === 'json' ? 'query' : 'export'),
    patient: (request) => queryText(request, 'patient'),
    detail: (request) => ({
      filters: Object.fromEntries(
        ['patient', 'user', 'action', 'outcome', 'from', 'to', 'order', 'format'].flatMap((k) => {
          const value = queryText(request, k);
          return value === undefined ? [] : [[k, value]];
        }),
      ),
    }),
  })
  @ApiOperation({
    summary:
      'The access log: filter by patient, user, action, outcome, time; newest or oldest first; pages by cursor. CSV and NDJSON stream every match.',
  })
  @ApiOkResponse({
    description: 'A page of access records (JSON), or every match (CSV, NDJSON: ?format= or Accept).',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          additionalProperties: true,
          properties: {
            order: { type: 'string', enum: ['asc', 'desc'] },
            limit: { type: 'integer' },
            items: { type: 'array', items: { type: 'object', additionalProperties: true } },
            nextCursor: { type: 'string', nullable: true, description: 'Pass back as cursor; null on the last page.' },
          },
        },
      },
      'text/csv': { schema: { type: 'string' } },
      'application/x-ndjson': { schema: { type: 'string' } },
    },
  })
  async accessLog(@Query() query: AuditQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    const filter: AccessLogFilter = {
      ...(query.patient === undefined ? {} : { patientId: query.patient }),
      ...(query.user === undefined ? {} : { userId: query.user }),
      ...(query.action === undefined ? {} : { action: query.action }),
      ...(query.outcome === undefined ? {} : { outcome: query.outcome }),
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
    };
    const order = query.order ?? 'desc';
    const format = query.format ?? formatOf(request);
    if (format === 'json') {
      const page: AccessLogPage = await this.audit.log.page(filter, {
        order,
        limit: query.limit ?? 100,
        cursor: query.cursor,
      });
      await this.recordAccess(request);
      void response.status(200).send({ order, limit: query.limit ?? 100, ...page });
      return;
    }
    // The export is recorded before its first byte leaves.
    await this.recordAccess(request);
    const stream = startStream(response, 200, {
      'Content-Type': CONTENT_TYPES[format],
      'Content-Disposition': `attachment; filename="access-log.${format}"`,
    });
    if (format === 'csv') stream.write(csvHeader());
    let closed = false;
    stream.once('close', () => (closed = true));
    for await (const record of this.audit.log.stream(filter, order)) {
      if (closed) break;
      if (!stream.write(format === 'csv' ? csvLine(record) : ndjsonLine(record))) await once(stream, 'drain');
    }
    stream.end();
  }

  @Get('patients/:patientId/history')
  @AuditCategory('history', {
    action: 'query',
    detail: (request) => (queryText(request, 'personalData') === 'include' ? { personalData: 'included' } : undefined),
  })
  @ApiOperation({
    summary:
      "A patient's full event trail in global order: who, when, why (correlation, causation, command), amendments linked both ways.",
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['patientId', 'personalData', 'events'],
      properties: {
        patientId: { type: 'string' },
        personalData: { type: 'string', enum: ['redacted', 'included'] },
        events: { type: 'array', items: { type: 'object', additionalProperties: true } },
      },
    },
  })
  async history(@Param() { patientId }: PatientParams, @Query() query: HistoryQuery): Promise<PatientHistory> {
    const stored = await this.store.readPatient(patientId);
    // Admins may see that a patient exists: unlike the clinical routes, a 404 reveals nothing they could not list.
    if (stored.length === 0)
      throw new Problem(404, 'UNKNOWN_PATIENT', 'No such patient', 'No events are recorded for this patient.');
    const include = query.personalData === 'include';
    // Personal data are sealed at rest (docs/erasure.md): opened only when shown; an erased patient's read as erased.
    return patientHistory(patientId, include ? await this.personalData.open(stored) : stored, include);
  }

  private async recordAccess(request: Request): Promise<void> {
    const route = this.routes.forRequest(request);
    if (route) await this.audit.record(request, route, 200);
  }
}
