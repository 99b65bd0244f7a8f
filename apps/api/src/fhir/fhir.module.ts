import { Module } from '@nestjs/common';
import { PatientAccess } from '../queries/patient-access';
import { AuditEvents } from './audit-events';
import { FhirAccess } from './fhir-access';
import { FhirController } from './fhir.controller';
import { PatientLogReader } from './patient-log-reader';

/** The FHIR R4 API at /fhir/R4 (docs/fhir.md). */
@Module({
  controllers: [FhirController],
  providers: [PatientAccess, FhirAccess, PatientLogReader, AuditEvents],
})
export class FhirModule {}
