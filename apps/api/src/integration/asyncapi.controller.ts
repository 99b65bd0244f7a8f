import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { asyncApiDocument, documentedDefaults, kafkaRelayConfigFromEnv, type JsonSchema } from '@caretrail/integration';
import { Public } from '../http/auth/auth.guard';

/** The AsyncAPI document, public like the OpenAPI one: it names topics and schemas, never data. */
@ApiTags('integration')
@Public()
@Controller()
export class AsyncApiController {
  private readonly document: JsonSchema;

  constructor() {
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

  @Get('asyncapi.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'AsyncAPI 3 document of the Kafka topics integrators subscribe to (messages, headers, JSON Schemas).',
  })
  @ApiOkResponse({ description: 'The AsyncAPI document.', schema: { type: 'object', additionalProperties: true } })
  asyncApi(): JsonSchema {
    return this.document;
  }
}
