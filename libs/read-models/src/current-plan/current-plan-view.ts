import { changeInEffect, pendingChanges, type DoseSchedule, type Strength } from '@caretrail/domain';
import { localDate } from '@caretrail/domain';
import { toMillis } from '../shared/instants';
import type { AdjustmentEntry, CurrentPlan, CurrentPlanDoc, MedicationEntry, SessionEntry } from './current-plan-doc';

export type ActiveMedication = Omit<MedicationEntry, 'adjustments'> & {
  /** Strength and schedule in effect at the as-of instant (docs/clinical-rules.md, "Regimen on a day"). */
  currentSince: string;
  /** Not started yet: prescribed to start after the as-of instant. */
  startsInFuture: boolean;
  /** The next adjustment to take effect after the as-of instant, if any (a cancelled one never does). */
  nextAdjustment: {
    /** What a cancellation names (POST .../adjustments/{adjustmentId}/cancellation). */
    adjustmentId: string;
    effectiveFrom: string;
    strength: Strength;
    schedule: DoseSchedule;
  } | null;
};

export type UpcomingSession = Pick<
  SessionEntry,
  'sessionId' | 'kind' | 'scheduledFor' | 'durationMinutes' | 'clinicianId'
> & { rescheduled: boolean };

export type CurrentPlanView = Omit<CurrentPlan, 'medications'> & {
  patientId: string;
  timeZone: string;
  enrolledAt: string | null;
  /** Local calendar date of the last CarePlanReviewed of the current plan. */
  lastReviewDate: string | null;
  /** Not discontinued by the as-of instant (a prescription starting later counts, as on the write side). */
  medications: ActiveMedication[];
  /** Scheduled, not attended, missed or cancelled, and after the as-of instant; soonest first. */
  upcomingSessions: UpcomingSession[];
};

/** The doc is the answer; only what depends on "now" (active medications, schedules in effect, upcoming sessions) is computed here. */
export function currentPlanView(doc: CurrentPlanDoc, asOf: string): CurrentPlanView {
  const at = toMillis(asOf);
  const { medications, ...plan } = doc.plan;
  return {
    patientId: doc.patientId,
    timeZone: doc.timeZone,
    enrolledAt: doc.enrolledAt,
    ...plan,
    lastReviewDate: plan.carePlan?.lastReviewedAt ? localDate(plan.carePlan.lastReviewedAt, doc.timeZone) : null,
    medications: medications
      .filter((m) => m.stoppedAt === null || toMillis(m.stoppedAt) > at)
      .map((m) => activeMedication(m, at)),
    upcomingSessions: Object.values(doc.sessions)
      .filter((s) => s.status === 'scheduled' && toMillis(s.scheduledFor) > at)
      .sort((a, b) => toMillis(a.scheduledFor) - toMillis(b.scheduledFor) || a.sessionId.localeCompare(b.sessionId))
      .map(({ sessionId, kind, scheduledFor, durationMinutes, clinicianId, reschedules }) => ({
        sessionId,
        kind,
        scheduledFor,
        durationMinutes,
        clinicianId,
        rescheduled: reschedules.length > 0,
      })),
  };
}

function activeMedication(m: MedicationEntry, at: number): ActiveMedication {
  const { adjustments, ...rest } = m;
  const effective = (a: AdjustmentEntry): number => toMillis(a.effectiveFrom);
  const inEffect = changeInEffect(adjustments, effective, at);
  const [pending] = pendingChanges(adjustments, effective, at);
  return {
    ...rest,
    strength: inEffect?.strength ?? m.strength,
    schedule: inEffect?.schedule ?? m.schedule,
    currentSince: inEffect?.effectiveFrom ?? m.startsAt,
    startsInFuture: toMillis(m.startsAt) > at,
    nextAdjustment: pending
      ? {
          adjustmentId: pending.eventId,
          effectiveFrom: pending.effectiveFrom,
          strength: pending.strength,
          schedule: pending.schedule,
        }
      : null,
  };
}
