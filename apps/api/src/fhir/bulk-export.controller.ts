import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Controller, Delete, Get, HttpCode, Param, Req, Res, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply as Response } from 'fastify';
import type { ApiRequest as Request } from '../http/request';
import { headerOf } from '../http/middleware';
import { startStream } from '../http/streaming';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { FhirSearchError, NDJSON, parseExportRequest, type ExportRequest } from '@caretrail/fhir';
import type { Actor } from '@caretrail/domain';
import { AuditCategory } from '../http/audit/audit-category';
import { CurrentPrincipal } from '../http/auth/auth.guard';
import { forbidden } from '../http/problems/problem-details.filter';
import { EXAMPLE_ID } from '../http/validation/example-ids';
import { BulkExports, type ExportJob } from './bulk-export';
import { notFound, searchQueryOf } from './fhir-access';
import { FhirOutcomeFilter } from './fhir-outcome.filter';
import { fhirBase } from './fhir.controller';
import { FhirAnswer } from './fhir.openapi';

const audited = AuditCategory('fhir', {
  action: 'export',
  patient: () => null,
  detail: (request) => ({ operation: '$export', ...request.params, query: request.query }),
});

/** Bulk Data serves only the asynchronous pattern: a kick-off without this header answers 400. */
const PreferAsync = (): MethodDecorator =>
  ApiHeader({ name: 'Prefer', required: true, description: 'Must be respond-async.', example: 'respond-async' });

/** An export job: the last segment of the kick-off's Content-Location. */
const JobParam = (): MethodDecorator =>
  ApiParam({
    name: 'jobId',
    description: 'The export, as its Content-Location names it.',
    example: EXAMPLE_ID.exportJob,
  });

/** Who may export (docs/fhir.md, "Bulk export"): admins; analysts only pseudonymous patients. */
function assertMayExport(principal: Actor, request: ExportRequest): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'analyst' && request.pseudonymise) return;
  throw forbidden();
}

const accepted = (text: string): OperationOutcome => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'information', code: 'informational', diagnostics: text }],
});

/**
 * FHIR Bulk Data Access 2.0, the asynchronous pattern: kick-off (202 and
 * Content-Location), status (202 with X-Progress while running, then the
 * manifest), DELETE to cancel, and the NDJSON files of the manifest.
 */
@ApiTags('fhir')
@ApiBearerAuth()
@UseFilters(FhirOutcomeFilter)
@Controller('fhir/R4')
export class BulkExportController {
  constructor(private readonly exports: BulkExports) {}

  @Get('$export')
  @audited
  @HttpCode(202)
  @ApiOperation({ summary: 'Export every patient (Bulk Data): _type, _since, _pseudonymise=true; answers 202.' })
  @FhirAnswer('Accepted: poll the Content-Location.', 400, 401, 403, 503)
  @PreferAsync()
  system(
    @Req() request: Request,
    @CurrentPrincipal() principal: Actor,
    @Res({ passthrough: true }) response: Response,
  ): OperationOutcome {
    return this.kickOff(request, principal, response, 'all');
  }

  @Get('Group/:groupId/$export')
  @audited
  @HttpCode(202)
  @ApiOperation({ summary: 'Export a group: all, or the patients on one treatment track (integrated, ...).' })
  @FhirAnswer('Accepted: poll the Content-Location.', 400, 401, 403, 503)
  @PreferAsync()
  @ApiParam({ name: 'groupId', description: '`all`, or a treatment track.', example: 'integrated' })
  group(
    @Param('groupId') groupId: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: Actor,
    @Res({ passthrough: true }) response: Response,
  ): OperationOutcome {
    return this.kickOff(request, principal, response, groupId);
  }

  @Get('$export-status/:jobId')
  @audited
  @ApiOperation({ summary: 'The status of an export: 202 with X-Progress while running, then the manifest.' })
  @FhirAnswer('The manifest (or 202 while running).', 401, 404, 503)
  @JobParam()
  status(
    @Param('jobId') jobId: string,
    @CurrentPrincipal() principal: Actor,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): unknown {
    const job = this.job(jobId, principal);
    if (job.status === 'running') {
      void response.status(202).headers({
        'X-Progress': `${job.patientsDone} of ${job.patientsTotal ?? '?'} patients`,
        'Retry-After': '1',
        'Content-Type': 'application/fhir+json',
      });
      return accepted('The export is running.');
    }
    if (job.status === 'failed') {
      void response.status(500).header('Content-Type', 'application/fhir+json');
      return {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'exception', diagnostics: job.error }],
      };
    }
    void response.status(200).header('Content-Type', 'application/json');
    return manifest(fhirBase(request), job);
  }

  @Delete('$export-status/:jobId')
  @audited
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel an export and delete its files.' })
  @FhirAnswer('Cancelled.', 401, 404, 503)
  @JobParam()
  async cancel(@Param('jobId') jobId: string, @CurrentPrincipal() principal: Actor): Promise<OperationOutcome> {
    await this.exports.cancel(this.job(jobId, principal));
    return accepted('The export was cancelled and its files deleted.');
  }

  @Get('$export-file/:jobId/:file')
  @audited
  @ApiOperation({ summary: 'One NDJSON file of a finished export.' })
  @FhirAnswer('NDJSON, one resource a line.', 401, 404, 503)
  @JobParam()
  @ApiParam({ name: 'file', description: 'A file the manifest lists: `<type>.ndjson`.', example: 'Patient.ndjson' })
  async file(
    @Param('jobId') jobId: string,
    @Param('file') file: string,
    @CurrentPrincipal() principal: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const job = this.job(jobId, principal);
    const type = /^([A-Za-z]+)\.ndjson$/.exec(file)?.[1];
    if (job.status !== 'complete' || type === undefined || !job.counts.has(type))
      throw notFound(`The export has no file ${file}.`);
    await pipeline(
      createReadStream(this.exports.fileOf(job, type)),
      startStream(response, 200, { 'Content-Type': NDJSON }),
    );
  }

  private kickOff(request: Request, principal: Actor, response: Response, group: string): OperationOutcome {
    const exportRequest = parseExportRequest(searchQueryOf(request), group);
    assertMayExport(principal, exportRequest);
    if (!/respond-async/i.test(headerOf(request, 'prefer') ?? ''))
      throw new FhirSearchError('Prefer', 'must be respond-async: only the asynchronous pattern is served');
    const job = this.exports.start(
      principal.userId,
      exportRequest,
      `${fhirBase(request).replace(/\/fhir\/R4$/, '')}${request.originalUrl}`,
    );
    void response.header('Content-Location', `${fhirBase(request)}/$export-status/${job.id}`);
    return accepted('The export has started.');
  }

  private job(jobId: string, principal: Actor): ExportJob {
    if (principal.role !== 'admin' && principal.role !== 'analyst') throw forbidden();
    const job = this.exports.find(jobId, principal.userId);
    if (!job) throw notFound('No such export.');
    return job;
  }
}

/** The completion manifest (Bulk Data Access 2.0): one output a type, with its line count. */
function manifest(base: string, job: ExportJob): Record<string, unknown> {
  return {
    transactionTime: job.transactionTime,
    request: job.requestUrl,
    requiresAccessToken: true,
    output: [...job.counts].map(([type, count]) => ({
      type,
      url: `${base}/$export-file/${job.id}/${type}.ndjson`,
      count,
    })),
    error: [],
  };
}
