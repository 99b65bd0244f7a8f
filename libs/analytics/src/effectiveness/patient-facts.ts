/**
 * What the report takes from one patient's docs: the episode of care that started in the period,
 * its track and therapy, its medications, the PDC of its first 12 weeks, and the PHQ-9 and GAD-7
 * course. Definitions (docs/analytics.md):
 * - the episode: the first care plan (not entered in error) started within [from, to];
 * - track and modality: those the episode started with (intention to treat);
 * - baseline: the first score of the episode (registry definition), if measured by day 14;
 *   week k (4, 8, 12): the score nearest to day 7k within ±7 days; change = week k - baseline;
 * - response at week 12: 2 x week-12 score <= baseline; remission: week-12 score < 5 (docs/clinical-rules.md, "PHQ-9 response and remission");
 * - adherence band: PDC pooled over the episode's medications from its start to the end of week 12
 *   (or the period's end), covered * 5 >= eligible * 4 is ">= 80 %"; no eligible day, no band.
 */
import { medicationCalendar, pdcOver, type EpisodeFact, type ScoreFact } from '@caretrail/read-models';
import {
  addDays,
  daysBetween,
  localDate,
  type Instrument,
  type TreatmentTrack,
  type TherapyModality,
} from '@caretrail/domain';
import type { PatientDocs } from './histories';

export const WEEKS = [4, 8, 12] as const;
export type Week = (typeof WEEKS)[number];
export type AdherenceBand = 'pdc-80-or-more' | 'pdc-below-80';
export type ModalityCohort = TherapyModality | 'none';

/** A baseline later than this many days into treatment is no baseline. */
export const BASELINE_LATEST_DAY = 14;
/** A week-k score lies within this many days of day 7k. */
export const WEEK_TOLERANCE_DAYS = 7;
/** The adherence band is judged over the first 12 weeks (84 days), the horizon of the outcomes. */
export const ADHERENCE_DAYS = 84;
/** Score change after a dose adjustment: the latest PHQ-9 up to 28 days before it, and the one nearest 28 days after it (14 to 42). */
export const ADJUSTMENT_BEFORE_DAYS = 28;
export const ADJUSTMENT_AFTER = { nearest: 28, min: 14, max: 42 } as const;

export interface InstrumentCourse {
  baseline: number | null;
  weeks: Record<Week, number | null>;
  /** null without a baseline and a week-12 score. */
  response: boolean | null;
  remission: boolean | null;
}

export interface PatientFacts {
  patientId: string;
  track: TreatmentTrack;
  modality: ModalityCohort;
  /** Drug names of the medications active at some point of the episode, sorted, unique. */
  drugs: string[];
  pdc: { coveredDays: number; eligibleDays: number } | null;
  band: AdherenceBand | null;
  phq9: InstrumentCourse;
  gad7: InstrumentCourse;
  /** Side-effect reports during the episode by suspected drug. */
  sideEffects: Record<string, { reports: number; severe: number }>;
  /** PHQ-9 change after each dose adjustment in the episode; null when a score is missing. */
  adjustments: Array<{ drug: string; change: number | null }>;
}

export interface Period {
  /** First day (UTC), `YYYY-MM-DD`. */
  from: string;
  /** Last day (UTC), included. */
  to: string;
}

const instant = (date: string): number => Date.parse(`${date}T00:00:00Z`);
const ms = (iso: string): number => Date.parse(iso);

export function patientFacts(patientId: string, docs: PatientDocs, period: Period): PatientFacts | null {
  const { registry, plan } = docs;
  if (!registry || !plan) return null;
  const start = instant(period.from);
  const until = instant(addDays(period.to, 1));
  const episodes = registry.episodes.filter((e) => !e.voided);
  const index = episodes.findIndex((e) => ms(e.startedAt) >= start && ms(e.startedAt) < until);
  const episode = episodes[index];
  if (!episode) return null;
  const previous = index > 0 ? episodes[index - 1] : undefined;
  const tz = registry.timeZone;
  // Nothing after the period or after the episode's closure is looked at.
  const end = Math.min(until, episode.closedAt ? ms(episode.closedAt) + 1 : Number.POSITIVE_INFINITY);
  const startDay = localDate(episode.startedAt, tz);

  const log = plan.log.filter((entry) => !entry.voided);
  let track: TreatmentTrack | null = null;
  let modality: ModalityCohort = 'none';
  for (const { event } of log) {
    if (event.type === 'CarePlanStarted' && event.data.carePlanId === episode.carePlanId && track === null)
      track = event.data.track;
    if (event.type === 'TherapyPrescribed' && event.data.carePlanId === episode.carePlanId && modality === 'none')
      modality = event.data.modality;
  }
  if (track === null) return null;

  const medications = plan.plan.medications.filter(
    (m) => ms(m.startsAt) < end && (m.stoppedAt === null || ms(m.stoppedAt) > ms(episode.startedAt)),
  );
  const drugOf = new Map(medications.map((m) => [m.medicationId, drugName(m.drug.name)]));

  const pdc = pooledPdc(docs, [...drugOf.keys()], tz, startDay, end);
  const scores = episodeScores(registry.scores, episode, previous, end);

  const sideEffects: Record<string, { reports: number; severe: number }> = {};
  for (const effect of Object.values(docs.collaboration?.sideEffects ?? {})) {
    if (effect.voided || ms(effect.reportedAt) < ms(episode.startedAt) || ms(effect.reportedAt) >= end) continue;
    const drug = effect.suspectedMedicationId === null ? undefined : drugOf.get(effect.suspectedMedicationId);
    if (drug === undefined) continue;
    const tally = (sideEffects[drug] ??= { reports: 0, severe: 0 });
    tally.reports++;
    if (effect.severity === 'severe') tally.severe++;
  }

  const phq9 = scores.filter((s) => s.instrument === 'PHQ-9');
  const adjustments = medications.flatMap((m) =>
    m.adjustments
      .filter((a) => ms(a.effectiveFrom) >= ms(episode.startedAt) && ms(a.effectiveFrom) < end)
      .sort((a, b) => a.position - b.position)
      .map((a) => ({ drug: drugName(m.drug.name), change: changeAfter(phq9, a.effectiveFrom, tz) })),
  );

  return {
    patientId,
    track,
    modality,
    drugs: [...new Set(drugOf.values())].sort(),
    pdc,
    band:
      pdc === null || pdc.eligibleDays === 0
        ? null
        : pdc.coveredDays * 5 >= pdc.eligibleDays * 4
          ? 'pdc-80-or-more'
          : 'pdc-below-80',
    phq9: course('PHQ-9', scores, startDay, tz),
    gad7: course('GAD-7', scores, startDay, tz),
    sideEffects,
    adjustments,
  };
}

