import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  asyncApiDocument,
  documentedDefaults,
  kafkaRelayConfigFromEnv,
  type JsonSchema,
  type RelayStatus,
} from '@caretrail/integration';
import type { Actor } from '@caretrail/domain';
import { CurrentPrincipal, Public } from '../auth/auth.guard';
import { Problem } from '../problems/problem';
import { RelayHost } from './relay-host';

@ApiTags('integration')
@Controller()
export class IntegrationController {
  private readonly document: JsonSchema;

  constructor(private readonly host: RelayHost) {
    // This installation's topics; the committed docs/asyncapi/asyncapi.json is the same document with the defaults.
    const config = kafkaRelayConfigFromEnv(process.env);
    this.document = asyncApiDocument(
      config
        ? {
            topicPrefix: config.topicPrefix,
            partitions: config.partitions,
            replicationFactor: config.replicationFactor,
            source: config.source,
            brokers: config.brokers.join(','),
          }
        : documentedDefaults,
    );
  }

  @Public()
  @Get('asyncapi.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'AsyncAPI 3 document of the Kafka topics integrators subscribe to (messages, headers, JSON Schemas).',
  })
  @ApiOkResponse({ description: 'The AsyncAPI document.' })
  asyncApi(): JsonSchema {
    return this.document;
  }

  @Get('integration/relay')
  @ApiOperation({
    summary: 'Status of the Kafka relay hosted by this process (admins): state, checkpoint, lag, last error.',
  })
  async relayStatus(@CurrentPrincipal() principal: Actor): Promise<RelayStatus> {
    if (principal.role !== 'admin')
      throw new Problem(403, 'forbidden', 'Not permitted', 'Only an admin may read the relay status.');
    const status = this.host.status();
    if (!status)
      throw new Problem(
        404,
        'relay-not-hosted',
        'No relay in this process',
        'This process does not run the Kafka relay (KAFKA_BROKERS, KAFKA_RELAY).',
      );
    return status;
  }
}
