import { Module } from '@nestjs/common';
import { AsyncApiController } from './asyncapi.controller';
import { IntegrationController } from './integration.controller';
import { RelayHost } from './relay-host';

/** Kafka for integrators: the AsyncAPI document, and the relay when this process hosts it. */
@Module({
  controllers: [AsyncApiController, IntegrationController],
  providers: [RelayHost],
})
export class IntegrationModule {}
