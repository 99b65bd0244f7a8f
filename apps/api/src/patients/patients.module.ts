import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ExecuteCareCommandHandler } from '../commands/execute-care-command';
import { CareCommands } from '../commands/write';
import { CarePlanController } from './care-plan/care-plan.controller';

/** Every write to a patient's record: one controller per area, one generic command handler. */
@Module({
  imports: [CqrsModule],
  controllers: [CarePlanController],
  providers: [ExecuteCareCommandHandler, CareCommands],
})
export class PatientsModule {}
