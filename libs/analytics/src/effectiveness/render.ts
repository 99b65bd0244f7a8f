/**
 * The report as Markdown, JSON, CSV or HTML (with hand-written SVG charts). Every format is a
 * function of the report alone: no clock, no locale, sorted input, fixed decimals, so the same log
 * gives the same bytes.
 */
import {
  BAND_LABELS,
  DIMENSIONS,
  type Cohort,
  type Dimension,
  type EffectivenessReport,
  type InstrumentSummary,
} from './report';
import type { Mean, Proportion } from './statistics';

export type ReportFormat = 'md' | 'json' | 'csv' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'json', 'csv', 'html'];

export function renderReport(report: EffectivenessReport, format: ReportFormat): string {
  switch (format) {
    case 'md':
      return markdown(report);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv':
      return csv(report);
    case 'html':
      return html(report);
  }
}

const DIMENSION_TITLES: Record<Dimension, string> = {
  all: 'All patients',
  track: 'By treatment track',
  modality: 'By therapy modality',
  medication: 'By medication',
  adherence: 'By adherence band',
};

export function cohortLabel(c: Pick<Cohort, 'dimension' | 'value'>): string {
  if (c.dimension === 'all') return 'all patients';
  if (c.dimension === 'adherence') return BAND_LABELS[c.value as keyof typeof BAND_LABELS] ?? c.value;
  return c.value;
}

const fixed = (n: number | null, digits = 1): string => (n === null ? '–' : n.toFixed(digits));
const signed = (n: number | null): string => (n === null ? '–' : `${n > 0 ? '+' : ''}${n.toFixed(1)}`);
const meanText = (m: Mean): string => (m.mean === null ? '–' : `${signed(m.mean)} (n=${m.n})`);
const percent = (p: Proportion): string =>
  p.rate === null || p.ci95 === null
    ? '– (n=0)'
    : `${(p.rate * 100).toFixed(1)} % [${(p.ci95[0] * 100).toFixed(1)}–${(p.ci95[1] * 100).toFixed(1)}] (${p.events}/${p.n})`;

function suppressedNote(report: EffectivenessReport): string {
  const count = report.cohorts.filter((c) => c.suppressed).length;
  return count === 0
    ? `No cohort was below the threshold of ${report.minCohort} patients.`
    : `${count} cohort(s) with fewer than ${report.minCohort} patients are suppressed: no figure of theirs is shown.`;
}

function cohortsOf(report: EffectivenessReport, dimension: Dimension): Cohort[] {
  return report.cohorts.filter((c) => c.dimension === dimension);
}

function outcomeRows(cohorts: readonly Cohort[], key: 'phq9' | 'gad7'): string[][] {
  return cohorts.map((c) => {
    if (!c.figures) return [cohortLabel(c), `suppressed (< threshold)`, '', '', '', '', '', ''];
    const s: InstrumentSummary = c.figures[key];
    return [
      cohortLabel(c),
      String(c.figures.patients),
      s.baseline.mean === null ? '–' : `${fixed(s.baseline.mean)} (n=${s.baseline.n})`,
      meanText(s.change.week4),
      meanText(s.change.week8),
      meanText(s.change.week12),
      percent(s.response),
      percent(s.remission),
    ];
  });
}

const OUTCOME_HEADER = [
  'cohort',
  'patients',
  'baseline',
  'change wk 4',
  'change wk 8',
  'change wk 12',
  'response wk 12 [95 % CI]',
  'remission wk 12 [95 % CI]',
];

function markdownTable(header: string[], rows: string[][]): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
  ].join('\n');
}

function sideEffectRows(report: EffectivenessReport): string[][] {
  return cohortsOf(report, 'medication').map((c) =>
    c.figures?.sideEffects
      ? [
          cohortLabel(c),
          String(c.figures.patients),
          percent(c.figures.sideEffects.incidence),
          String(c.figures.sideEffects.reports),
          String(c.figures.sideEffects.severeReports),
        ]
      : [cohortLabel(c), 'suppressed (< threshold)', '', '', ''],
  );
}

function adjustmentRows(report: EffectivenessReport): string[][] {
  return [...cohortsOf(report, 'all'), ...cohortsOf(report, 'medication')].map((c) =>
    c.figures
      ? [cohortLabel(c), String(c.figures.doseAdjustments.adjustments), meanText(c.figures.doseAdjustments.withScores)]
      : [cohortLabel(c), 'suppressed (< threshold)', ''],
  );
}

