/**
 * Adherence as of T without replaying five years of doses (docs/analytics.md, "Adherence as of a
 * day from the month rows"): on the recorded basis, a month of dose counts that no event recorded
 * after T changed is, as stored by the projection, exactly what a replay up to T would give (every
 * event before the last change was recorded before it, so the replay reaches the same state). So the
 * replay reads the medication and session facts of the whole history (few), the doses of the last
 * ADHERENCE_WINDOW_DAYS before T (and of any older month changed after T), and takes the older
 * months from the stored rows. When that could differ from a full replay (a voided prescription, a
 * correction moving an older dose into the window, events recorded by T the projection has not applied),
 * the plan or the fold says so and the caller replays everything (patientAsOf).
 */
import { eventTypes, type EventType } from '@caretrail/domain';
import {
  ADHERENCE_DOSE_TYPES,
  ADHERENCE_EVENT_TYPES,
  adherenceModel,
  adherenceView,
  emptyAdherenceDoc,
  type AdherenceDoc,
  type ProjectedEvent,
} from '@caretrail/read-models';
import { foldEvents, type PatientAsOf } from './time-travel';

/**
 * Doses of the last month before T are always replayed: that is where late reports and doses taken
 * late land. The answer does not depend on it: every older month is replayed too when something
 * recorded after T changed it, and otherwise its stored row is exact.
 */
export const ADHERENCE_WINDOW_DAYS = 31;
const DAY_MS = 86_400_000;
const CORRECTION_TYPES: ReadonlySet<string> = new Set(['EntryCorrected', 'EntryEnteredInError']);

/** What to read from the log (EventStore.readPatient options) and from which month the replay counts. */
export interface AdherenceAsOfPlan {
  /** `YYYY-MM`: months from this one on are replayed, earlier ones come from the stored rows. */
  fromMonth: string;
  /** Every fact but the doses, whenever it occurred. */
  facts: { recordedUntil: string; excludeTypes: string[] };
  /** The doses of the window: occurred (else recorded) at or after `occurredFrom`. */
  doses: { recordedUntil: string; occurredFrom: string; excludeTypes: string[] };
}

const FACT_EXCLUDED = eventTypes.filter(
  (t: EventType) => ADHERENCE_DOSE_TYPES.has(t) || (!ADHERENCE_EVENT_TYPES.has(t) && !CORRECTION_TYPES.has(t)),
);
const DOSE_EXCLUDED = eventTypes.filter((t: EventType) => !ADHERENCE_DOSE_TYPES.has(t));

/**
 * The reads for adherence as of `asOf` (recorded basis), given the patient's stored adherence doc
 * (its patient row and month rows, assembled) and the recording instant of the oldest event the
 * projection has not applied yet (null when it is up to date). null: replay the whole history.
 */
export function planAdherenceAsOf(
  stored: AdherenceDoc | undefined,
  asOf: string,
  unprojectedSince: string | null,
): AdherenceAsOfPlan | null {
  const at = Date.parse(asOf);
  if (stored === undefined || Number.isNaN(at)) return null;
  if (unprojectedSince !== null && Date.parse(unprojectedSince) <= at) return null;
  let fromMonth = new Date(at - ADHERENCE_WINDOW_DAYS * DAY_MS).toISOString().slice(0, 7);
  for (const medication of Object.values(stored.medications)) {
    // Voiding drops month rows the projection had in hand: the older months can no longer be trusted.
    if (medication.voided) return null;
    for (const month of Object.keys(medication.doses)) {
      const changed = medication.monthsRecordedUntil?.[month];
      if (month < fromMonth && (changed === undefined || Date.parse(changed) > at)) fromMonth = month;
    }
  }
  // A day of the patient's zone starts at most 14 h from UTC midnight: a day of margin covers every zone.
  const occurredFrom = new Date(Date.parse(`${fromMonth}-01T00:00:00.000Z`) - DAY_MS).toISOString();
  return {
    fromMonth,
    facts: { recordedUntil: asOf, excludeTypes: FACT_EXCLUDED },
    doses: { recordedUntil: asOf, occurredFrom, excludeTypes: DOSE_EXCLUDED },
  };
}

/**
 * The adherence view as of `asOf` from the plan's two reads (merged in the global order) and the
 * stored months before `plan.fromMonth`. null when a correction moves a dose the window did not
 * read into the window: only a full replay knows whether it applied.
 */
export function adherenceAsOf(
  patientId: string,
  stored: AdherenceDoc,
  plan: AdherenceAsOfPlan,
  events: readonly ProjectedEvent[],
  asOf: string,
): PatientAsOf | null {
  const doses = new Set<string>();
  for (const e of events) if (ADHERENCE_DOSE_TYPES.has(e.event.type)) doses.add(e.meta.eventId);
  // A correction of a dose the window did not read changes only that dose's old month (stored),
  // unless it moves the dose into the window: then only a full replay knows whether it applied.
  const windowStart = Date.parse(plan.doses.occurredFrom);
  for (const { event } of events) {
    if (event.type !== 'EntryCorrected' || doses.has(event.data.eventId)) continue;
    if (!ADHERENCE_DOSE_TYPES.has(event.data.eventType as EventType)) continue;
    const changes = Array.isArray(event.data.changes) ? event.data.changes : [];
    for (const change of changes) {
      if (change?.field !== 'occurredAt') continue;
      const moved = typeof change.value === 'string' ? Date.parse(change.value) : NaN;
      if (Number.isNaN(moved) || moved >= windowStart) return null;
    }
  }
  const { doc, position } = foldEvents(adherenceModel, events, patientId);
  const asOfDoc = doc ?? emptyAdherenceDoc(patientId);
  for (const medication of Object.values(asOfDoc.medications)) {
    for (const month of Object.keys(medication.doses)) if (month < plan.fromMonth) delete medication.doses[month];
    const storedMonths = stored.medications[medication.medicationId]?.doses ?? {};
    for (const [month, days] of Object.entries(storedMonths)) {
      if (month < plan.fromMonth) medication.doses[month] = days;
    }
  }
  return { patientId, view: 'adherence', asOf, basis: 'recorded', position, data: adherenceView(asOfDoc, asOf) };
}
