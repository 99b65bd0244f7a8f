import type { EventOf, EventType } from '@caretrail/domain';
import type { DetailRow, ProjectedEvent, ReadModel, RowLayout } from '../contract';
import {
  amend,
  changesField,
  correctionOf,
  correctsOneOf,
  entityOfStream,
  type Correction,
} from '../shared/corrections';
import { addDays, DEFAULT_TIME_ZONE, isValidTimeZone, localDate, type LocalDate } from '@caretrail/domain';
import { isInstant, toMillis } from '../shared/instants';
import { isScheduleFact, scheduleFact, type ScheduleFact } from '../shared/validation';
import {
  decodeDoseEntry,
  doseCounts,
  encodeDoseEntry,
  storedDoseCounts,
  type AdherenceDoc,
  type AdjustmentFact,
  type DoseCounts,
  type DoseIndexEntry,
  type DoseKind,
  type MedicationFacts,
  type SessionFact,
  type StoredDoseCounts,
} from './adherence-doc';

/** Keeps every dose inside any 90-day PDC window correctable: the as-of day is never before the newest dose. */
export const DOSE_INDEX_DAYS = 120;
/** The ids of the last doses applied are kept whatever their day, so a redelivered old report is still a no-op. */
export const DOSE_INDEX_MIN = 64;

const MEDICATION_TYPES: ReadonlySet<EventType> = new Set([
  'MedicationPrescribed',
  'DoseAdjusted',
  'DoseAdjustmentCancelled',
  'MedicationDiscontinued',
]);
const DOSE_TYPES: ReadonlySet<EventType> = new Set(['DoseTaken', 'DoseTakenLate', 'DoseMissed']);
const SESSION_TYPES: ReadonlySet<EventType> = new Set(['SessionAttended', 'SessionMissed', 'SessionCancelled']);
const TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'PatientEnrolled',
  ...MEDICATION_TYPES,
  ...DOSE_TYPES,
  ...SESSION_TYPES,
]);
/**
 * The event types adherence folds, corrections aside (which it folds when they target one of these
 * or a SessionScheduled): what time travel reads for it (docs/analytics.md).
 */
export const ADHERENCE_EVENT_TYPES: ReadonlySet<EventType> = TYPES;
export const ADHERENCE_DOSE_TYPES: ReadonlySet<EventType> = DOSE_TYPES;

/** A session scheduled in error never happened: its attendance no longer counts. */
const CORRECTED_TYPES: ReadonlySet<EventType> = new Set<EventType>([...TYPES, 'SessionScheduled']);

export function emptyAdherenceDoc(patientId: string): AdherenceDoc {
  return {
    patientId,
    timeZone: DEFAULT_TIME_ZONE,
    enrolmentEventId: null,
    medications: {},
    recentDoses: {},
    lastDoseIds: [],
    newestDoseDay: null,
    sessions: {},
  };
}

