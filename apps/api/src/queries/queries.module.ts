import { Module } from '@nestjs/common';
import { CaseloadController } from './caseload.controller';
import { PatientAccess } from './patient-access';
import { PatientIdentities } from './patient-identities';
import { PatientQueriesController } from './patient-queries.controller';
import { PatientTimeTravel } from './patient-time-travel';
import { ReadModelReader } from './read-model-reader';
import { RegistryController } from './registry.controller';

/** Reads of the read models, scoped to the patient and their care team. */
@Module({
  controllers: [CaseloadController, PatientQueriesController, RegistryController],
  providers: [PatientAccess, PatientIdentities, ReadModelReader, PatientTimeTravel],
})
export class QueriesModule {}
