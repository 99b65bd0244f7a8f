import type { Appointment } from '@medplum/fhirtypes';
import type { EventOf, SessionKind } from '@caretrail/domain';
import { caretrailSystem, snomedOf, SNOMED } from '../codes';
import { change, update, userReference, type FoldContext, type ResourceChange } from './context';

const serviceType = (kind: SessionKind): NonNullable<Appointment['serviceType']> => {
  const snomed = snomedOf[kind];
  return [
    {
      coding: [
        { system: caretrailSystem.sessionKind, code: kind },
        ...(snomed ? [{ system: SNOMED, code: snomed[0], display: snomed[1] }] : []),
      ],
      text: kind,
    },
  ];
};

const plusMinutes = (instant: string, minutes: number): string =>
  new Date(new Date(instant).getTime() + minutes * 60_000).toISOString();

/** A session is an Appointment: booked, then fulfilled, a no-show or cancelled; a reschedule moves it. */
export function sessionScheduled(
  ctx: FoldContext,
  { data }: EventOf<'SessionScheduled'>,
  id: string,
): ResourceChange[] {
  ctx.sessions.set(data.sessionId, id);
  return [
    change<Appointment>('Appointment', id, () => ({
      resourceType: 'Appointment',
      id,
      identifier: [{ system: 'https://caretrail.dev/fhir/NamingSystem/session-id', value: data.sessionId }],
      status: 'booked',
      serviceType: serviceType(data.kind),
      start: data.scheduledFor,
      end: plusMinutes(data.scheduledFor, data.durationMinutes),
      minutesDuration: data.durationMinutes,
      created: data.occurredAt,
      participant: [
        { actor: { ...ctx.patient, display: 'patient' }, status: 'accepted' },
        { actor: userReference({ userId: data.clinicianId, role: 'clinician' }), status: 'accepted' },
      ],
    })),
  ];
}

type SessionOutcome = EventOf<'SessionAttended'> | EventOf<'SessionMissed'> | EventOf<'SessionCancelled'>;

const STATUS: Record<SessionOutcome['type'], Appointment['status']> = {
  SessionAttended: 'fulfilled',
  SessionMissed: 'noshow',
  SessionCancelled: 'cancelled',
};

export const sessionEnded = (ctx: FoldContext, event: SessionOutcome): ResourceChange[] =>
  update<Appointment>('Appointment', ctx.sessions.get(event.data.sessionId), (appointment) => ({
    ...appointment,
    status: STATUS[event.type],
    ...(event.type === 'SessionCancelled'
      ? { cancelationReason: { coding: [{ code: event.data.cancelledBy }], text: event.data.reason } }
      : {}),
    ...(event.type === 'SessionMissed' && event.data.reason !== null ? { comment: event.data.reason } : {}),
  }));

export const sessionRescheduled = (ctx: FoldContext, { data }: EventOf<'SessionRescheduled'>): ResourceChange[] =>
  update<Appointment>('Appointment', ctx.sessions.get(data.sessionId), (appointment) => ({
    ...appointment,
    start: data.to,
    end: plusMinutes(data.to, appointment.minutesDuration ?? 0),
    ...(data.reason === null ? {} : { comment: data.reason }),
  }));
