import { Controller, Get, Header } from '@nestjs/common';
import { prometheusContentType } from 'prom-client';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../http/problems/problem.openapi';
import { RequireRole } from '../http/auth/roles.guard';
import { ApiMetrics } from './api-metrics';

/**
 * `GET /metrics` for Prometheus (docs/deployment.md, Metrics). Like every
 * route on the API's port it needs a token: an admin's, e.g. a long-lived one
 * the command line signs for the scraper (`authorization: credentials_file`).
 * The metrics name no patient, so a scrape is not an access to patient data
 * and is not written to the access log.
 */
@ApiTags('health')
@ApiBearerAuth()
@RequireRole('admin')
@ApiProblems(401, 403)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ApiMetrics) {}

  @Get()
  @Header('Content-Type', prometheusContentType)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'This API process’s metrics in the Prometheus text format (admins; Prometheus).' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4.', schema: { type: 'string' } })
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
