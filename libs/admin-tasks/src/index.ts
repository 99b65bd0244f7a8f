/**
 * @caretrail/admin-tasks: the operator's tasks that read or write the store
 * (seed, replay, the effectiveness report, a patient as of an instant). Each
 * checks its options once and runs on whichever process holds the store: the
 * command line's own, or the API server's when that server holds the
 * embedded data directory (its /admin task routes; docs/architecture.md).
 */
export { choiceOption, instantOption, TaskArgumentError, TaskRefused, type TaskOptions } from './task-options';
export { progressLine, type Progress } from './progress';
export { runSeedTask, SEED_OPTIONS, seedTaskArgs, type SeedTaskArgs, type SeedTaskContext } from './seed/seed-task';
export { replay, REPLAY_OPTIONS, replayTaskArgs, type ReplayOptions, type ReplayResult } from './replay/replay-task';
export {
  readHistories,
  REPORT_OPTIONS,
  reportPeriod,
  reportTaskArgs,
  runReportTask,
  type ReportTaskArgs,
  type ReportTaskResult,
} from './report/report-task';
export { loadPseudonymizer, type Pseudonymizer } from './report/pseudonyms';
export {
  PATIENT_AS_OF_OPTIONS,
  patientAsOfArgs,
  patientAsOfTask,
  type PatientAsOfArgs,
} from './patient-as-of/patient-as-of-task';
export { exportFhir, fhirSourceOf, type FhirExportPorts, type FhirExportRun } from './fhir-export/export-fhir';
