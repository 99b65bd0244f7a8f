/**
 * Measurement-based care (DOMAIN.md, "Measurement-based care registry"):
 * - baseline: the first score of the instrument in the episode of care; latest: the most recent by occurredAt;
 * - weeks in treatment count from the care plan's start (whole weeks of calendar days in the patient's zone);
 * - response: latest at most half the baseline (a drop of 50 % or more); remission: latest below 5;
 * - not improving at week 8: 8 or more weeks in treatment and no PHQ-9 response;
 * - no follow-up within 4 weeks: the plan is open and no PHQ-9 for more than 28 days.
 */
import type { Instrument } from '@caretrail/domain';
import { daysBetween, localDate, toMillis } from '../shared/local-time';
import type { EpisodeFact, RegistryDoc, ScoreFact } from './registry-doc';

export const WEEK_8 = 8;
export const FOLLOW_UP_DAYS = 28;
export const REMISSION_BELOW = 5;

export type ScorePoint = { total: number; occurredAt: string };

export type InstrumentSummary = {
  instrument: Instrument;
  baseline: ScorePoint;
  latest: ScorePoint;
  measurements: number;
  /** latest - baseline (negative is better). */
  change: number;
  response: boolean;
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
  const scores = episodeScores(doc.scores, episode, previous);
  const phq9 = summary('PHQ-9', scores);
  const gad7 = summary('GAD-7', scores);
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
      notImprovingAtWeek8: open && weeksInTreatment >= WEEK_8 && phq9 !== null && !phq9.response,
      noFollowUpWithin4Weeks: open && daysWithoutPhq9 > FOLLOW_UP_DAYS,
    },
  };
}

/**
 * The scores of an episode: measured after the previous episode closed (so an intake score taken
 * just before the plan started is its baseline) and, once it is closed, not after its closure.
 */
function episodeScores(
  scores: readonly ScoreFact[],
  episode: EpisodeFact,
  previous: EpisodeFact | undefined,
): ScoreFact[] {
  const after = previous?.closedAt ? toMillis(previous.closedAt) : Number.NEGATIVE_INFINITY;
  const until = episode.closedAt ? toMillis(episode.closedAt) : Number.POSITIVE_INFINITY;
  return scores.filter((s) => !s.voided && toMillis(s.occurredAt) > after && toMillis(s.occurredAt) <= until);
}

function summary(instrument: Instrument, scores: readonly ScoreFact[]): InstrumentSummary | null {
  const ordered = scores
    .filter((s) => s.instrument === instrument)
    .sort((a, b) => toMillis(a.occurredAt) - toMillis(b.occurredAt) || a.position - b.position);
  const first = ordered[0];
  const last = ordered.at(-1);
  if (!first || !last) return null;
  return {
    instrument,
    baseline: { total: first.total, occurredAt: first.occurredAt },
    latest: { total: last.total, occurredAt: last.occurredAt },
    measurements: ordered.length,
    change: last.total - first.total,
    // In integers: exactly half the baseline is a response.
    response: 2 * last.total <= first.total,
    remission: last.total < REMISSION_BELOW,
  };
}
