/**
 * @caretrail/analytics: the analysts' questions (docs/analytics.md) as pure functions. Time travel folds a
 * patient's events up to T through the read models; the treatment-effectiveness report folds the
 * whole log into per-patient docs and aggregates pseudonymous cohorts. No I/O, no clock: the
 * command line and the API read the events and hand them in. docs/analytics.md has the definitions.
 */
export {
  AS_OF_BASES,
  caseReviewRowAsOf,
  DEFAULT_AS_OF_BASIS,
  DOSE_TYPES,
  PATIENT_VIEWS,
  foldEvents,
  patientAsOf,
  typesNotNeededBy,
  type AsOfBasis,
  type CaseReviewRowAsOf,
  type PatientAsOf,
  type PatientViewName,
} from './time-travel';
export { ADHERENCE_WINDOW_DAYS, adherenceAsOf, planAdherenceAsOf, type AdherenceAsOfPlan } from './adherence-as-of';
export { PatientHistories, type PatientDocs } from './effectiveness/histories';
export {
  patientFacts,
  type PatientFacts,
  type Period,
  type InstrumentCourse,
  type AdherenceBand,
} from './effectiveness/patient-facts';
export {
  DEFAULT_MIN_COHORT,
  DEFINITIONS,
  DIMENSIONS,
  effectivenessReport,
  type Cohort,
  type CohortFigures,
  type Dimension,
  type EffectivenessReport,
  type PatientRow,
  type ReportOptions,
} from './effectiveness/report';
export { parseCohortFilter, selectCohorts, type CohortFilter } from './effectiveness/cohort-filter';
export { REPORT_FORMATS, renderReport, trajectoryChart, type ReportFormat } from './effectiveness/render';
export { mean, wilson, type Mean, type Proportion } from './effectiveness/statistics';