export function evolveAdherence(current: AdherenceDoc | undefined, { event, meta }: ProjectedEvent): AdherenceDoc {
  const doc = current ?? emptyAdherenceDoc(event.data.patientId);
  switch (event.type) {
    case 'PatientEnrolled':
      return {
        ...doc,
        // As recorded: a zone that does not resolve makes the view an explicit error, not UTC (docs/clinical-rules.md).
        timeZone: event.data.timeZone,
        enrolmentEventId: meta.eventId,
      };
    case 'MedicationPrescribed':
      return prescribed(doc, event, meta.eventId);
    case 'DoseAdjusted':
      return withMedication(doc, event.data.medicationId, (m) =>
        m.adjustments.some((a) => a.eventId === meta.eventId)
          ? m
          : {
              ...m,
              adjustments: [
                ...m.adjustments,
                {
                  eventId: meta.eventId,
                  position: meta.position,
                  effectiveFrom: event.data.effectiveFrom,
                  schedule: scheduleFact(event.data.schedule),
                },
              ],
            },
      );
    case 'DoseAdjustmentCancelled':
      return withAdjustment(doc, event.data.adjustmentId, (a) => ({ ...a, cancelEventId: meta.eventId }));
    case 'MedicationDiscontinued':
      return withMedication(doc, event.data.medicationId, (m) => ({
        ...m,
        stoppedAt: event.data.stoppedAt,
        stopEventId: meta.eventId,
      }));
    case 'DoseTaken':
      return doseRecorded(doc, meta, event.data, 'onTime', null);
    case 'DoseTakenLate':
      // A missed dose later reported as taken counts as taken (and as late), not as missed (docs/clinical-rules.md, "Late and recorded late").
      return doseRecorded(doc, meta, event.data, 'late', event.data.supersedesMissed);
    case 'DoseMissed':
      return doseRecorded(doc, meta, event.data, 'missed', null);
    case 'SessionAttended':
    case 'SessionMissed':
    case 'SessionCancelled':
      return sessionClosed(doc, event);
    case 'EntryCorrected':
    case 'EntryEnteredInError': {
      const correction = correctionOf(event);
      return correction ? corrected(doc, correction, meta.recordedAt) : doc;
    }
    default:
      return doc;
  }
}

function prescribed(doc: AdherenceDoc, event: EventOf<'MedicationPrescribed'>, eventId: string): AdherenceDoc {
  const existing = doc.medications[event.data.medicationId];
  if (existing) return doc;
  const medication: MedicationFacts = {
    medicationId: event.data.medicationId,
    drugName: event.data.drug.name,
    prescribedEventId: eventId,
    startsAt: event.data.startsAt,
    schedule: scheduleFact(event.data.schedule),
    adjustments: [],
    stoppedAt: null,
    stopEventId: null,
    voided: false,
    doses: {},
  };
  return { ...doc, medications: { ...doc.medications, [medication.medicationId]: medication } };
}

function withMedication(
  doc: AdherenceDoc,
  medicationId: string,
  update: (m: MedicationFacts) => MedicationFacts,
): AdherenceDoc {
  const medication = doc.medications[medicationId];
  if (!medication || medication.voided) return doc;
  const updated = update(medication);
  return updated === medication ? doc : { ...doc, medications: { ...doc.medications, [medicationId]: updated } };
}

function withAdjustment(
  doc: AdherenceDoc,
  which: string | ((a: AdjustmentFact) => boolean),
  update: (a: AdjustmentFact) => AdjustmentFact,
): AdherenceDoc {
  const matches = typeof which === 'string' ? (a: AdjustmentFact) => a.eventId === which : which;
  const medication = Object.values(doc.medications).find((m) => m.adjustments.some(matches));
  if (!medication) return doc;
  return withMedication(doc, medication.medicationId, (m) => ({
    ...m,
    adjustments: m.adjustments.map((a) => (matches(a) ? update(a) : a)),
  }));
}

/**
 * The zone doses are bucketed in. A projection must not stop on one patient's row, so a stored zone
 * that does not resolve buckets in UTC here; adherenceView then refuses the row (UnknownTimeZone), so
 * these days are never shown as if they were the patient's.
 */
function countingZone(doc: AdherenceDoc): string {
  return isValidTimeZone(doc.timeZone) ? doc.timeZone : DEFAULT_TIME_ZONE;
}

/**
 * Adds `delta` doses of `kind` to a local day, in place (the doc is the caller's working copy,
 * docs/read-models.md "Principles"); a day back at zero disappears, and so does an empty month.
 */
