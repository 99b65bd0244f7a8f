import { personalDataFields, type DomainEvent, type EventOf, type EventType } from '@caretrail/domain';
import type { ProjectedEvent, ReadModel } from '../contract';
import { amend, correctionOf, correctsOneOf, type Correction } from '../shared/corrections';
import { DEFAULT_TIME_ZONE, isInstant, isValidTimeZone, toMillis } from '../shared/local-time';
import { isIntInRange, isObject, isScheduleFact } from '../shared/validation';
import type { CurrentPlanDoc, PlanLogEntry, PlanLogEvent, SessionEntry } from './current-plan-doc';
import { derivePlan, emptyPlan } from './derive-plan';

/** A closed session leaves the row this long after its time; one never closed, after SESSION_OVERDUE_DAYS. */
export const SESSION_RETENTION_DAYS = 30;
export const SESSION_OVERDUE_DAYS = 180;
const DAY_MS = 86_400_000;

const LOG_TYPES: ReadonlySet<EventType> = new Set<PlanLogEvent['type']>([
  'CarePlanStarted',
  'TreatmentTrackChanged',
  'CarePlanReviewed',
  'CarePlanClosed',
  'CareTeamMemberAssigned',
  'CareTeamMemberRemoved',
  'TreatmentGoalSet',
  'TreatmentGoalAchieved',
  'TreatmentGoalRevised',
  'HolisticContextRecorded',
  'TherapyPrescribed',
  'TherapyModalityChanged',
  'TherapyFrequencyChanged',
  'MedicationPrescribed',
  'DoseAdjusted',
  'MedicationDiscontinued',
]);
const SESSION_TYPES: ReadonlySet<EventType> = new Set([
  'SessionScheduled',
  'SessionRescheduled',
  'SessionAttended',
  'SessionMissed',
  'SessionCancelled',
]);
const TYPES: ReadonlySet<EventType> = new Set<EventType>(['PatientEnrolled', ...LOG_TYPES, ...SESSION_TYPES]);

const TRACKS: readonly unknown[] = ['integrated', 'medication-only', 'therapy-only'];
const MODALITIES: readonly unknown[] = ['CBT', 'DBT', 'other'];

function isPlanLogEvent(event: DomainEvent): event is PlanLogEvent {
  return LOG_TYPES.has(event.type);
}

export function emptyCurrentPlanDoc(patientId: string): CurrentPlanDoc {
  return {
    patientId,
    timeZone: DEFAULT_TIME_ZONE,
    enrolmentEventId: null,
    enrolledAt: null,
    plan: emptyPlan(),
    log: [],
    sessions: {},
    sessionClock: null,
  };
}

export function evolveCurrentPlan(
  current: CurrentPlanDoc | undefined,
  { event, meta }: ProjectedEvent,
): CurrentPlanDoc {
  const doc = current ?? emptyCurrentPlanDoc(event.data.patientId);
  if (event.type === 'PatientEnrolled') {
    // Names and contact details stay out of read models: the plan does not need them.
    return {
      ...doc,
      timeZone: isValidTimeZone(event.data.timeZone) ? event.data.timeZone : DEFAULT_TIME_ZONE,
      enrolmentEventId: meta.eventId,
      enrolledAt: event.data.occurredAt,
    };
  }
  if (isPlanLogEvent(event)) {
    if (doc.log.some((entry) => entry.id === meta.eventId)) return doc;
    const log = [...doc.log, { id: meta.eventId, position: meta.position, event, voided: false, amendedBy: [] }];
    return { ...doc, log, plan: derivePlan(log) };
  }
  switch (event.type) {
    case 'SessionScheduled':
    case 'SessionRescheduled':
    case 'SessionAttended':
    case 'SessionMissed':
    case 'SessionCancelled':
      return pruneSessions(sessionEvent(doc, event, meta.eventId), event.data.occurredAt);
    case 'EntryCorrected':
    case 'EntryEnteredInError': {
      const correction = correctionOf(event);
      return correction ? corrected(doc, correction, meta.eventId) : doc;
    }
    default:
      return doc;
  }
}

