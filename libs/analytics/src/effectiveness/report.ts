/**
 * The treatment-effectiveness report (docs/analytics.md, "Treatment-effectiveness report"): outcome trajectories by
 * treatment track, therapy modality, medication and adherence band, with response and remission
 * rates (95 % Wilson intervals), side-effect incidence per medication and the score change after
 * dose adjustments. Pure: the same histories and options give the same report, to the byte once
 * rendered. Cohorts smaller than `minCohort` are suppressed: no figure of theirs is shown, not even
 * their size, and no patient row names them.
 */
import { mean, wilson, type Mean, type Proportion } from './statistics';
import type { PatientHistories } from './histories';
import {
  patientFacts,
  WEEKS,
  type AdherenceBand,
  type InstrumentCourse,
  type PatientFacts,
  type Period,
  type Week,
} from './patient-facts';

export type Dimension = 'all' | 'track' | 'modality' | 'medication' | 'adherence';
export const DIMENSIONS: readonly Dimension[] = ['all', 'track', 'modality', 'medication', 'adherence'];

export const DEFAULT_MIN_COHORT = 5;

export interface InstrumentSummary {
  baseline: Mean;
  /** Mean change from baseline (negative is better) among patients with both scores. */
  change: Record<`week${Week}`, Mean>;
  /** At week 12, among patients with a baseline and a week-12 score. */
  response: Proportion;
  remission: Proportion;
}

export interface CohortFigures {
  patients: number;
  phq9: InstrumentSummary;
  gad7: InstrumentSummary;
  /** Medication cohorts only: patients with at least one side effect attributed to the drug. */
  sideEffects: { incidence: Proportion; reports: number; severeReports: number } | null;
  /** PHQ-9 change after dose adjustments (of the drug, for medication cohorts). */
  doseAdjustments: { adjustments: number; withScores: Mean };
}

export interface Cohort {
  dimension: Dimension;
  /** The cohort's value: a track, a modality, a drug name, a band, or "all". */
  value: string;
  /** True when the cohort has fewer than `minCohort` patients: `figures` is null. */
  suppressed: boolean;
  figures: CohortFigures | null;
}

/** One pseudonymous patient; attributes whose cohort is suppressed read "suppressed". */
export interface PatientRow {
  pseudonym: string;
  track: string;
  modality: string;
  adherenceBand: string;
  pdc: number | null;
  phq9: InstrumentCourse;
  gad7: InstrumentCourse;
}

export interface EffectivenessReport {
  title: string;
  period: Period;
  minCohort: number;
  /** Identifies the pseudonym key without revealing it (reports made with the same key compare). */
  pseudonymKeyId: string;
  patients: number;
  cohorts: Cohort[];
  patientRows: PatientRow[];
  definitions: string[];
}

export interface ReportOptions {
  period: Period;
  minCohort?: number;
  /** Patient id -> stable pseudonym (a keyed hash, computed by the caller who holds the key). */
  pseudonymOf(patientId: string): string;
  pseudonymKeyId: string;
}

export const DEFINITIONS: readonly string[] = [
  'Patients: those whose first care plan started in the period (one episode each); nothing after the period or the plan’s closure counts.',
  'Track and therapy modality: those the episode started with (intention to treat).',
  'Medication cohorts: every drug active at some time in the episode; a patient on two drugs is in both.',
  'Baseline: the first score of the episode (an intake score before the plan started counts), if measured by day 14.',
  'Week 4, 8, 12: the score nearest to day 28, 56, 84 within ±7 days; change = that score − baseline (negative is better).',
  'Response at week 12: week-12 score at most half the baseline; remission: week-12 score below 5 (PHQ-9 and GAD-7).',
  'Rates carry 95 % Wilson score intervals.',
  'Adherence band: PDC over the episode’s medications from its start to the end of week 12 (or the period’s end), pooled; >= 80 % or < 80 %. Patients without an eligible day have no band.',
  'Side-effect incidence: patients with at least one report that suspects the drug, during the episode, among the drug’s patients.',
  'Dose adjustments: PHQ-9 nearest to 28 days after the effective date (14 to 42 days) minus the latest PHQ-9 in the 28 days up to it.',
  'Suppression: a cohort with fewer patients than the threshold shows no figure, not even its size.',
];

