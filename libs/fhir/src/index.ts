/**
 * @caretrail/fhir: the FHIR R4 view of CareTrail's log (docs/fhir.md). Pure:
 * a patient's decoded events fold into versioned resources; searches,
 * bundles, OperationOutcome and the CapabilityStatement are built here; the
 * API reads the store and the access log and answers over HTTP.
 */
export type { FhirSourceEvent } from './source-event';
export { PatientResources, type ResourceVersion } from './resources/patient-resources';
export { FHIR_ID, patientOfResourceId, resourceId } from './ids';
export { servedTypes, isServedType, patientTypes, type ServedType } from './search/resource-types';
export { parseSearch, matching, DEFAULT_COUNT, MAX_COUNT, type FhirSearch, type SearchQuery } from './search/search';
export { parseDateFilter, matchesDate, type DateFilter } from './search/date-filter';
export { FhirSearchError } from './search/search-error';
export { searchBundle, historyBundle } from './bundle';
export { operationOutcome, issueCodeOf, type OutcomeIssue } from './operation-outcome';
export { capabilityStatement } from './capability-statement';
export { auditEventOf, type AccessRecordFields } from './audit-event';
export { instrumentCodes, extensionUrl, LOINC, RXNORM, SNOMED } from './codes';
export {
  exportGroups,
  NDJSON,
  parseExportRequest,
  PSEUDONYMISE,
  type ExportGroup,
  type ExportRequest,
} from './export/export-request';
export { pseudonymised, withheldEvent, WITHHELD } from './export/pseudonymise';
export { exportedResources, inGroup } from './export/export-lines';