type SessionEvent = EventOf<
  'SessionScheduled' | 'SessionRescheduled' | 'SessionAttended' | 'SessionMissed' | 'SessionCancelled'
>;

function sessionEvent(doc: CurrentPlanDoc, event: SessionEvent, eventId: string): CurrentPlanDoc {
  const existing = doc.sessions[event.data.sessionId];
  let session: SessionEntry | undefined;
  switch (event.type) {
    case 'SessionScheduled': {
      if (existing) return doc;
      const { sessionId, kind, scheduledFor, durationMinutes, clinicianId } = event.data;
      session = {
        sessionId,
        kind,
        scheduledFor,
        originallyScheduledFor: scheduledFor,
        reschedules: [],
        durationMinutes,
        clinicianId,
        status: 'scheduled',
        scheduledEventId: eventId,
        closedEventId: null,
      };
      break;
    }
    case 'SessionRescheduled':
      if (!existing || existing.reschedules.some((r) => r.eventId === eventId)) return doc;
      session = withReschedules(existing, [...existing.reschedules, { eventId, to: event.data.to }]);
      break;
    case 'SessionAttended':
    case 'SessionMissed':
    case 'SessionCancelled': {
      if (!existing) return doc;
      const status =
        event.type === 'SessionAttended' ? 'attended' : event.type === 'SessionMissed' ? 'missed' : 'cancelled';
      session = { ...existing, status, closedEventId: eventId };
      break;
    }
  }
  return { ...doc, sessions: { ...doc.sessions, [session.sessionId]: session } };
}

function withReschedules(session: SessionEntry, reschedules: SessionEntry['reschedules']): SessionEntry {
  return { ...session, reschedules, scheduledFor: reschedules.at(-1)?.to ?? session.originallyScheduledFor };
}

/** Keeps the row bounded: "upcoming" never needs a session long past. The clock is the events' own time. */
function pruneSessions(doc: CurrentPlanDoc, occurredAt: string): CurrentPlanDoc {
  const clock = doc.sessionClock !== null && doc.sessionClock > occurredAt ? doc.sessionClock : occurredAt;
  const now = toMillis(clock);
  const stale = (s: SessionEntry): boolean =>
    toMillis(s.scheduledFor) <
    now - (s.status === 'scheduled' ? SESSION_OVERDUE_DAYS : SESSION_RETENTION_DAYS) * DAY_MS;
  const sessions = Object.values(doc.sessions).some(stale)
    ? Object.fromEntries(Object.entries(doc.sessions).filter(([, s]) => !stale(s)))
    : doc.sessions;
  return { ...doc, sessions, sessionClock: clock };
}

function corrected(doc: CurrentPlanDoc, correction: Correction, correctionId: string): CurrentPlanDoc {
  if (correction.targetType === 'PatientEnrolled') {
    if (correction.kind !== 'amend' || correction.targetId !== doc.enrolmentEventId) return doc;
    const { timeZone } = amend({ timeZone: doc.timeZone }, correction.changes, (c) => isValidTimeZone(c.timeZone));
    return { ...doc, timeZone };
  }
  if (LOG_TYPES.has(correction.targetType as EventType)) {
    const index = doc.log.findIndex((entry) => entry.id === correction.targetId);
    const entry = doc.log[index];
    if (!entry || entry.voided || entry.amendedBy.includes(correctionId)) return doc;
    const updated: PlanLogEntry =
      correction.kind === 'void'
        ? { ...entry, voided: true }
        : {
            ...entry,
            event: {
              ...entry.event,
              data: amend(entry.event.data, correction.changes, (data) => isValidPlanData(entry.event.type, data)),
            } as PlanLogEvent,
            amendedBy: [...entry.amendedBy, correctionId],
          };
    const log = doc.log.map((e, i) => (i === index ? updated : e));
    return { ...doc, log, plan: derivePlan(log) };
  }
  if (SESSION_TYPES.has(correction.targetType as EventType)) return correctSession(doc, correction);
  return doc;
}