export function effectivenessReport(histories: PatientHistories, options: ReportOptions): EffectivenessReport {
  const minCohort = options.minCohort ?? DEFAULT_MIN_COHORT;
  const facts = histories
    .entries()
    .map(([id, docs]) => patientFacts(id, docs, options.period))
    .filter((f): f is PatientFacts => f !== null);

  const members = new Map<string, PatientFacts[]>();
  const join = (dimension: Dimension, value: string, f: PatientFacts): void => {
    const key = `${dimension}\u0000${value}`;
    const list = members.get(key);
    if (list) list.push(f);
    else members.set(key, [f]);
  };
  for (const f of facts) {
    join('all', 'all', f);
    join('track', f.track, f);
    join('modality', f.modality, f);
    for (const drug of f.drugs) join('medication', drug, f);
    if (f.band) join('adherence', f.band, f);
  }

  const cohorts: Cohort[] = [...members.entries()]
    .map(([key, list]) => {
      const [dimension, value] = key.split('\u0000') as [Dimension, string];
      const suppressed = list.length < minCohort;
      return { dimension, value, suppressed, figures: suppressed ? null : figures(dimension, value, list) };
    })
    .sort((a, b) => DIMENSIONS.indexOf(a.dimension) - DIMENSIONS.indexOf(b.dimension) || compare(a.value, b.value));

  const shown = new Set(cohorts.filter((c) => !c.suppressed).map((c) => `${c.dimension}\u0000${c.value}`));
  const visible = (dimension: Dimension, value: string | null): string =>
    value === null ? 'none' : shown.has(`${dimension}\u0000${value}`) ? value : 'suppressed';
  const patientRows = facts
    .map((f): PatientRow => ({
      pseudonym: options.pseudonymOf(f.patientId),
      track: visible('track', f.track),
      modality: visible('modality', f.modality),
      adherenceBand: visible('adherence', f.band),
      pdc:
        f.band !== null && shown.has(`adherence\u0000${f.band}`) && f.pdc
          ? Math.round((f.pdc.coveredDays / f.pdc.eligibleDays) * 10_000) / 10_000
          : null,
      phq9: f.phq9,
      gad7: f.gad7,
    }))
    .sort((a, b) => compare(a.pseudonym, b.pseudonym));

  return {
    title: 'Treatment effectiveness',
    period: options.period,
    minCohort,
    pseudonymKeyId: options.pseudonymKeyId,
    patients: facts.length,
    cohorts,
    // A cohort of all patients below the threshold would be re-identifiable row by row: no rows then.
    patientRows: facts.length < minCohort ? [] : patientRows,
    definitions: [...DEFINITIONS, `Threshold: ${minCohort} patients.`],
  };
}

function figures(dimension: Dimension, value: string, list: readonly PatientFacts[]): CohortFigures {
  const drug = dimension === 'medication' ? value : null;
  let reports = 0;
  let severe = 0;
  let withSideEffect = 0;
  if (drug !== null) {
    for (const f of list) {
      const tally = f.sideEffects[drug];
      if (!tally) continue;
      withSideEffect++;
      reports += tally.reports;
      severe += tally.severe;
    }
  }
  const adjustments = list.flatMap((f) => f.adjustments.filter((a) => drug === null || a.drug === drug));
  return {
    patients: list.length,
    phq9: instrument(list.map((f) => f.phq9)),
    gad7: instrument(list.map((f) => f.gad7)),
    sideEffects:
      drug === null ? null : { incidence: wilson(withSideEffect, list.length), reports, severeReports: severe },
    doseAdjustments: {
      adjustments: adjustments.length,
      withScores: mean(adjustments.flatMap((a) => (a.change === null ? [] : [a.change]))),
    },
  };
}

function instrument(courses: readonly InstrumentCourse[]): InstrumentSummary {
  const change = (week: Week): Mean =>
    mean(
      courses.flatMap((c) => {
        const score = c.weeks[week];
        return c.baseline === null || score === null ? [] : [score - c.baseline];
      }),
    );
  const judged = courses.filter((c) => c.response !== null);
  return {
    baseline: mean(courses.flatMap((c) => (c.baseline === null ? [] : [c.baseline]))),
    change: { week4: change(4), week8: change(8), week12: change(12) },
    response: wilson(judged.filter((c) => c.response).length, judged.length),
    remission: wilson(judged.filter((c) => c.remission).length, judged.length),
  };
}

/** Code-point order, independent of the locale (sorting must not change from machine to machine). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const BAND_LABELS: Record<AdherenceBand, string> = {
  'pdc-80-or-more': 'PDC >= 80 %',
  'pdc-below-80': 'PDC < 80 %',
};
export { WEEKS };
