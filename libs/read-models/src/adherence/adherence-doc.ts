import type { CancelledBy } from '@caretrail/domain';
import { type LocalDate } from '@caretrail/domain';
import type { ScheduleFact } from '../shared/validation';

/**
 * Doses of one local day, by how they were reported; `recordedLate` counts those among them recorded
 * more than 24 h after they occurred (data timeliness, not behaviour: docs/clinical-rules.md, "Late and recorded late").
 */
export type DoseCounts = { onTime: number; late: number; missed: number; recordedLate: number };
/** How one dose event counts: DoseTaken, DoseTakenLate or DoseMissed. */
export type DoseKind = 'onTime' | 'late' | 'missed';

/**
 * DoseCounts as a day stores them: kinds without a dose are left out (`{ onTime: 3 }`), which
 * keeps years of days small (docs/read-models.md).
 */
export type StoredDoseCounts = Partial<DoseCounts>;

export function doseCounts(stored: StoredDoseCounts | undefined): DoseCounts {
  return {
    onTime: stored?.onTime ?? 0,
    late: stored?.late ?? 0,
    missed: stored?.missed ?? 0,
    recordedLate: stored?.recordedLate ?? 0,
  };
}

export function storedDoseCounts(counts: DoseCounts): StoredDoseCounts {
  const stored: StoredDoseCounts = {};
  if (counts.onTime > 0) stored.onTime = counts.onTime;
  if (counts.late > 0) stored.late = counts.late;
  if (counts.missed > 0) stored.missed = counts.missed;
  if (counts.recordedLate > 0) stored.recordedLate = counts.recordedLate;
  return stored;
}

/** A dose adjustment: its schedule applies from the local date of `effectiveFrom` (docs/clinical-rules.md, "Regimen on a day"). */
export type AdjustmentFact = {
  eventId: string;
  position: number;
  effectiveFrom: string;
  schedule: ScheduleFact;
  /** The DoseAdjustmentCancelled that withdrew it before it took effect; absent or null: it stands. */
  cancelEventId?: string | null;
};

export type MedicationFacts = {
  medicationId: string;
  drugName: string | null;
  prescribedEventId: string;
  /** PDC eligibility starts on the local date of this instant. */
  startsAt: string;
  /** The prescription's schedule, in effect until the first adjustment's effective date. */
  schedule: ScheduleFact;
  /** In recording order; which one applies on a day is the domain's `changeInEffect`. */
  adjustments: AdjustmentFact[];
  /** Eligibility ends before the local date of this instant. */
  stoppedAt: string | null;
  stopEventId: string | null;
  /** The prescription was entered in error: the medication and its doses count nowhere. */
  voided: boolean;
  /**
   * Doses by the local day of their occurredAt: `{ 'YYYY-MM': { 'DD': { onTime: 3 } } }`. A month
   * whose doses all stopped counting stays, empty, so its row keeps saying when it last changed.
   */
  doses: Record<string, Record<string, StoredDoseCounts>>;
  /**
   * When the last event that changed each month's counts was recorded: time travel takes a month
   * from its stored row when nothing changed it after the as-of instant (docs/analytics.md).
   */
  monthsRecordedUntil?: Record<string, string>;
};

/** Where one recent dose event counts: its medication, its local day and as what. */
export type DoseIndexEntry = {
  medicationId: string;
  day: LocalDate;
  /** null once it counts nowhere: entered in error, or a miss superseded by a dose taken late. */
  countsAs: DoseKind | null;
  /** Recorded more than 24 h after it occurred: counted in the day's `recordedLate` wherever it counts. */
  recordedLate?: boolean;
};

const KIND_CODES: Record<string, DoseKind | null> = { o: 'onTime', l: 'late', m: 'missed', x: null };

/** An index entry as stored: the day of the month, how it counts (`o`, `l`, `m`, `x` for nowhere), `!` if recorded late. */
export function encodeDoseEntry(entry: DoseIndexEntry): string {
  const kind =
    entry.countsAs === 'onTime' ? 'o' : entry.countsAs === 'late' ? 'l' : entry.countsAs === 'missed' ? 'm' : 'x';
  return `${entry.day.slice(8, 10)}${kind}${entry.recordedLate ? '!' : ''}`;
}

export function decodeDoseEntry(month: string, medicationId: string, code: string): DoseIndexEntry {
  const countsAs = KIND_CODES[code.charAt(2)] ?? null;
  return {
    medicationId,
    day: `${month}-${code.slice(0, 2)}`,
    countsAs,
    ...(code.charAt(3) === '!' ? { recordedLate: true } : {}),
  };
}

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
   * from the newest dose), by month, medication and event id: what corrections and a miss turned
   * late need. Older doses live on only as day counts. Each entry is written short (`encodeDoseEntry`:
   * `'05o'`, `'17m!'`) because the patient row carries the whole index with every batch.
   */
  recentDoses: Record<string, Record<string, Record<string, string>>>;
  /** The last DOSE_INDEX_MIN dose event ids applied, whatever their day: a redelivered old dose stays a no-op. */
  lastDoseIds: string[];
  newestDoseDay: LocalDate | null;
  /** Closed sessions by session id; a correction finds its session through its stream name. */
  sessions: Record<string, SessionFact>;
};
