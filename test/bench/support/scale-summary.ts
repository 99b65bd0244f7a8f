/**
 * The health-system scale table (docs/performance.md, "Health-system scale:
 * every figure in one run"): after the benchmarks of one `npm run bench`,
 * every figure of that table is read from their reports of this same run,
 * beside its goal. A figure whose benchmark did not run says so.
 */
import type { ProjectionsReport, SizeReport } from '../projections.bench';
import type { CaseResult } from '../write-path.bench';
import { formatRatio, formatStat, table, type Stat } from './bench';

/** What each benchmark's JSON holds that the table reads (the rest is left out). */
export interface ScaleReports {
  'write-path'?: { cases: CaseResult[] };
  'audit-cost'?: {
    options: { clients: number };
    cases: Array<{ workload: string; on: Stat; off: Stat; cost: number; stats: Partial<Record<string, Stat>> }>;
  };
  projections?: ProjectionsReport;
  analytics?: { asOf: { doses: number; views: Array<{ view: string; p50Ms: number; p99Ms: number; maxMs: number }> } };
  relay?: { throughput: { relay: Stat; raw: Stat; ratio: number } };
}

export const GOALS = {
  writePathRatio: 0.4,
  auditCost: 0.15,
  readRatio: 0.85,
  rebuildRatio: 0.3,
  rebuildEventsPerSecond: 20_000,
  /** Rebuild goals hold from this size up (1M and 5M in the goal). */
  rebuildGoalFromEvents: 900_000,
  flatWithin: 0.15,
  peakRssMiB: 300,
  asOfP99Ms: 50,
  relayRatio: 0.7,
};

type Status = 'met' | 'missed' | 'not run';

interface Row {
  figure: string;
  measured: string;
  goal: string;
  status: Status;
}

const verdict = (met: boolean): Status => (met ? 'met' : 'missed');
const notRun = (figure: string, goal: string, bench: string): Row => ({
  figure,
  measured: `(the ${bench} benchmark did not run)`,
  goal,
  status: 'not run',
});
const size = (events: number): string =>
  events >= 1_000_000 ? `${(events / 1_000_000).toFixed(2)}M` : `${Math.round(events / 1000)}k`;
const perSecond = (n: number): string => `${Math.round(n).toLocaleString('en-US')}/s`;

function writePathRows(report: ScaleReports['write-path']): Row[] {
  const figure = 'HTTP write path (dose taken, 16 clients) vs raw single-row INSERT transactions';
  const goal = `>= ${formatRatio(GOALS.writePathRatio)}`;
  const at16 = report?.cases.find((c) => c.clients === 16) ?? report?.cases[0];
  if (!at16) return [notRun(figure, goal, 'write-path')];
  return [
    {
      figure: at16.clients === 16 ? figure : figure.replace('16 clients', `${at16.clients} clients`),
      measured: `${formatRatio(at16.ratio)}: ${formatStat(at16.careTrail.perSecond)} vs ${formatStat(at16.raw.perSecond)}/s`,
      goal,
      status: verdict(at16.ratio >= GOALS.writePathRatio),
    },
  ];
}

function auditRows(report: ScaleReports['audit-cost']): Row[] {
  const costGoal = `<= ${formatRatio(GOALS.auditCost)}`;
  const readGoal = `>= ${formatRatio(GOALS.readRatio)}`;
  const writes = (['taken', 'missed-with-text'] as const).map((workload): Row => {
    const figure = `audit + hashing + encryption cost on the write path (${workload === 'taken' ? 'dose taken' : 'dose missed with free text'})`;
    const c = report?.cases.find((x) => x.workload === workload);
    if (!c) return notRun(figure, costGoal, 'audit-cost');
    return {
      figure,
      measured: `${formatRatio(c.cost)}: on ${formatStat(c.on)} vs off ${formatStat(c.off)}/s`,
      goal: costGoal,
      status: verdict(c.cost <= GOALS.auditCost),
    };
  });
  const readFigure = 'reads at 16 clients, access log on vs off';
  const read = report?.cases.find((x) => x.workload === 'read');
  const without = read?.stats['no-access-log'];
  const reads: Row =
    read && without
      ? {
          figure: readFigure.replace('16', String(report!.options.clients)),
          measured: `${formatRatio(1 - read.cost)}: ${formatStat(read.on)} vs ${formatStat(without)}/s`,
          goal: readGoal,
          status: verdict(1 - read.cost >= GOALS.readRatio),
        }
      : notRun(readFigure, readGoal, 'audit-cost');
  return [...writes, reads];
}