function bump(
  doc: AdherenceDoc,
  medicationId: string,
  day: LocalDate,
  kind: keyof DoseCounts,
  delta: number,
  recordedAt: string,
): AdherenceDoc {
  const medication = doc.medications[medicationId];
  if (!medication || medication.voided) return doc;
  const month = day.slice(0, 7);
  const dayOfMonth = day.slice(8, 10);
  const days = medication.doses[month] ?? (medication.doses[month] = {});
  const counts = doseCounts(days[dayOfMonth]);
  counts[kind] = Math.max(0, counts[kind] + delta);
  if (counts.onTime + counts.late + counts.missed + counts.recordedLate === 0) delete days[dayOfMonth];
  else days[dayOfMonth] = storedDoseCounts(counts);
  const stamps = (medication.monthsRecordedUntil ??= {});
  const stamp = stamps[month];
  const recordedMs = instantMillis(recordedAt);
  if (!Number.isNaN(recordedMs) && (stamp === undefined || instantMillis(stamp) < recordedMs))
    stamps[month] = recordedAt;
  return doc;
}

/** The last two instants `instantMillis` read: a dose's recording time, and its month's stamp (mostly the dose before). */
const lastInstants: Array<{ instant: string; ms: number }> = [];

/**
 * Milliseconds of an instant, NaN when the value is not one. Every dose compares its recording
 * time with its month's stamp, which is mostly the previous dose's recording time, so the last two
 * are remembered.
 */
function instantMillis(value: string): number {
  for (const known of lastInstants) if (known.instant === value) return known.ms;
  const ms = isInstant(value) ? toMillis(value) : Number.NaN;
  if (lastInstants.unshift({ instant: value, ms }) > 2) lastInstants.pop();
  return ms;
}

/** One dose event counted on a day: its kind, and its lateness of recording when it has one. */
function bumpDose(
  doc: AdherenceDoc,
  entry: DoseIndexEntry,
  kind: DoseKind,
  delta: number,
  recordedAt: string,
): AdherenceDoc {
  const counted = bump(doc, entry.medicationId, entry.day, kind, delta, recordedAt);
  return entry.recordedLate ? bump(counted, entry.medicationId, entry.day, 'recordedLate', delta, recordedAt) : counted;
}

/**
 * The event ids of a dose index, kept once the index has been searched a few times: a superset of
 * what it holds (ids pruned or moved stay in it), so an id not in it is not in the index. Most
 * searches are for a new dose, which is not there: a rebuild folds a patient's doses one after the
 * other into the same index and skips the walk through its months for each.
 */
const indexedIds = new WeakMap<AdherenceDoc['recentDoses'], { searches: number; ids?: Set<string> }>();
const SEARCHES_BEFORE_INDEXING = 8;

function idsOf(index: AdherenceDoc['recentDoses']): Set<string> | undefined {
  const known = indexedIds.get(index);
  if (!known) {
    indexedIds.set(index, { searches: 1 });
    return undefined;
  }
  if (known.ids === undefined && ++known.searches >= SEARCHES_BEFORE_INDEXING) {
    known.ids = new Set();
    for (const medications of Object.values(index))
      for (const entries of Object.values(medications)) for (const id in entries) known.ids.add(id);
  }
  return known.ids;
}

function findDose(doc: AdherenceDoc, eventId: string): DoseIndexEntry | undefined {
  if (idsOf(doc.recentDoses)?.has(eventId) === false) return undefined;
  for (const month in doc.recentDoses) {
    const medications = doc.recentDoses[month] ?? {};
    for (const medicationId in medications) {
      const code = medications[medicationId]?.[eventId];
      if (code !== undefined) return decodeDoseEntry(month, medicationId, code);
    }
  }
  return undefined;
}

/** Records where a dose counts, in place; `previousDay` is where it counted before a correction moved it. */
function withDoseEntry(
  doc: AdherenceDoc,
  eventId: string,
  entry: DoseIndexEntry,
  previousDay?: LocalDate,
): AdherenceDoc {
  const month = entry.day.slice(0, 7);
  if (previousDay !== undefined && previousDay.slice(0, 7) !== month) {
    const previous = doc.recentDoses[previousDay.slice(0, 7)]?.[entry.medicationId];
    if (previous) delete previous[eventId];
  }
  const medications = (doc.recentDoses[month] ??= {});
  (medications[entry.medicationId] ??= {})[eventId] = encodeDoseEntry(entry);
  indexedIds.get(doc.recentDoses)?.ids?.add(eventId);
  return doc;
}

