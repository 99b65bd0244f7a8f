import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandActivityLog } from '../commands/care-events-recorded';
import { ExecuteCareCommandHandler } from '../commands/execute-care-command';
import { CareCommands } from '../commands/write';
import { CarePlanController } from './care-plan/care-plan.controller';
import { CollaborationController } from './collaboration/collaboration.controller';
import { CorrectionsController } from './corrections/corrections.controller';
import { DosesController } from './doses/doses.controller';
import { MedicationController } from './medication/medication.controller';
import { OutcomesController } from './outcomes/outcomes.controller';
import { SafetyController } from './safety/safety.controller';
import { SessionsController } from './sessions/sessions.controller';
import { TherapyController } from './therapy/therapy.controller';

/** Every write to a patient's record: one controller per area, one generic command handler. */
@Module({
  imports: [CqrsModule],
  controllers: [
    CarePlanController,
    TherapyController,
    SessionsController,
    MedicationController,
    DosesController,
    SafetyController,
    OutcomesController,
    CollaborationController,
    CorrectionsController,
  ],
  providers: [ExecuteCareCommandHandler, CareCommands, CommandActivityLog],
})
export class PatientsModule {}