/** Drug names as prescribed, trimmed; the cohort key. */
function drugName(name: string | null | undefined): string {
  return (name ?? '').trim() || 'unnamed';
}

function pooledPdc(
  docs: PatientDocs,
  medicationIds: string[],
  tz: string,
  startDay: string,
  end: number,
): PatientFacts['pdc'] {
  const facts = medicationIds.flatMap((id) => {
    const m = docs.adherence?.medications[id];
    return m && !m.voided ? [m] : [];
  });
  if (facts.length === 0) return null;
  const periodEnd = localDate(end - 1, tz);
  const week12End = addDays(startDay, ADHERENCE_DAYS - 1);
  const lastDay = periodEnd < week12End ? periodEnd : week12End;
  const days = daysBetween(startDay, lastDay) + 1;
  if (days <= 0) return null;
  let coveredDays = 0;
  let eligibleDays = 0;
  for (const m of facts) {
    const pdc = pdcOver(medicationCalendar(m, tz), lastDay, days);
    coveredDays += pdc.coveredDays;
    eligibleDays += pdc.eligibleDays;
  }
  return { coveredDays, eligibleDays };
}

/** Registry rule: after the previous episode closed, not after this one closed; here also before the period's end. */
function episodeScores(
  scores: readonly ScoreFact[],
  episode: EpisodeFact,
  previous: EpisodeFact | undefined,
  end: number,
): ScoreFact[] {
  const after = previous?.closedAt ? ms(previous.closedAt) : Number.NEGATIVE_INFINITY;
  return scores
    .filter((s) => !s.voided && ms(s.occurredAt) > after && ms(s.occurredAt) < end)
    .sort((a, b) => ms(a.occurredAt) - ms(b.occurredAt) || a.position - b.position);
}

function course(instrument: Instrument, scores: readonly ScoreFact[], startDay: string, tz: string): InstrumentCourse {
  const own = scores
    .filter((s) => s.instrument === instrument)
    .map((s) => ({ s, day: daysBetween(startDay, localDate(s.occurredAt, tz)) }));
  const first = own[0];
  const baseline = first && first.day <= BASELINE_LATEST_DAY ? first : undefined;
  const weeks = { 4: null, 8: null, 12: null } as Record<Week, number | null>;
  if (baseline) {
    for (const week of WEEKS) {
      let best: { total: number; distance: number } | null = null;
      for (const { s, day } of own) {
        if (s === baseline.s) continue;
        const distance = Math.abs(day - 7 * week);
        if (distance <= WEEK_TOLERANCE_DAYS && (best === null || distance < best.distance))
          best = { total: s.total, distance };
      }
      weeks[week] = best?.total ?? null;
    }
  }
  const base = baseline?.s.total ?? null;
  const last = weeks[12];
  return {
    baseline: base,
    weeks,
    response: base === null || last === null ? null : 2 * last <= base,
    remission: base === null || last === null ? null : last < 5,
  };
}

function changeAfter(phq9: readonly ScoreFact[], effectiveFrom: string, tz: string): number | null {
  const day = localDate(effectiveFrom, tz);
  let before: ScoreFact | undefined;
  let after: { s: ScoreFact; distance: number } | undefined;
  for (const s of phq9) {
    const offset = daysBetween(day, localDate(s.occurredAt, tz));
    if (ms(s.occurredAt) <= ms(effectiveFrom) && offset >= -ADJUSTMENT_BEFORE_DAYS) before = s;
    if (offset >= ADJUSTMENT_AFTER.min && offset <= ADJUSTMENT_AFTER.max) {
      const distance = Math.abs(offset - ADJUSTMENT_AFTER.nearest);
      if (!after || distance < after.distance) after = { s, distance };
    }
  }
  return before && after ? after.s.total - before.total : null;
}
