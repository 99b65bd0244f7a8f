import { PatientHistories } from './histories';
import { patientFacts } from './patient-facts';
import { effectivenessReport, type Cohort, type EffectivenessReport } from './report';
import { REPORT_FORMATS, renderReport } from './render';
import { wilson } from './statistics';
import { doseTaken, interleave, patientHistory, projectAll, range, type PatientSpec } from '../testing/cohort-events';

const ALL_DAYS = range(0, 83);
/**
 * Five integrated CBT patients on Sertraline (A-E) and four medication-only patients on Fluoxetine
 * without therapy (F-I). PHQ-9 at days 0, 28, 56, 84; every figure below is computed by hand.
 */
const A: PatientSpec = {
  id: 'pa',
  track: 'integrated',
  modality: 'CBT',
  drug: 'Sertraline',
  phq9: [20, 14, 10, 8],
  gad7: [15, 12, 9, 6],
  doseDays: ALL_DAYS,
  sideEffects: [{ day: 10, severity: 'mild' }],
  adjustmentDay: 28,
};
const B: PatientSpec = {
  id: 'pb',
  track: 'integrated',
  modality: 'CBT',
  drug: 'Sertraline',
  phq9: [16, 12, 8, 4],
  gad7: [12, 10, 6, 4],
  doseDays: ALL_DAYS,
};
/** 60 of 84 days covered: 71 %, below 80 %. */
const C: PatientSpec = {
  id: 'pc',
  track: 'integrated',
  modality: 'CBT',
  drug: 'Sertraline',
  phq9: [18, 17, 16, 15],
  gad7: [10, 10, 9, 9],
  doseDays: range(0, 59),
  sideEffects: [{ day: 20, severity: 'severe' }],
};
const D: PatientSpec = {
  id: 'pd',
  track: 'integrated',
  modality: 'CBT',
  drug: 'Sertraline',
  phq9: [10, 8, 6, 4],
  gad7: [8, 6, 5, 3],
  doseDays: ALL_DAYS,
};
/** 67 of 84 days covered: 67 x 5 = 335 < 84 x 4 = 336, just below 80 %; one more day makes it 80.95 %. */
const E: PatientSpec = {
  id: 'pe',
  track: 'integrated',
  modality: 'CBT',
  drug: 'Sertraline',
  phq9: [24, 20, 18, 13],
  gad7: [18, 16, 14, 12],
  doseDays: range(0, 83, range(10, 26)),
};
const fluoxetine = (id: string): PatientSpec => ({
  id,
  track: 'medication-only',
  drug: 'Fluoxetine',
  phq9: [15, 14, 13, 12],
  doseDays: ALL_DAYS,
});
const COHORT = [A, B, C, D, E, fluoxetine('pf'), fluoxetine('pg'), fluoxetine('ph'), fluoxetine('pi')];

const period = { from: '2026-01-01', to: '2026-06-30' };
const pseudonymOf = (id: string): string => `ps-${id.split('').reverse().join('')}`;

function report(events = interleave(COHORT.map(patientHistory)), minCohort = 5): EffectivenessReport {
  const histories = new PatientHistories().addAll(projectAll(events));
  return effectivenessReport(histories, { period, minCohort, pseudonymOf, pseudonymKeyId: 'key-1' });
}

const cohort = (r: EffectivenessReport, dimension: Cohort['dimension'], value: string): Cohort => {
  const found = r.cohorts.find((c) => c.dimension === dimension && c.value === value);
  if (!found) throw new Error(`no cohort ${dimension}/${value}`);
  return found;
};

