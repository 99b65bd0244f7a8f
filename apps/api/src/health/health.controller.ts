import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply as Response } from 'fastify';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { EventStore } from '@caretrail/event-store';
import { Public } from '../http/auth/auth.guard';
import { EVENT_STORE } from '../http/tokens';
import { IntegrityMonitor } from '../integrity/integrity-monitor';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly integrity: IntegrityMonitor,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: the event store answers and no hash chain is known to be broken ' +
      '(integrity: checking, ok, degraded or failing, with the reason).',
  })
  @ApiServiceUnavailableResponse({
    description: 'A check is down: the body is the same report, naming what failed and why.',
    schema: { type: 'object', additionalProperties: true },
  })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult> {
    try {
      return await this.checks();
    } catch (error) {
      // Terminus throws the report on a failed check; an operator needs the report, not a bare 503.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void response.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }

  private checks(): Promise<HealthCheckResult> {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('eventStore');
        try {
          const status = await this.store.status();
          return indicator.up({ ...status });
        } catch (error) {
          return indicator.down({ message: (error as Error).message });
        }
      },
      () => {
        // A broken chain fails the check: the server must not look healthy while it refuses to decide.
        const indicator = this.indicators.check('integrity');
        const { state, reason, firstBreak, passes, lastPassCompletedAt } = this.integrity.status();
        const details = { state, reason, firstBreak, passes, lastPassCompletedAt };
        return state === 'failing' ? indicator.down(details) : indicator.up(details);
      },
    ]);
  }
}
