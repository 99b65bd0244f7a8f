import { Module } from '@nestjs/common';
import { PatientAccess } from './patient-access';
import { PatientQueriesController } from './patient-queries.controller';
import { PatientTimeTravel } from './patient-time-travel';
import { ReadModelReader } from './read-model-reader';
import { RegistryController } from './registry.controller';

/** Reads of the read models, scoped to the patient and their care team. */
@Module({
  controllers: [PatientQueriesController, RegistryController],
  providers: [PatientAccess, ReadModelReader, PatientTimeTravel],
})
export class QueriesModule {}
