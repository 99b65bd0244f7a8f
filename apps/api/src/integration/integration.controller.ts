import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../http/problems/problem.openapi';
import type { RelayStatus } from '@caretrail/integration';
import type { Actor } from '@caretrail/domain';
import { CurrentPrincipal } from '../http/auth/auth.guard';
import { Problem } from '../http/problems/problem';
import { RelayHost } from './relay-host';

/** The relay's status, for admins. */
@ApiTags('integration')
@ApiBearerAuth()
@Controller()
export class IntegrationController {
  constructor(private readonly host: RelayHost) {}

  @Get('integration/relay')
  @ApiOperation({
    summary: 'Status of the Kafka relay hosted by this process (admins): state, checkpoint, lag, last error.',
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      additionalProperties: true,
      required: ['headPosition', 'lagEvents', 'lagSeconds', 'published'],
      properties: {
        headPosition: { type: 'integer' },
        lagEvents: { type: 'integer' },
        lagSeconds: { type: 'number' },
        published: { type: 'integer' },
      },
    },
  })
  @ApiProblems(401, 403, 404)
  async relayStatus(@CurrentPrincipal() principal: Actor): Promise<RelayStatus> {
    if (principal.role !== 'admin')
      throw new Problem(403, 'FORBIDDEN', 'Not permitted', 'Only an admin may read the relay status.');
    const status = this.host.status();
    if (!status)
      throw new Problem(
        404,
        'RELAY_NOT_HOSTED',
        'No relay in this process',
        'This process does not run the Kafka relay (KAFKA_BROKERS, KAFKA_RELAY).',
      );
    return status;
  }
}
