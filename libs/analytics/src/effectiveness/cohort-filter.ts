import { DIMENSIONS, type Dimension, type EffectivenessReport, type PatientRow } from './report';

/** One dimension of the report, or one cohort of it (`medication:Sertraline`). */
export interface CohortFilter {
  dimension: Dimension;
  value?: string;
}

/** The patient-row attribute a dimension's cohorts are read from; drugs are not on the rows. */
const ROW_ATTRIBUTE: Partial<Record<Dimension, keyof PatientRow>> = {
  track: 'track',
  modality: 'modality',
  adherence: 'adherenceBand',
};

/** `dimension` or `dimension:value`; throws an Error that says what to give instead. */
export function parseCohortFilter(text: string): CohortFilter {
  const colon = text.indexOf(':');
  const dimension = colon < 0 ? text : text.slice(0, colon);
  const value = colon < 0 ? undefined : text.slice(colon + 1);
  if (!(DIMENSIONS as readonly string[]).includes(dimension))
    throw new Error(`cohort must be one of ${DIMENSIONS.join(', ')}, optionally with :<value> (got "${text}")`);
  if (value !== undefined && value.trim() === '') throw new Error(`cohort "${text}" names no value after the colon`);
  return { dimension: dimension as Dimension, ...(value === undefined ? {} : { value }) };
}

/**
 * The report narrowed to one dimension or one cohort (docs/analytics.md, "Filters"). Figures are
 * the report's own, so suppression holds: a suppressed cohort stays suppressed, and a patient row
 * whose attribute was suppressed matches no value.
 */
export function selectCohorts(report: EffectivenessReport, filter: CohortFilter): EffectivenessReport {
  const cohorts = report.cohorts.filter(
    (c) => c.dimension === filter.dimension && (filter.value === undefined || c.value === filter.value),
  );
  const attribute = ROW_ATTRIBUTE[filter.dimension];
  const patientRows =
    filter.value === undefined || attribute === undefined
      ? report.patientRows
      : report.patientRows.filter((row) => row[attribute] === filter.value);
  return { ...report, cohorts, patientRows };
}