function markdown(report: EffectivenessReport): string {
  const out: string[] = [
    `# ${report.title}: ${report.period.from} to ${report.period.to}`,
    '',
    `Patients: ${report.patients < report.minCohort ? `fewer than ${report.minCohort} (suppressed)` : report.patients}. Pseudonym key: ${report.pseudonymKeyId}. ${suppressedNote(report)}`,
    '',
  ];
  for (const [key, title] of [
    ['phq9', 'PHQ-9'],
    ['gad7', 'GAD-7'],
  ] as const) {
    out.push(`## ${title}`, '');
    for (const dimension of DIMENSIONS) {
      const cohorts = cohortsOf(report, dimension);
      if (cohorts.length === 0) continue;
      out.push(`### ${DIMENSION_TITLES[dimension]}`, '', markdownTable(OUTCOME_HEADER, outcomeRows(cohorts, key)), '');
    }
  }
  out.push(
    '## Side effects by medication',
    '',
    markdownTable(['medication', 'patients', 'incidence [95 % CI]', 'reports', 'severe'], sideEffectRows(report)),
    '',
  );
  out.push(
    '## PHQ-9 change after dose adjustments',
    '',
    markdownTable(['cohort', 'adjustments', 'mean change (n with scores)'], adjustmentRows(report)),
    '',
  );
  out.push('## Definitions', '', ...report.definitions.map((d) => `- ${d}`), '');
  return out.join('\n');
}

const CSV_HEADER = [
  'dimension',
  'cohort',
  'suppressed',
  'patients',
  ...['phq9', 'gad7'].flatMap((i) => [
    `${i}_baseline_mean`,
    `${i}_baseline_n`,
    ...['week4', 'week8', 'week12'].flatMap((w) => [`${i}_change_${w}_mean`, `${i}_change_${w}_n`]),
    ...['response', 'remission'].flatMap((r) => [
      `${i}_${r}_rate`,
      `${i}_${r}_ci_low`,
      `${i}_${r}_ci_high`,
      `${i}_${r}_events`,
      `${i}_${r}_n`,
    ]),
  ]),
  'side_effect_incidence',
  'side_effect_ci_low',
  'side_effect_ci_high',
  'side_effect_patients',
  'side_effect_reports',
  'side_effect_severe_reports',
  'dose_adjustments',
  'dose_adjustment_phq9_change_mean',
  'dose_adjustment_with_scores',
];

