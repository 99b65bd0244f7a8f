/**
 * Measurement-based care, computed as docs/clinical-rules.md defines it: "Baseline window",
 * "PHQ-9 response and remission" (and the same for the GAD-7), "Week-8 not improving" and
 * "Follow-up gap". Weeks in treatment are whole weeks of the patient's calendar days from the plan's start.
 */
import type { Instrument } from '@caretrail/domain';
import { addDays, daysBetween, localDate } from '@caretrail/domain';
import { toMillis } from '../shared/instants';
import type { EpisodeFact, RegistryDoc, ScoreFact } from './registry-doc';

export const WEEK_8 = 8;
export const FOLLOW_UP_DAYS = 28;
export const REMISSION_BELOW = 5;
/** The baseline window: from this many days before the plan's start... */
export const BASELINE_DAYS_BEFORE_START = 14;
/** ...to this many days after it. */
export const BASELINE_DAYS_AFTER_START = 28;

export type ScorePoint = { total: number; occurredAt: string };

export type InstrumentSummary = {
  instrument: Instrument;
  /** null: no score in the baseline window, so no change or response can be judged. */
  baseline: ScorePoint | null;
  latest: ScorePoint;
  measurements: number;
  /** latest - baseline (negative is better); null without a baseline. */
  change: number | null;
  /** null without a baseline. */
  response: boolean | null;
  remission: boolean;
};

export type RegistryView = {
  patientId: string;
  carePlan: { carePlanId: string; startedAt: string; open: boolean; closedAt: string | null } | null;
  /** Whole weeks from the plan's start to the as-of day (or to the closure); null without a plan. */
  weeksInTreatment: number | null;
  phq9: InstrumentSummary | null;
  gad7: InstrumentSummary | null;
  /** Calendar days since the latest PHQ-9 of the episode; null when there is none. */
  daysSinceLastPhq9: number | null;
  flags: { notImprovingAtWeek8: boolean; noFollowUpWithin4Weeks: boolean };
};

export function registryView(doc: RegistryDoc, asOf: string): RegistryView {
  const asOfDay = localDate(asOf, doc.timeZone);
  const episodes = doc.episodes.filter((e) => !e.voided);
  const episode = episodes.at(-1);
  const previous = episodes.at(-2);
  if (!episode) {
    return {
      patientId: doc.patientId,
      carePlan: null,
      weeksInTreatment: null,
      phq9: null,
      gad7: null,
      daysSinceLastPhq9: null,
      flags: { notImprovingAtWeek8: false, noFollowUpWithin4Weeks: false },
    };
  }
  const open = episode.closedAt === null;
  const startDay = localDate(episode.startedAt, doc.timeZone);
  const endDay = episode.closedAt === null ? asOfDay : localDate(episode.closedAt, doc.timeZone);
  const weeksInTreatment = Math.floor(Math.max(0, daysBetween(startDay, endDay)) / 7);
  const scores = episodeScores(doc.scores, doc.timeZone, episode, previous);
  const baselineUntil = addDays(startDay, BASELINE_DAYS_AFTER_START);
  const inBaselineWindow = (score: ScoreFact): boolean => localDate(score.occurredAt, doc.timeZone) <= baselineUntil;
  const phq9 = summary('PHQ-9', scores, inBaselineWindow);
  const gad7 = summary('GAD-7', scores, inBaselineWindow);
  const daysSinceLastPhq9 = phq9 ? daysBetween(localDate(phq9.latest.occurredAt, doc.timeZone), asOfDay) : null;
  const daysWithoutPhq9 = daysSinceLastPhq9 ?? daysBetween(startDay, asOfDay);
  return {
    patientId: doc.patientId,
    carePlan: { carePlanId: episode.carePlanId, startedAt: episode.startedAt, open, closedAt: episode.closedAt },
    weeksInTreatment,
    phq9,
    gad7,
    daysSinceLastPhq9,
    flags: {
      // Without any PHQ-9 there is nothing to judge improvement by; the follow-up flag covers that case.
      // Without a PHQ-9 baseline there is nothing to judge improvement by: the view says "no baseline" instead.
      notImprovingAtWeek8: open && weeksInTreatment >= WEEK_8 && phq9?.response === false,
      noFollowUpWithin4Weeks: open && daysWithoutPhq9 > FOLLOW_UP_DAYS,
    },
  };
}

/**
 * The scores of an episode: from 14 days before its start (so an intake score taken just before the
 * plan started can be its baseline), after the previous episode closed, and, once it is closed, not
 * after its closure.
 */
function episodeScores(
  scores: readonly ScoreFact[],
  timeZone: string,
  episode: EpisodeFact,
  previous: EpisodeFact | undefined,
): ScoreFact[] {
  const fromDay = addDays(localDate(episode.startedAt, timeZone), -BASELINE_DAYS_BEFORE_START);
  const after = previous?.closedAt ? toMillis(previous.closedAt) : Number.NEGATIVE_INFINITY;
  const until = episode.closedAt ? toMillis(episode.closedAt) : Number.POSITIVE_INFINITY;
  return scores.filter(
    (s) =>
      !s.voided &&
      localDate(s.occurredAt, timeZone) >= fromDay &&
      toMillis(s.occurredAt) > after &&
      toMillis(s.occurredAt) <= until,
  );
}

function summary(
  instrument: Instrument,
  scores: readonly ScoreFact[],
  inBaselineWindow: (score: ScoreFact) => boolean,
): InstrumentSummary | null {
  const ordered = scores
    .filter((s) => s.instrument === instrument)
    .sort((a, b) => toMillis(a.occurredAt) - toMillis(b.occurredAt) || a.position - b.position);
  const first = ordered[0];
  const last = ordered.at(-1);
  if (!first || !last) return null;
  const baseline = inBaselineWindow(first) ? first : null;
  return {
    instrument,
    baseline: baseline && { total: baseline.total, occurredAt: baseline.occurredAt },
    latest: { total: last.total, occurredAt: last.occurredAt },
    measurements: ordered.length,
    change: baseline && last.total - baseline.total,
    // In integers: exactly half the baseline is a response.
    response: baseline && 2 * last.total <= baseline.total,
    remission: last.total < REMISSION_BELOW,
  };
}
