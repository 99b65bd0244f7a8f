import type { CancelledBy } from '@caretrail/domain';
import type { LocalDate } from '../shared/local-time';
import type { ScheduleFact } from '../shared/validation';

/** Doses of one local day: [taken on time, taken late, missed]. */
export type DoseCounts = [onTime: number, late: number, missed: number];
export const ON_TIME = 0;
export const LATE = 1;
export const MISSED = 2;
export type DoseKind = typeof ON_TIME | typeof LATE | typeof MISSED;
/** A dose entered in error, or a miss superseded by a late dose: it counts nowhere any more. */
export const GONE = -1;

/** A dose adjustment: its schedule applies from the local date of `effectiveFrom` (DOMAIN.md, adherence). */
export type AdjustmentFact = { eventId: string; position: number; effectiveFrom: string; schedule: ScheduleFact };

export type MedicationFacts = {
  medicationId: string;
  drugName: string | null;
  prescribedEventId: string;
  /** PDC eligibility starts on the local date of this instant. */
  startsAt: string;
  /** The prescription's schedule, in effect until the first adjustment's effective date. */
  schedule: ScheduleFact;
  /** In recording order; on a given day the last recorded one already in effect applies. */
  adjustments: AdjustmentFact[];
  /** Eligibility ends before the local date of this instant. */
  stoppedAt: string | null;
  stopEventId: string | null;
  /** The prescription was entered in error: the medication and its doses count nowhere. */
  voided: boolean;
  /** Doses by the local day of their occurredAt: `{ 'YYYY-MM': { 'DD': [onTime, late, missed] } }`. */
  doses: Record<string, Record<string, DoseCounts>>;
};

/** `[medicationId, local day, kind or GONE]` of one recent dose event. */
export type DoseIndexEntry = [medicationId: string, day: LocalDate, kind: DoseKind | typeof GONE];

/** A session attended, missed or cancelled (only these count for attendance). */
export type SessionFact = {
  status: 'attended' | 'missed' | 'cancelled';
  /** occurredAt of the attendance, no-show or cancellation. */
  at: string;
  cancelledBy: CancelledBy | null;
};

/** One row per patient. */
export type AdherenceDoc = {
  patientId: string;
  /** IANA zone recorded at enrolment (default UTC): days are calendar days in it. */
  timeZone: string;
  enrolmentEventId: string | null;
  medications: Record<string, MedicationFacts>;
  /**
   * The dose events of the local months that overlap the last DOSE_INDEX_DAYS days (counted back
   * from the newest dose), by month then event id: what corrections and a miss turned late need.
   * Older doses live on only as day counts.
   */
  recentDoses: Record<string, Record<string, DoseIndexEntry>>;
  /** The last DOSE_INDEX_MIN dose event ids applied, whatever their day: a redelivered old dose stays a no-op. */
  lastDoseIds: string[];
  newestDoseDay: LocalDate | null;
  /** Closed sessions by session id; a correction finds its session through its stream name. */
  sessions: Record<string, SessionFact>;
};
