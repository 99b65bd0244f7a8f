import { Module } from '@nestjs/common';
import { PatientAccess } from '../queries/patient-access';
import { AuditEvents } from './audit-events';
import { BulkExportController } from './bulk-export.controller';
import { BulkExports } from './bulk-export';
import { FhirAccess } from './fhir-access';
import { FhirController } from './fhir.controller';
import { PatientLogReader } from './patient-log-reader';

/** The FHIR R4 API at /fhir/R4 (docs/fhir.md). */
@Module({
  // The export's fixed paths come before the controller whose `:resourceType` would match them.
  controllers: [BulkExportController, FhirController],
  providers: [PatientAccess, FhirAccess, PatientLogReader, AuditEvents, BulkExports],
})
export class FhirModule {}