describe('treatment-effectiveness report over a cohort computed by hand', () => {
  const r = report();

  it('counts the integrated CBT Sertraline cohort: baseline, mean change at weeks 4, 8, 12, response and remission', () => {
    const integrated = cohort(r, 'track', 'integrated').figures!;
    expect(integrated.patients).toBe(5);
    expect(integrated.phq9.baseline).toEqual({ n: 5, mean: 17.6 }); // (20+16+18+10+24)/5
    expect(integrated.phq9.change).toEqual({
      week4: { n: 5, mean: -3.4 }, // -6 -4 -1 -2 -4
      week8: { n: 5, mean: -6 }, // -10 -8 -2 -4 -6
      week12: { n: 5, mean: -8.8 }, // -12 -12 -3 -6 -11
    });
    // Response (week 12 at most half the baseline): A 8<=10, B 4<=8, D 4<=5; not C 15>9, E 13>12.
    expect(integrated.phq9.response).toEqual(wilson(3, 5));
    // Remission (week 12 below 5): B 4, D 4.
    expect(integrated.phq9.remission).toEqual(wilson(2, 5));
    expect(integrated.gad7.baseline).toEqual({ n: 5, mean: 12.6 });
    expect(integrated.gad7.response.events).toBe(3); // A 6<=7.5, B 4<=6, D 3<=4
    expect(integrated.gad7.remission.events).toBe(2); // B 4, D 3
    expect(cohort(r, 'modality', 'CBT').figures).toEqual(integrated); // the same five patients
  });

  it('gives 95 % Wilson score intervals', () => {
    expect(wilson(3, 5).ci95).toEqual([0.2307, 0.8824]);
    expect(wilson(0, 4)).toEqual({ n: 4, events: 0, rate: 0, ci95: [0, 0.4899] });
    expect(wilson(0, 0)).toEqual({ n: 0, events: 0, rate: null, ci95: null });
  });

  it('pools all patients, whatever their track', () => {
    const all = cohort(r, 'all', 'all').figures!;
    expect(all.patients).toBe(9);
    expect(all.phq9.baseline.mean).toBe(16.4444); // (88 + 4 x 15) / 9
    expect(all.phq9.change.week12.mean).toBe(-6.2222); // (-44 - 4 x 3) / 9
    expect(all.phq9.response).toEqual(wilson(3, 9));
    expect(all.gad7.baseline.n).toBe(5); // F-I have no GAD-7
  });

  it('puts patients in adherence bands by the PDC of their first 12 weeks', () => {
    const byId = Object.fromEntries(
      new PatientHistories()
        .addAll(projectAll(interleave(COHORT.map(patientHistory))))
        .entries()
        .map(([id, docs]) => [id, patientFacts(id, docs, period)!]),
    );
    expect(byId['pa']!.pdc).toEqual({ coveredDays: 84, eligibleDays: 84 });
    expect(byId['pc']!.pdc).toEqual({ coveredDays: 60, eligibleDays: 84 });
    expect(byId['pe']!.pdc).toEqual({ coveredDays: 67, eligibleDays: 84 });
    expect(Object.entries(byId).map(([id, f]) => [id, f.band])).toEqual([
      ['pa', 'pdc-80-or-more'],
      ['pb', 'pdc-80-or-more'],
      ['pc', 'pdc-below-80'],
      ['pd', 'pdc-80-or-more'],
      ['pe', 'pdc-below-80'],
      ['pf', 'pdc-80-or-more'],
      ['pg', 'pdc-80-or-more'],
      ['ph', 'pdc-80-or-more'],
      ['pi', 'pdc-80-or-more'],
    ]);
    const adherent = report(undefined, 2);
    expect(cohort(adherent, 'adherence', 'pdc-below-80').figures!.phq9.response).toEqual(wilson(0, 2)); // C, E
    expect(cohort(adherent, 'adherence', 'pdc-80-or-more').figures!.phq9.response).toEqual(wilson(3, 7)); // A, B, D of 7
  });

  it('moves a patient between bands when a late dose report arrives', () => {
    const late = [...interleave(COHORT.map(patientHistory)), doseTaken('pe', 10)];
    const after = report(late);
    expect(cohort(r, 'adherence', 'pdc-80-or-more').figures!.patients).toBe(7);
    expect(cohort(after, 'adherence', 'pdc-80-or-more').figures!.patients).toBe(8);
    expect(after.patientRows.find((p) => p.pseudonym === pseudonymOf('pe'))!.adherenceBand).toBe('pdc-80-or-more');
    expect(r.patientRows.find((p) => p.pseudonym === pseudonymOf('pe'))!.adherenceBand).toBe('suppressed'); // the band of 2 is below 5
  });

  it('suppresses cohorts below the threshold: 4 patients suppressed, 5 shown', () => {
    expect(cohort(r, 'medication', 'Fluoxetine')).toEqual({
      dimension: 'medication',
      value: 'Fluoxetine',
      suppressed: true,
      figures: null,
    });
    expect(cohort(r, 'medication', 'Sertraline')).toMatchObject({ suppressed: false, figures: { patients: 5 } });
    expect(cohort(r, 'track', 'medication-only').suppressed).toBe(true);
    expect(cohort(r, 'modality', 'none').suppressed).toBe(true);
    expect(cohort(report(undefined, 4), 'medication', 'Fluoxetine')).toMatchObject({
      suppressed: false,
      figures: { patients: 4 },
    });
    for (const format of REPORT_FORMATS) expect(renderReport(r, format)).toMatch(/suppressed/);
    // Patient rows never name a suppressed cohort.
    expect(r.patientRows.filter((p) => p.track === 'medication-only')).toEqual([]);
  });

  it('counts side effects per medication and the score change after a dose adjustment', () => {
    const sertraline = cohort(r, 'medication', 'Sertraline').figures!;
    expect(sertraline.sideEffects).toEqual({ incidence: wilson(2, 5), reports: 2, severeReports: 1 }); // A mild, C severe
    // A: adjusted on day 28 after the day-28 PHQ-9 of 14; the score nearest 28 days later is 10.
    expect(sertraline.doseAdjustments).toEqual({ adjustments: 1, withScores: { n: 1, mean: -4 } });
    expect(cohort(r, 'all', 'all').figures!.sideEffects).toBeNull();
  });

  it('leaves out patients whose plan started outside the period, and anything after its end', () => {
    const early = effectivenessReport(
      new PatientHistories().addAll(projectAll(interleave(COHORT.map(patientHistory)))),
      {
        period: { from: '2026-01-07', to: '2026-06-30' },
        pseudonymOf,
        pseudonymKeyId: 'k',
      },
    );
    expect(early.patients).toBe(0);
    const short = effectivenessReport(
      new PatientHistories().addAll(projectAll(interleave(COHORT.map(patientHistory)))),
      {
        period: { from: '2026-01-01', to: '2026-03-01' }, // day 54: no week-8 or week-12 score yet
        pseudonymOf,
        pseudonymKeyId: 'k',
      },
    );
    expect(cohort(short, 'all', 'all').figures!.phq9.change.week8.n).toBe(0);
    expect(cohort(short, 'all', 'all').figures!.phq9.response.n).toBe(0);
  });

  it('gives byte-identical output for the same log, however the patients interleave', () => {
    const reversed = report(interleave([...COHORT].reverse().map(patientHistory)));
    for (const format of REPORT_FORMATS) {
      expect(renderReport(reversed, format)).toBe(renderReport(r, format));
      expect(renderReport(report(), format)).toBe(renderReport(r, format));
    }
  });

  it('gives the same report when only the doses of the judged weeks are folded', () => {
    const events = [
      ...interleave(COHORT.map(patientHistory)),
      doseTaken('pe', 10),
      doseTaken('pa', 95),
      doseTaken('pb', -5),
    ];
    const lean = new PatientHistories({ period }).addAll(projectAll(events));
    const full = new PatientHistories().addAll(projectAll(events));
    for (const minCohort of [1, 5]) {
      const options = { period, minCohort, pseudonymOf, pseudonymKeyId: 'k' };
      expect(renderReport(effectivenessReport(lean, options), 'json')).toBe(
        renderReport(effectivenessReport(full, options), 'json'),
      );
    }
  });

  it('shows no personal data and no patient id in any format', () => {
    for (const format of REPORT_FORMATS) {
      const text = renderReport(report(undefined, 1), format);
      for (const secret of [
        'Ada-',
        'Secretname',
        '@example.org',
        '+44',
        'Secret symptom',
        'Secret instructions',
        'Secret reason',
        'pa-med',
        '"pa"',
        ',pa,',
      ]) {
        expect({ format, leaks: text.includes(secret) ? secret : null }).toEqual({ format, leaks: null });
      }
    }
    expect(report(undefined, 1).patientRows.map((p) => p.pseudonym)).toEqual(
      COHORT.map((p) => pseudonymOf(p.id)).sort(),
    );
  });

  it('draws an SVG trajectory per dimension in the HTML report', () => {
    const html = renderReport(r, 'html');
    expect(html.match(/<svg /g)?.length).toBe(10); // 5 dimensions x PHQ-9 and GAD-7
    expect(html).toContain('<polyline');
    expect(html).not.toMatch(/<script/);
  });
});
