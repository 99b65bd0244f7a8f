/** Event builders for the read-model specs: one patient, readable defaults, explicit ids where specs point at them. */
import {
  streamFor,
  streams,
  type Actor,
  type DayOfWeek,
  type DomainEvent,
  type EventOf,
  type FieldChange,
  type Instrument,
} from '@caretrail/domain';
import type { ProjectedEvent, ReadModel } from '../contract';

export const PATIENT = 'p-1';
export const MED = 'med-sertraline';
export const therapist: Actor = { userId: 'u-therapist', role: 'therapist' };
export const prescriber: Actor = { userId: 'u-prescriber', role: 'prescriber' };
export const patientUser: Actor = { userId: PATIENT, role: 'patient' };
export const EVERY_DAY: DayOfWeek[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** An event with the id a later correction or superseding dose points at. */
export type Identified = { id: string; event: DomainEvent; recordedAt?: string };
export const withId = (id: string, event: DomainEvent, recordedAt?: string): Identified => ({
  id,
  event,
  ...(recordedAt ? { recordedAt } : {}),
});

/** Positions in the given order, ids `evt-<n>` unless named, recordedAt = the event's occurredAt unless given. */
export function project(items: ReadonlyArray<DomainEvent | Identified>): ProjectedEvent[] {
  return items.map((item, i) => {
    const { id, event, recordedAt } =
      'event' in item ? item : { id: `evt-${i + 1}`, event: item, recordedAt: undefined };
    const occurredAt = 'occurredAt' in event.data ? event.data.occurredAt : null;
    return {
      event,
      meta: {
        eventId: id,
        streamName: streamFor(event),
        position: i + 1,
        recordedAt: recordedAt ?? occurredAt ?? '2026-01-01T00:00:00Z',
        occurredAt,
      },
    };
  });
}

/**
 * The patient's doc after the events. A model stored as several rows is folded the way the projector
 * stores it: each event starts from the stored JSON of the patient row and of only the detail rows its
 * `detailKeysOf` names, and the view gets the rows assembled, so every spec also checks the row layout.
 */
export function fold<D>(model: ReadModel<D>, items: ReadonlyArray<DomainEvent | Identified>): D {
  const events = project(items);
  const doc = model.rows ? foldThroughRows(model, events) : foldInMemory(model, events);
  if (doc === undefined) throw new Error('no event reached the model');
  return doc;
}

export function foldInMemory<D>(model: ReadModel<D>, events: readonly ProjectedEvent[]): D | undefined {
  let doc: D | undefined;
  for (const e of events) if (model.keysOf(e).length > 0) doc = model.evolve(doc, e);
  return doc;
}

export function foldThroughRows<D>(model: ReadModel<D>, events: readonly ProjectedEvent[]): D | undefined {
  const layout = model.rows;
  if (!layout) throw new Error(`${model.name} is stored as one row per patient`);
  let head: string | undefined;
  const details = new Map<string, string>();
  for (const e of events) {
    if (model.keysOf(e).length === 0) continue;
    let doc = head === undefined ? undefined : (JSON.parse(head) as D);
    const requested = doc === undefined ? [] : layout.detailKeysOf(doc, e);
    for (const key of requested) {
      const text = details.get(key);
      if (text !== undefined) layout.attach(doc as D, { key, row: JSON.parse(text) });
    }
    doc = model.evolve(doc, e);
    head = JSON.stringify(layout.head(doc));
    const present = new Set<string>();
    for (const row of layout.details(doc)) {
      present.add(row.key);
      details.set(row.key, JSON.stringify(row.row));
    }
    for (const key of requested) if (!present.has(key)) details.delete(key);
  }
  if (head === undefined) return undefined;
  return layout.assemble(
    JSON.parse(head),
    [...details].map(([key, text]) => ({ key, row: JSON.parse(text) })),
  );
}

export const enrolled = (timeZone = 'UTC', occurredAt = '2026-01-05T09:00:00Z'): EventOf<'PatientEnrolled'> => ({
  type: 'PatientEnrolled',
  data: {
    patientId: PATIENT,
    timeZone,
    name: { given: 'Ada', family: 'Lovelace' },
    contact: { email: null, phone: null },
    enrolledBy: therapist,
    occurredAt,
  },
});

export const planStarted = (
  occurredAt = '2026-01-06T09:00:00Z',
  carePlanId = 'plan-1',
): EventOf<'CarePlanStarted'> => ({
  type: 'CarePlanStarted',
  data: { patientId: PATIENT, carePlanId, track: 'integrated', startedBy: therapist, occurredAt },
});

export const planClosed = (occurredAt: string, carePlanId = 'plan-1'): EventOf<'CarePlanClosed'> => ({
  type: 'CarePlanClosed',
  data: { patientId: PATIENT, carePlanId, reason: 'completed', note: null, closedBy: therapist, occurredAt },
});

export const assigned = (member: Actor, occurredAt = '2026-01-05T09:00:00Z'): EventOf<'CareTeamMemberAssigned'> => ({
  type: 'CareTeamMemberAssigned',
  data: {
    patientId: PATIENT,
    userId: member.userId,
    role: member.role as 'therapist',
    chosenByPatient: true,
    assignedBy: therapist,
    occurredAt,
  },
});

type ScheduleInput = { timesPerDay?: number; daysOfWeek?: DayOfWeek[] };

export const prescribed = (
  startsAt: string,
  schedule: ScheduleInput = {},
  medicationId = MED,
): EventOf<'MedicationPrescribed'> => ({
  type: 'MedicationPrescribed',
  data: {
    patientId: PATIENT,
    carePlanId: 'plan-1',
    medicationId,
    drug: { name: 'Sertraline', rxNormCode: '36437' },
    strength: { value: 50, unit: 'mg' },
    schedule: { timesPerDay: schedule.timesPerDay ?? 1, daysOfWeek: schedule.daysOfWeek ?? EVERY_DAY, times: null },
    startsAt,
    instructions: null,
    prescriberId: prescriber.userId,
    occurredAt: startsAt,
  },
});

export const adjusted = (
  effectiveFrom: string,
  schedule: ScheduleInput,
  supersedes = 'evt-rx',
  medicationId = MED,
): EventOf<'DoseAdjusted'> => ({
  type: 'DoseAdjusted',
  data: {
    patientId: PATIENT,
    carePlanId: 'plan-1',
    medicationId,
    supersedes,
    strength: { value: 100, unit: 'mg' },
    schedule: { timesPerDay: schedule.timesPerDay ?? 1, daysOfWeek: schedule.daysOfWeek ?? EVERY_DAY, times: null },
    effectiveFrom,
    reason: null,
    prescriberId: prescriber.userId,
    occurredAt: effectiveFrom,
  },
});

export const adjustmentCancelled = (
  adjustmentId: string,
  occurredAt: string,
  medicationId = MED,
): EventOf<'DoseAdjustmentCancelled'> => ({
  type: 'DoseAdjustmentCancelled',
  data: {
    patientId: PATIENT,
    carePlanId: 'plan-1',
    medicationId,
    adjustmentId,
    reason: null,
    prescriberId: prescriber.userId,
    occurredAt,
  },
});

export const discontinued = (stoppedAt: string, medicationId = MED): EventOf<'MedicationDiscontinued'> => ({
  type: 'MedicationDiscontinued',
  data: {
    patientId: PATIENT,
    carePlanId: 'plan-1',
    medicationId,
    stoppedAt,
    reason: 'side-effects',
    reasonDetail: null,
    prescriberId: prescriber.userId,
    occurredAt: stoppedAt,
  },
});

export const taken = (occurredAt: string, medicationId = MED, scheduledFor = occurredAt): EventOf<'DoseTaken'> => ({
  type: 'DoseTaken',
  data: { patientId: PATIENT, medicationId, scheduledFor, occurredAt, recordedBy: patientUser },
});

export const takenLate = (
  occurredAt: string,
  scheduledFor: string,
  supersedesMissed: string | null = null,
  medicationId = MED,
): EventOf<'DoseTakenLate'> => ({
  type: 'DoseTakenLate',
  data: { patientId: PATIENT, medicationId, scheduledFor, occurredAt, supersedesMissed, recordedBy: patientUser },
});

export const missed = (scheduledFor: string, medicationId = MED): EventOf<'DoseMissed'> => ({
  type: 'DoseMissed',
  data: {
    patientId: PATIENT,
    medicationId,
    scheduledFor,
    occurredAt: scheduledFor,
    reason: 'forgot',
    reasonDetail: null,
    recordedBy: patientUser,
  },
});

/** One DoseTaken at `time` (UTC) on each of the given dates. */
export const takenOn = (dates: readonly string[], time = '08:00:00Z', medicationId = MED): EventOf<'DoseTaken'>[] =>
  dates.map((date) => taken(`${date}T${time}`, medicationId));

/** `YYYY-MM-DD` dates from `from` to `to`, both included. */
export function dates(from: string, to: string): string[] {
  const result: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    result.push(new Date(t).toISOString().slice(0, 10));
  return result;
}

export const sessionScheduled = (
  sessionId: string,
  scheduledFor: string,
  occurredAt = '2026-01-10T09:00:00Z',
): EventOf<'SessionScheduled'> => ({
  type: 'SessionScheduled',
  data: {
    patientId: PATIENT,
    sessionId,
    kind: 'psychotherapy',
    scheduledFor,
    durationMinutes: 50,
    clinicianId: therapist.userId,
    scheduledBy: therapist,
    occurredAt,
  },
});
export const sessionAttended = (sessionId: string, occurredAt: string): EventOf<'SessionAttended'> => ({
  type: 'SessionAttended',
  data: { patientId: PATIENT, sessionId, kind: 'psychotherapy', recordedBy: therapist, occurredAt },
});
export const sessionMissed = (sessionId: string, occurredAt: string): EventOf<'SessionMissed'> => ({
  type: 'SessionMissed',
  data: { patientId: PATIENT, sessionId, kind: 'psychotherapy', reason: null, recordedBy: therapist, occurredAt },
});
export const sessionCancelled = (
  sessionId: string,
  occurredAt: string,
  cancelledBy: 'patient' | 'clinician' | 'clinic' = 'patient',
): EventOf<'SessionCancelled'> => ({
  type: 'SessionCancelled',
  data: {
    patientId: PATIENT,
    sessionId,
    kind: 'psychotherapy',
    cancelledBy,
    reason: 'Sick.',
    recordedBy: therapist,
    occurredAt,
  },
});
export const sessionRescheduled = (
  sessionId: string,
  from: string,
  to: string,
  occurredAt = '2026-01-11T09:00:00Z',
): EventOf<'SessionRescheduled'> => ({
  type: 'SessionRescheduled',
  data: { patientId: PATIENT, sessionId, from, to, reason: null, recordedBy: therapist, occurredAt },
});

export const outcome = (instrument: Instrument, total: number, occurredAt: string): EventOf<'OutcomeMeasured'> => {
  const count = instrument === 'PHQ-9' ? 9 : 7;
  const items = Array.from({ length: count }, (_, i) => Math.min(3, Math.max(0, total - 3 * i)));
  return {
    type: 'OutcomeMeasured',
    data: {
      patientId: PATIENT,
      instrument,
      loinc: instrument === 'PHQ-9' ? '44261-6' : '70274-6',
      items,
      total,
      administeredBy: therapist,
      occurredAt,
    },
  };
};

export const sideEffectReported = (
  sideEffectId: string,
  occurredAt: string,
  severity: 'mild' | 'moderate' | 'severe' = 'mild',
  burden: number | null = null,
): EventOf<'SideEffectReported'> => ({
  type: 'SideEffectReported',
  data: {
    patientId: PATIENT,
    sideEffectId,
    symptom: 'Nausea',
    severity,
    suspectedMedicationId: MED,
    fibser: burden === null ? null : { frequency: 3, intensity: 3, burden },
    urgent: severity === 'severe' || (burden ?? 0) >= 5,
    reportedBy: patientUser,
    occurredAt,
  },
});
export const sideEffectReviewed = (sideEffectId: string, occurredAt: string): EventOf<'SideEffectReviewed'> => ({
  type: 'SideEffectReviewed',
  data: { patientId: PATIENT, sideEffectId, action: 'monitor', note: null, reviewedBy: prescriber, occurredAt },
});
export const sideEffectResolved = (sideEffectId: string, occurredAt: string): EventOf<'SideEffectResolved'> => ({
  type: 'SideEffectResolved',
  data: { patientId: PATIENT, sideEffectId, note: null, recordedBy: patientUser, occurredAt },
});

export const consultationRequested = (
  consultationId: string,
  occurredAt: string,
  by: Actor = therapist,
  to: 'prescriber' | 'therapist' = 'prescriber',
): EventOf<'ConsultationRequested'> => ({
  type: 'ConsultationRequested',
  data: {
    patientId: PATIENT,
    consultationId,
    requestedBy: by,
    requestedRole: to,
    topic: 'Sleep and dose timing',
    urgency: 'routine',
    occurredAt,
  },
});
export const consultationAnswered = (
  consultationId: string,
  requestedAt: string,
  occurredAt: string,
  by: Actor = prescriber,
): EventOf<'ConsultationAnswered'> => ({
  type: 'ConsultationAnswered',
  data: {
    patientId: PATIENT,
    consultationId,
    answeredBy: by,
    answer: 'Move the dose to the morning.',
    requestedAt,
    occurredAt,
  },
});
export const noteShared = (
  noteId: string,
  occurredAt: string,
  author: Actor = therapist,
  audience: Array<'therapist' | 'prescriber'> = ['prescriber'],
): EventOf<'CollaborationNoteShared'> => ({
  type: 'CollaborationNoteShared',
  data: { patientId: PATIENT, noteId, author, audience, body: 'Engaged well.', occurredAt },
});
export const caseReviewHeld = (
  caseReviewId: string,
  occurredAt: string,
  attendees: Actor[] = [therapist, prescriber],
): EventOf<'CaseReviewHeld'> => ({
  type: 'CaseReviewHeld',
  data: {
    patientId: PATIENT,
    caseReviewId,
    attendees,
    decisions: ['Keep the dose.'],
    recordedBy: therapist,
    occurredAt,
  },
});

/** The stream of session `sessionId`, where its corrections are written. */
export const sessionStream = (sessionId: string): string => streams.session(PATIENT, sessionId);

export const enteredInError = (
  eventId: string,
  eventType: DomainEvent['type'],
  occurredAt = '2026-04-01T09:00:00Z',
  stream = 'test',
): EventOf<'EntryEnteredInError'> => ({
  type: 'EntryEnteredInError',
  data: {
    patientId: PATIENT,
    stream,
    eventId,
    eventType,
    reason: 'Wrong patient entry.',
    markedBy: therapist,
    occurredAt,
  },
});
export const corrected = (
  eventId: string,
  eventType: DomainEvent['type'],
  changes: FieldChange[],
  occurredAt = '2026-04-01T09:00:00Z',
  stream = 'test',
): EventOf<'EntryCorrected'> => ({
  type: 'EntryCorrected',
  data: {
    patientId: PATIENT,
    stream,
    eventId,
    eventType,
    changes,
    reason: 'Typo.',
    correctedBy: therapist,
    occurredAt,
  },
});