function rebuildRows(report: ProjectionsReport | undefined): Row[] {
  const goal = `>= ${formatRatio(GOALS.rebuildRatio)} and >= ${GOALS.rebuildEventsPerSecond.toLocaleString('en-US')}/s, at 1M and at 5M`;
  if (!report || report.sizes.length === 0) return [notRun('rebuilds vs raw read', goal, 'projections')];
  const sizes = [...report.sizes].sort((a, b) => a.events - b.events);
  const models = [...new Set(sizes.flatMap((s) => s.rebuilds.map((r) => r.readModel)))];
  const goalSizes = sizes.filter((s) => s.events >= GOALS.rebuildGoalFromEvents);
  const rows = models.map((model): Row => {
    const at = (s: SizeReport) => s.rebuilds.find((r) => r.readModel === model);
    const measured = sizes
      .map((s) => {
        const r = at(s);
        return r ? `${formatRatio(r.ratio)} at ${size(s.events)} (${perSecond(r.rebuild.median)})` : undefined;
      })
      .filter((part) => part !== undefined)
      .join(', ');
    const judged = goalSizes.map(at).filter((r) => r !== undefined);
    const met = judged.every((r) => r.ratio >= GOALS.rebuildRatio && r.rebuild.median >= GOALS.rebuildEventsPerSecond);
    return {
      figure: `rebuild, ${model} vs raw read`,
      measured,
      goal,
      status: judged.length === 0 ? 'not run' : verdict(met),
    };
  });
  return [...rows, flatRow(sizes, models), rssRow(sizes)];
}

/** The ratio at the largest size against the ratio at the smallest, for each model. */
function flatRow(sizes: SizeReport[], models: string[]): Row {
  const smallest = sizes[0]!;
  const largest = sizes[sizes.length - 1]!;
  const figure = 'flat cost: ratio at the largest size over the ratio at the smallest';
  const goal = `within ${formatRatio(GOALS.flatWithin)} (5M against 100k)`;
  if (sizes.length < 2)
    return { figure, measured: `one size only (${size(smallest.events)})`, goal, status: 'not run' };
  const pairs = models.flatMap((model) => {
    const small = smallest.rebuilds.find((r) => r.readModel === model);
    const large = largest.rebuilds.find((r) => r.readModel === model);
    return small && large ? [{ model, small: small.ratio, large: large.ratio }] : [];
  });
  return {
    figure: `${figure} (${size(largest.events)} over ${size(smallest.events)})`,
    measured: pairs
      .map((p) => `${p.model} ${formatRatio(p.large)}/${formatRatio(p.small)} (${signed(p.large / p.small - 1)})`)
      .join(', '),
    goal,
    status: verdict(pairs.every((p) => p.large >= p.small * (1 - GOALS.flatWithin))),
  };
}

function rssRow(sizes: SizeReport[]): Row {
  const peaks = sizes.map((s) => ({
    events: s.events,
    low: Math.min(...s.rebuilds.map((r) => r.peakRssMiB.max)),
    high: Math.max(...s.rebuilds.map((r) => r.peakRssMiB.max)),
    worst: s.rebuilds.reduce((a, b) => (b.peakRssMiB.max > a.peakRssMiB.max ? b : a)).readModel,
  }));
  return {
    figure: 'rebuild peak RSS (lowest-highest of the models; the highest model named)',
    measured: peaks
      .map((p) => `${p.low.toFixed(0)}-${p.high.toFixed(0)} MiB at ${size(p.events)} (${p.worst})`)
      .join(', '),
    goal: `<= ${GOALS.peakRssMiB} MiB, flat`,
    status: verdict(peaks.every((p) => p.high <= GOALS.peakRssMiB)),
  };
}

function asOfRow(report: ScaleReports['analytics']): Row {
  const figure = 'time travel, adherence of a five-year daily-dose patient, p99';
  const goal = `<= ${GOALS.asOfP99Ms} ms`;
  const view = report?.asOf.views.find((v) => v.view === 'adherence');
  if (!view) return notRun(figure, goal, 'analytics');
  return {
    figure,
    measured: `${view.p99Ms.toFixed(1)} ms (p50 ${view.p50Ms.toFixed(1)}, max ${view.maxMs.toFixed(1)}; ${report!.asOf.doses.toLocaleString('en-US')} doses)`,
    goal,
    status: verdict(view.p99Ms <= GOALS.asOfP99Ms),
  };
}

function relayRow(report: ScaleReports['relay']): Row {
  const figure = 'relay vs raw producer';
  const goal = `>= ${formatRatio(GOALS.relayRatio)} every run`;
  if (!report) return notRun(figure, goal, 'relay');
  const t = report.throughput;
  return {
    figure,
    measured: `${formatRatio(t.ratio)}: ${formatStat(t.relay)} vs ${formatStat(t.raw)}/s`,
    goal,
    status: verdict(t.ratio >= GOALS.relayRatio),
  };
}

const signed = (fraction: number): string => `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(0)} %`;

/** The rows of the health-system scale table, from one run's reports. */
export function scaleRows(reports: ScaleReports): Row[] {
  return [
    ...writePathRows(reports['write-path']),
    ...auditRows(reports['audit-cost']),
    ...rebuildRows(reports.projections),
    asOfRow(reports.analytics),
    relayRow(reports.relay),
  ];
}

/** The table as Markdown, with how many goals were met. */
export function scaleSummary(reports: ScaleReports): string {
  const rows = scaleRows(reports);
  const judged = rows.filter((r) => r.status !== 'not run');
  return [
    'Health-system scale, every figure from this run (docs/performance.md):',
    '',
    table(
      ['figure', 'measured (median, min-max)', 'goal', ''],
      rows.map((r) => [r.figure, r.measured, r.goal, r.status]),
    ),
    '',
    `${judged.filter((r) => r.status === 'met').length} of ${judged.length} goals met in this run` +
      (judged.length < rows.length ? `; ${rows.length - judged.length} figures not run` : '') +
      '.',
  ].join('\n');
}
