import { addDays, daysBetween, localDate, type LocalDate } from '@caretrail/domain';
import { isInstant, toMillis } from '../shared/instants';
import { doseCounts, type AdherenceDoc, type MedicationFacts, type SessionFact } from './adherence-doc';
import { medicationCalendar, pdcOver, type MedicationCalendar, type Pdc } from './pdc';

/**
 * Dose-level counts; `taken` = on time + late (a miss later reported taken is late, not missed).
 * `recordedLate`: of these doses, those recorded more than 24 h after they occurred, whatever their kind
 * (docs/clinical-rules.md, "Late and recorded late").
 */
export type DoseTally = { taken: number; onTime: number; late: number; missed: number; recordedLate: number };

export type MedicationAdherence = {
  medicationId: string;
  drugName: string | null;
  startsAt: string;
  stoppedAt: string | null;
  /** Started and not stopped at the as-of instant. */
  active: boolean;
  pdc30: Pdc;
  pdc90: Pdc;
  /** Doses by the local day of occurredAt, up to and including the discontinuation date. */
  doses: { last30Days: DoseTally; last90Days: DoseTally; allTime: DoseTally };
};

/** Attendance rate = attended / (attended + missed); cancellations are excluded and reported apart (docs/clinical-rules.md, "Attendance"). */
export type Attendance = {
  attended: number;
  missed: number;
  cancelled: number;
  cancelledBy: { patient: number; clinician: number; clinic: number };
  /** null when nothing was attended or missed. */
  rate: number | null;
};

export type AdherenceView = {
  patientId: string;
  timeZone: string;
  asOfDay: LocalDate;
  medications: MedicationAdherence[];
  sessions: { last90Days: Attendance; allTime: Attendance };
};

/**
 * Windows are computed here, for the as-of day, because "today" moves while the doc only changes
 * with events. Assumes `asOf` is not before the doc's newest event (time travel: replay up to T, view as of T).
 */
export function adherenceView(doc: AdherenceDoc, asOf: string): AdherenceView {
  const asOfDay = localDate(asOf, doc.timeZone);
  const medications = Object.values(doc.medications)
    .filter((m) => !m.voided)
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.medicationId.localeCompare(b.medicationId))
    .map((m) => medicationAdherence(m, doc.timeZone, asOf, asOfDay));
  const sessions = Object.values(doc.sessions);
  const windowStart = addDays(asOfDay, -89);
  const recent = sessions.filter((s) => {
    if (!isInstant(s.at)) return false;
    const day = localDate(s.at, doc.timeZone);
    return day >= windowStart && day <= asOfDay;
  });
  return {
    patientId: doc.patientId,
    timeZone: doc.timeZone,
    asOfDay,
    medications,
    sessions: { last90Days: attendance(recent), allTime: attendance(sessions) },
  };
}

function medicationAdherence(
  m: MedicationFacts,
  timeZone: string,
  asOf: string,
  asOfDay: LocalDate,
): MedicationAdherence {
  const calendar = medicationCalendar(m, timeZone);
  const at = toMillis(asOf);
  return {
    medicationId: m.medicationId,
    drugName: m.drugName,
    startsAt: m.startsAt,
    stoppedAt: m.stoppedAt,
    active: toMillis(m.startsAt) <= at && (m.stoppedAt === null || at < toMillis(m.stoppedAt)),
    pdc30: pdcOver(calendar, asOfDay, 30),
    pdc90: pdcOver(calendar, asOfDay, 90),
    doses: {
      last30Days: tally(m, calendar, addDays(asOfDay, -29), asOfDay),
      last90Days: tally(m, calendar, addDays(asOfDay, -89), asOfDay),
      allTime: tally(m, calendar, null, null),
    },
  };
}

function tally(
  m: MedicationFacts,
  calendar: MedicationCalendar,
  from: LocalDate | null,
  to: LocalDate | null,
): DoseTally {
  const sum = doseCounts(undefined);
  for (const [month, days] of Object.entries(m.doses)) {
    for (const [dayOfMonth, stored] of Object.entries(days)) {
      const day = `${month}-${dayOfMonth}`;
      if ((from !== null && day < from) || (to !== null && day > to)) continue;
      // The write side can race a discontinuation by milliseconds; doses after the stop date never count.
      if (calendar.stopDate !== null && daysBetween(calendar.stopDate, day) > 0) continue;
      const counts = doseCounts(stored);
      sum.onTime += counts.onTime;
      sum.late += counts.late;
      sum.missed += counts.missed;
      sum.recordedLate += counts.recordedLate;
    }
  }
  return { taken: sum.onTime + sum.late, ...sum };
}

function attendance(sessions: readonly SessionFact[]): Attendance {
  const result: Attendance = {
    attended: 0,
    missed: 0,
    cancelled: 0,
    cancelledBy: { patient: 0, clinician: 0, clinic: 0 },
    rate: null,
  };
  for (const s of sessions) {
    if (s.status === 'attended') result.attended++;
    else if (s.status === 'missed') result.missed++;
    else if (s.status === 'cancelled') {
      result.cancelled++;
      if (s.cancelledBy !== null && s.cancelledBy in result.cancelledBy) result.cancelledBy[s.cancelledBy]++;
    }
  }
  const counted = result.attended + result.missed;
  return { ...result, rate: counted === 0 ? null : result.attended / counted };
}