type DoseData = { medicationId: string; occurredAt: string };

/**
 * The local day of an instant, remembered for the last few thousand: the projector asks for a dose's
 * day when it decides which month rows to read and again when it folds the dose.
 */
const days = new Map<string, LocalDate>();
function dayOf(instant: string, timeZone: string): LocalDate {
  const key = `${timeZone} ${instant}`;
  let day = days.get(key);
  if (day === undefined) {
    if (days.size >= 4096) days.clear();
    day = localDate(instant, timeZone);
    days.set(key, day);
  }
  return day;
}

/** Recorded more than this after it occurred: the report was late, whatever the dose (docs/clinical-rules.md, "Late and recorded late"). */
export const RECORDED_LATE_AFTER_MS = 24 * 3_600_000;

function doseRecorded(
  doc: AdherenceDoc,
  meta: ProjectedEvent['meta'],
  data: DoseData,
  kind: DoseKind,
  supersedesMissed: string | null,
): AdherenceDoc {
  const { eventId } = meta;
  if (doc.lastDoseIds.includes(eventId) || findDose(doc, eventId)) return doc;
  const medication = doc.medications[data.medicationId];
  if (!medication || medication.voided || !isInstant(data.occurredAt)) return doc;
  // Everything that can fail is computed before the doc changes.
  const missedDose = supersedesMissed === null ? undefined : findDose(doc, supersedesMissed);
  // A dose belongs to the local day of its occurredAt, whenever it was recorded (docs/clinical-rules.md, "PDC").
  const day = dayOf(data.occurredAt, countingZone(doc));
  if (supersedesMissed !== null && missedDose && missedDose.countsAs === 'missed') {
    bumpDose(doc, missedDose, 'missed', -1, meta.recordedAt);
    withDoseEntry(doc, supersedesMissed, { ...missedDose, countsAs: null });
  }
  const recordedLate =
    isInstant(meta.recordedAt) && toMillis(meta.recordedAt) - toMillis(data.occurredAt) > RECORDED_LATE_AFTER_MS;
  const entry: DoseIndexEntry = {
    medicationId: data.medicationId,
    day,
    countsAs: kind,
    ...(recordedLate ? { recordedLate } : {}),
  };
  bumpDose(doc, entry, kind, 1, meta.recordedAt);
  withDoseEntry(doc, eventId, entry);
  if (doc.newestDoseDay === null || day > doc.newestDoseDay) doc.newestDoseDay = day;
  doc.lastDoseIds.push(eventId);
  if (doc.lastDoseIds.length > DOSE_INDEX_MIN) doc.lastDoseIds.splice(0, doc.lastDoseIds.length - DOSE_INDEX_MIN);
  pruneDoseIndex(doc.recentDoses, doc.newestDoseDay);
  return doc;
}

/** Drops, in place, the index's months that end before DOSE_INDEX_DAYS ahead of the newest dose. */
function pruneDoseIndex(index: AdherenceDoc['recentDoses'], newestDay: LocalDate): void {
  let horizonMonth = horizonMonths.get(newestDay);
  if (horizonMonth === undefined) {
    if (horizonMonths.size >= 4096) horizonMonths.clear();
    horizonMonth = addDays(newestDay, -DOSE_INDEX_DAYS).slice(0, 7);
    horizonMonths.set(newestDay, horizonMonth);
  }
  for (const month in index) if (month < horizonMonth) delete index[month];
}

/** The index's horizon month by newest day: a rebuild prunes after every dose, to a few hundred distinct days. */
const horizonMonths = new Map<LocalDate, string>();

function sessionClosed(
  doc: AdherenceDoc,
  event: EventOf<'SessionAttended' | 'SessionMissed' | 'SessionCancelled'>,
): AdherenceDoc {
  const status =
    event.type === 'SessionAttended' ? 'attended' : event.type === 'SessionMissed' ? 'missed' : 'cancelled';
  const session: SessionFact = {
    status,
    at: event.data.occurredAt,
    cancelledBy: event.type === 'SessionCancelled' ? event.data.cancelledBy : null,
  };
  doc.sessions[event.data.sessionId] = session;
  return doc;
}