function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(report: EffectivenessReport): string {
  const lines = [CSV_HEADER.join(',')];
  for (const c of report.cohorts) {
    const f = c.figures;
    const cells: Array<string | number | boolean | null> = [c.dimension, c.value, c.suppressed, f ? f.patients : null];
    for (const key of ['phq9', 'gad7'] as const) {
      const s = f?.[key];
      cells.push(s?.baseline.mean ?? null, s ? s.baseline.n : null);
      for (const w of ['week4', 'week8', 'week12'] as const)
        cells.push(s?.change[w].mean ?? null, s ? s.change[w].n : null);
      for (const r of ['response', 'remission'] as const) {
        const p = s?.[r];
        cells.push(p?.rate ?? null, p?.ci95?.[0] ?? null, p?.ci95?.[1] ?? null, p ? p.events : null, p ? p.n : null);
      }
    }
    const se = f?.sideEffects;
    cells.push(
      se?.incidence.rate ?? null,
      se?.incidence.ci95?.[0] ?? null,
      se?.incidence.ci95?.[1] ?? null,
      se ? se.incidence.events : null,
      se ? se.reports : null,
      se ? se.severeReports : null,
    );
    cells.push(
      f ? f.doseAdjustments.adjustments : null,
      f?.doseAdjustments.withScores.mean ?? null,
      f ? f.doseAdjustments.withScores.n : null,
    );
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

function htmlTable(header: string[], rows: string[][]): string {
  const head = `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Colour-blind-safe palette (Okabe & Ito), cycled. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

/**
 * Mean change from baseline at weeks 0, 4, 8 and 12, one line per shown cohort. Hand-written
 * SVG: a fixed frame, a y axis that covers every plotted value and zero, a legend on the right.
 */
export function trajectoryChart(cohorts: readonly Cohort[], key: 'phq9' | 'gad7', title: string): string {
  const series = cohorts.flatMap((c) => {
    if (c.figures === null) return [];
    const s = c.figures[key];
    const points: Array<[number, number]> = [[0, 0]];
    for (const [week, m] of [
      [4, s.change.week4],
      [8, s.change.week8],
      [12, s.change.week12],
    ] as const)
      if (m.mean !== null) points.push([week, m.mean]);
    return [{ label: cohortLabel(c), points }];
  });
  const width = 640;
  const height = 300;
  const left = 50;
  const right = 190;
  const top = 30;
  const bottom = 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const values = series.flatMap((s) => s.points.map(([, v]) => v));
  let min = Math.floor(Math.min(0, ...values) / 2) * 2;
  let max = Math.ceil(Math.max(0, ...values) / 2) * 2;
  if (min === max) {
    min -= 2;
    max += 2;
  }
  const x = (week: number): number => left + (week / 12) * plotW;
  const y = (v: number): number => top + ((max - v) / (max - min)) * plotH;
  const n = (v: number): string => v.toFixed(1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<text x="${left}" y="18" font-size="13" font-family="sans-serif">${escapeHtml(title)}</text>`,
  ];
  const step = Math.max(1, Math.ceil((max - min) / 8));
  for (let v = min; v <= max; v += step) {
    parts.push(
      `<line x1="${left}" y1="${n(y(v))}" x2="${left + plotW}" y2="${n(y(v))}" stroke="${v === 0 ? '#888' : '#ddd'}" stroke-width="1"/>`,
    );
    parts.push(
      `<text x="${left - 6}" y="${n(y(v) + 4)}" font-size="11" font-family="sans-serif" text-anchor="end">${v}</text>`,
    );
  }
  for (const week of [0, 4, 8, 12]) {
    parts.push(
      `<text x="${n(x(week))}" y="${height - bottom + 16}" font-size="11" font-family="sans-serif" text-anchor="middle">wk ${week}</text>`,
    );
  }
  parts.push(
    `<text x="${left + plotW / 2}" y="${height - 6}" font-size="11" font-family="sans-serif" text-anchor="middle">mean change from baseline</text>`,
  );
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length] ?? '#000000';
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${s.points.map(([w, v]) => `${n(x(w))},${n(y(v))}`).join(' ')}"/>`,
    );
    for (const [w, v] of s.points) parts.push(`<circle cx="${n(x(w))}" cy="${n(y(v))}" r="3" fill="${colour}"/>`);
    const ly = top + 14 + i * 18;
    parts.push(`<rect x="${left + plotW + 14}" y="${ly - 9}" width="12" height="12" fill="${colour}"/>`);
    parts.push(
      `<text x="${left + plotW + 32}" y="${ly + 1}" font-size="11" font-family="sans-serif">${escapeHtml(s.label.slice(0, 22))}</text>`,
    );
  });
  if (series.length === 0)
    parts.push(
      `<text x="${left + 10}" y="${top + 20}" font-size="12" font-family="sans-serif">No cohort large enough to show.</text>`,
    );
  parts.push('</svg>');
  return parts.join('\n');
}

function html(report: EffectivenessReport): string {
  const title = `${report.title}: ${report.period.from} to ${report.period.to}`;
  const body: string[] = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>Patients: ${report.patients < report.minCohort ? `fewer than ${report.minCohort} (suppressed)` : report.patients}. Pseudonym key: <code>${escapeHtml(report.pseudonymKeyId)}</code>. ${escapeHtml(suppressedNote(report))}</p>`,
  ];
  for (const [key, name] of [
    ['phq9', 'PHQ-9'],
    ['gad7', 'GAD-7'],
  ] as const) {
    body.push(`<h2>${name}</h2>`);
    for (const dimension of DIMENSIONS) {
      const cohorts = cohortsOf(report, dimension);
      if (cohorts.length === 0) continue;
      body.push(`<h3>${escapeHtml(DIMENSION_TITLES[dimension])}</h3>`);
      body.push(
        `<figure>${trajectoryChart(cohorts, key, `${name} trajectory, ${DIMENSION_TITLES[dimension].toLowerCase()}`)}</figure>`,
      );
      body.push(htmlTable(OUTCOME_HEADER, outcomeRows(cohorts, key)));
    }
  }
  body.push(
    '<h2>Side effects by medication</h2>',
    htmlTable(['medication', 'patients', 'incidence [95 % CI]', 'reports', 'severe'], sideEffectRows(report)),
  );
  body.push(
    '<h2>PHQ-9 change after dose adjustments</h2>',
    htmlTable(['cohort', 'adjustments', 'mean change (n with scores)'], adjustmentRows(report)),
  );
  body.push(
    '<h2>Definitions</h2>',
    `<ul>\n${report.definitions.map((d) => `<li>${escapeHtml(d)}</li>`).join('\n')}\n</ul>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
th { background: #f3f3f3; }
figure { margin: 0; }
</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
