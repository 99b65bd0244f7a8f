import { Module } from '@nestjs/common';
import { IntegrationController } from './integration.controller';
import { RelayHost } from './relay-host';

/** Kafka for integrators: the AsyncAPI document, and the relay when this process hosts it. */
@Module({
  controllers: [IntegrationController],
  providers: [RelayHost],
})
export class IntegrationModule {}