function corrected(doc: AdherenceDoc, correction: Correction, recordedAt: string): AdherenceDoc {
  const { targetId } = correction;
  switch (correction.targetType) {
    case 'PatientEnrolled': {
      if (correction.kind !== 'amend' || targetId !== doc.enrolmentEventId) return doc;
      // Doses already bucketed keep their day: the zone applies to what is projected after it.
      const { timeZone } = amend({ timeZone: doc.timeZone }, correction.changes, (c) => isValidTimeZone(c.timeZone));
      return { ...doc, timeZone };
    }
    case 'MedicationPrescribed':
      return correctPrescription(doc, correction);
    case 'DoseAdjusted':
      return correctAdjustment(doc, correction);
    case 'DoseAdjustmentCancelled':
      // A cancellation entered in error: the adjustment stands again.
      return correction.kind === 'void'
        ? withAdjustment(
            doc,
            (a) => a.cancelEventId === correction.targetId,
            (a) => ({ ...a, cancelEventId: null }),
          )
        : doc;
    case 'MedicationDiscontinued': {
      const medication = Object.values(doc.medications).find((m) => m.stopEventId === targetId);
      if (!medication) return doc;
      if (correction.kind === 'void')
        return withMedication(doc, medication.medicationId, (m) => ({ ...m, stoppedAt: null, stopEventId: null }));
      const { stoppedAt } = amend({ stoppedAt: medication.stoppedAt }, correction.changes, (c) =>
        isInstant(c.stoppedAt),
      );
      return withMedication(doc, medication.medicationId, (m) => ({ ...m, stoppedAt }));
    }
    case 'DoseTaken':
    case 'DoseTakenLate':
    case 'DoseMissed':
      return correctDose(doc, correction, recordedAt);
    case 'SessionScheduled':
    case 'SessionAttended':
    case 'SessionMissed':
    case 'SessionCancelled':
      return correctSession(doc, correction);
    default:
      return doc;
  }
}

function correctPrescription(doc: AdherenceDoc, correction: Correction): AdherenceDoc {
  const medication = Object.values(doc.medications).find((m) => m.prescribedEventId === correction.targetId);
  if (!medication || medication.voided) return doc;
  if (correction.kind === 'void') {
    // A prescription entered in error never existed: neither it nor its doses count.
    return {
      ...doc,
      medications: {
        ...doc.medications,
        [medication.medicationId]: { ...medication, voided: true, adjustments: [], doses: {} },
      },
    };
  }
  type Fact = { startsAt: string; schedule: ScheduleFact; drug: { name: string | null } };
  const fact = amend<Fact>(
    { startsAt: medication.startsAt, schedule: medication.schedule, drug: { name: medication.drugName } },
    correction.changes,
    (c) => isInstant(c.startsAt) && isScheduleFact(c.schedule),
  );
  return withMedication(doc, medication.medicationId, (m) => ({
    ...m,
    startsAt: fact.startsAt,
    schedule: scheduleFact(fact.schedule),
    drugName: typeof fact.drug?.name === 'string' ? fact.drug.name : m.drugName,
  }));
}

function correctAdjustment(doc: AdherenceDoc, correction: Correction): AdherenceDoc {
  const medication = Object.values(doc.medications).find((m) =>
    m.adjustments.some((a) => a.eventId === correction.targetId),
  );
  if (!medication) return doc;
  return withMedication(doc, medication.medicationId, (m) => ({
    ...m,
    adjustments:
      correction.kind === 'void'
        ? m.adjustments.filter((a) => a.eventId !== correction.targetId)
        : m.adjustments.map((a) => {
            if (a.eventId !== correction.targetId) return a;
            const fact = amend(
              { effectiveFrom: a.effectiveFrom, schedule: a.schedule },
              correction.changes,
              (c) => isInstant(c.effectiveFrom) && isScheduleFact(c.schedule),
            );
            return { ...a, effectiveFrom: fact.effectiveFrom, schedule: scheduleFact(fact.schedule) };
          }),
  }));
}