/** What the fold and the view compute with must survive an amendment; free text may be anything. */
function isValidPlanData(type: PlanLogEvent['type'], data: object): boolean {
  const d = data as Record<string, unknown>;
  for (const key of ['occurredAt', 'startsAt', 'effectiveFrom', 'stoppedAt'])
    if (key in d && !isInstant(d[key])) return false;
  if ('schedule' in d && !isScheduleFact(d['schedule'])) return false;
  if (
    'strength' in d &&
    !(
      isObject(d['strength']) &&
      typeof d['strength']['value'] === 'number' &&
      typeof d['strength']['unit'] === 'string'
    )
  )
    return false;
  if ('frequency' in d && !isFrequency(d['frequency'])) return false;
  if ('modality' in d && !MODALITIES.includes(d['modality'])) return false;
  if ('track' in d && !TRACKS.includes(d['track'])) return false;
  if (type === 'TreatmentTrackChanged' && !TRACKS.includes(d['to'])) return false;
  if (type === 'TherapyModalityChanged' && !MODALITIES.includes(d['to'])) return false;
  if (type === 'TherapyFrequencyChanged' && !isFrequency(d['to'])) return false;
  return true;
}

function isFrequency(value: unknown): boolean {
  return (
    isObject(value) && isIntInRange(value['sessions'], 1, 31) && (value['per'] === 'week' || value['per'] === 'month')
  );
}

function correctSession(doc: CurrentPlanDoc, correction: Correction): CurrentPlanDoc {
  const { targetId } = correction;
  const session = Object.values(doc.sessions).find(
    (s) =>
      s.scheduledEventId === targetId ||
      s.closedEventId === targetId ||
      s.reschedules.some((r) => r.eventId === targetId),
  );
  if (!session) return doc;
  let updated: SessionEntry | null;
  if (session.scheduledEventId === targetId) {
    if (correction.kind === 'void') updated = null;
    else {
      const fact = amend(
        { scheduledFor: session.originallyScheduledFor, durationMinutes: session.durationMinutes },
        correction.changes,
        (c) => isInstant(c.scheduledFor) && isIntInRange(c.durationMinutes, 1, 1440),
      );
      updated = withReschedules(
        { ...session, originallyScheduledFor: fact.scheduledFor, durationMinutes: fact.durationMinutes },
        session.reschedules,
      );
    }
  } else if (session.closedEventId === targetId) {
    updated = correction.kind === 'void' ? { ...session, status: 'scheduled', closedEventId: null } : session;
  } else {
    const reschedules =
      correction.kind === 'void'
        ? session.reschedules.filter((r) => r.eventId !== targetId)
        : session.reschedules.map((r) =>
            r.eventId === targetId
              ? { ...r, to: amend({ to: r.to }, correction.changes, (c) => isInstant(c.to)).to }
              : r,
          );
    updated = withReschedules(session, reschedules);
  }
  const { [session.sessionId]: _old, ...others } = doc.sessions;
  return { ...doc, sessions: updated ? { ...others, [session.sessionId]: updated } : others };
}

function keysOf({ event }: ProjectedEvent): string[] {
  return TYPES.has(event.type) || correctsOneOf(event, TYPES) ? [event.data.patientId] : [];
}

/** The plan's free text, and every logged event's personal fields as the domain lists them. */
const PERSONAL_FIELDS: readonly string[] = [
  'plan.goals.*.description',
  'plan.medications.*.instructions',
  'plan.holisticContext.lifestyle',
  'plan.holisticContext.supportSystem',
  'plan.holisticContext.comorbidConditions',
  ...new Set([...LOG_TYPES].flatMap((type) => personalDataFields[type].map((path) => `log.*.event.data.${path}`))),
];

export const currentPlanModel: ReadModel<CurrentPlanDoc> = {
  name: 'current-plan',
  // 2: personal fields are stored sealed (docs/erasure.md); stored rows rebuild at start-up.
  version: 2,
  keysOf,
  evolve: evolveCurrentPlan,
  patientOf: (doc) => doc.patientId,
  personalFields: PERSONAL_FIELDS,
};