function correctDose(doc: AdherenceDoc, correction: Correction, recordedAt: string): AdherenceDoc {
  const entry = findDose(doc, correction.targetId);
  // Doses older than the index live on as day counts only (outside every PDC window); see docs/read-models.md.
  if (!entry || entry.countsAs === null) return doc;
  const { day, countsAs: kind } = entry;
  if (correction.kind === 'void') {
    return withDoseEntry(bumpDose(doc, entry, kind, -1, recordedAt), correction.targetId, {
      ...entry,
      countsAs: null,
    });
  }
  const newDay = amendedDoseDay(doc, correction);
  if (newDay === null || newDay === day) return doc;
  const movedEntry = { ...entry, day: newDay };
  const moved = bumpDose(bumpDose(doc, entry, kind, -1, recordedAt), movedEntry, kind, 1, recordedAt);
  return withDoseEntry(moved, correction.targetId, movedEntry, day);
}

/** The local day an amendment moves a dose to; null when it leaves the day alone or is invalid. */
function amendedDoseDay(doc: AdherenceDoc, correction: Correction): LocalDate | null {
  if (correction.kind !== 'amend' || !changesField(correction.changes, 'occurredAt')) return null;
  const { occurredAt } = amend<{ occurredAt: unknown }>({ occurredAt: null }, correction.changes, (c) =>
    isInstant(c.occurredAt),
  );
  return isInstant(occurredAt) ? dayOf(occurredAt, countingZone(doc)) : null;
}

function correctSession(doc: AdherenceDoc, correction: Correction): AdherenceDoc {
  const sessionId = entityOfStream(correction.stream, 'session', doc.patientId);
  const session = sessionId === null ? undefined : doc.sessions[sessionId];
  if (sessionId === null || !session) return doc;
  const { [sessionId]: _removed, ...others } = doc.sessions;
  // Scheduled in error: it never happened. Closure in error: the session is open again, so it counts nowhere.
  if (correction.kind === 'void')
    return correction.targetType === 'SessionScheduled' || correction.targetType === CLOSED_BY_TYPE[session.status]
      ? { ...doc, sessions: others }
      : doc;
  if (correction.targetType === 'SessionScheduled') return doc;
  const fact = amend(
    { occurredAt: session.at, cancelledBy: session.cancelledBy },
    correction.changes,
    (c) => isInstant(c.occurredAt) && (c.cancelledBy === null || CANCELLED_BY.includes(c.cancelledBy)),
  );
  return {
    ...doc,
    sessions: {
      ...others,
      [sessionId]: {
        ...session,
        at: fact.occurredAt,
        cancelledBy: session.status === 'cancelled' ? fact.cancelledBy : null,
      },
    },
  };
}

const CANCELLED_BY: readonly unknown[] = ['patient', 'clinician', 'clinic'];

const CLOSED_BY_TYPE: Record<SessionFact['status'], EventType> = {
  attended: 'SessionAttended',
  missed: 'SessionMissed',
  cancelled: 'SessionCancelled',
};

function keysOf({ event }: ProjectedEvent): string[] {
  return TYPES.has(event.type) || correctsOneOf(event, CORRECTED_TYPES) ? [event.data.patientId] : [];
}

/** A month of one medication's dose calendar, stored as a row of its own (docs/read-models.md, "Row layout"). */
export type DoseMonthRow = {
  medicationId: string;
  month: string;
  days: Record<string, StoredDoseCounts>;
  /** When the last event that changed it was recorded. */
  recordedUntil: string | null;
};

/** `<patientId>|<medicationId>|<YYYY-MM>`: the patient row's key is the patient id alone. */
export function doseMonthKey(patientId: string, medicationId: string, month: string): string {
  return `${patientId}|${medicationId}|${month}`;
}

/**
 * The dose months an event changes, found the way evolve finds them: the local month of a dose's
 * day, the month where a superseded miss or a corrected dose counts (from the recent-dose index) and
 * the month an amended occurredAt moves it to.
 */
function doseMonthsOf(doc: AdherenceDoc | undefined, { event, meta }: ProjectedEvent): string[] {
  if (doc === undefined) return [];
  const key = (medicationId: string, day: LocalDate): string =>
    doseMonthKey(doc.patientId, medicationId, day.slice(0, 7));
  switch (event.type) {
    case 'DoseTaken':
    case 'DoseTakenLate':
    case 'DoseMissed': {
      const { medicationId, occurredAt } = event.data;
      if (doc.lastDoseIds.includes(meta.eventId) || findDose(doc, meta.eventId)) return [];
      const medication = doc.medications[medicationId];
      if (!medication || medication.voided || !isInstant(occurredAt)) return [];
      const keys = [key(medicationId, dayOf(occurredAt, countingZone(doc)))];
      const missed = event.type === 'DoseTakenLate' ? event.data.supersedesMissed : null;
      const missedDose = missed === null ? undefined : findDose(doc, missed);
      if (missedDose) keys.push(key(missedDose.medicationId, missedDose.day));
      return keys;
    }
    case 'EntryCorrected':
    case 'EntryEnteredInError': {
      const correction = correctionOf(event);
      if (correction === null || !DOSE_TYPES.has(correction.targetType as EventType)) return [];
      const entry = findDose(doc, correction.targetId);
      if (!entry || entry.countsAs === null) return [];
      const newDay = amendedDoseDay(doc, correction);
      return newDay === null
        ? [key(entry.medicationId, entry.day)]
        : [key(entry.medicationId, entry.day), key(entry.medicationId, newDay)];
    }
    default:
      return [];
  }
}

/**
 * One small patient row (zone, enrolment, medication facts, the recent-dose index, closed sessions)
 * plus one row per medication and month of dose counts: a dose rewrites its month, never the years
 * before it, and a view of a window reads only the months it spans.
 */
const adherenceRows: RowLayout<AdherenceDoc> = {
  detailKeysOf: doseMonthsOf,
  attach(doc, { row }) {
    const { medicationId, month, days, recordedUntil } = row as DoseMonthRow;
    const medication = doc.medications[medicationId];
    // A voided prescription's months count nowhere (its doses are dropped with it).
    if (!medication || medication.voided) return;
    medication.doses[month] = days;
    if (recordedUntil) (medication.monthsRecordedUntil ??= {})[month] = recordedUntil;
  },
  head(doc) {
    const medications: Record<string, MedicationFacts> = {};
    for (const [id, { monthsRecordedUntil: _inTheMonthRows, ...medication }] of Object.entries(doc.medications))
      medications[id] = { ...medication, doses: {} };
    return { ...doc, medications };
  },
  details(doc) {
    const rows: DetailRow[] = [];
    for (const medication of Object.values(doc.medications)) {
      for (const [month, days] of Object.entries(medication.doses)) {
        const recordedUntil = medication.monthsRecordedUntil?.[month] ?? null;
        const row: DoseMonthRow = { medicationId: medication.medicationId, month, days, recordedUntil };
        rows.push({ key: doseMonthKey(doc.patientId, medication.medicationId, month), row });
      }
    }
    return rows;
  },
  assemble(head, details) {
    const doc = head as AdherenceDoc;
    for (const detail of details) adherenceRows.attach(doc, detail);
    return doc;
  },
};

export const adherenceModel: ReadModel<AdherenceDoc> = {
  name: 'adherence',
  // 2: day counts and the dose index became named fields; 3: days count doses recorded late;
  // 4: dose months are rows of their own. Stored rows rebuild at start-up (docs/read-models.md).
  version: 4,
  keysOf,
  evolve: evolveAdherence,
  patientOf: (doc) => doc.patientId,
  rows: adherenceRows,
};
