import type { DomainEvent } from '../events';
import { InvalidValue, RoleNotPermitted } from '../shared/errors';
import { MedicationOnlyTrackHasNoTherapy } from '../therapy/errors';
import {
  NOW,
  PATIENT,
  as,
  integratedPlan,
  patientUser,
  prescriber,
  therapist,
  trackChanged,
} from '../testing/fixtures';
import { given } from '../testing/given-when-then';
import type { ScheduleSession } from './commands';
import {
  SessionAlreadyClosed,
  SessionAlreadyScheduled,
  SessionInPast,
  SessionNotFound,
  SessionNotYetDue,
} from './errors';

const schedule = (overrides: Partial<ScheduleSession['data']> = {}): ScheduleSession => ({
  type: 'ScheduleSession',
  data: {
    patientId: PATIENT,
    sessionId: 's-1',
    kind: 'psychotherapy',
    scheduledFor: '2026-03-12T15:00:00Z',
    durationMinutes: 50,
    ...overrides,
  },
});
const scheduled = (
  scheduledFor: string,
  kind: 'psychotherapy' | 'medication-management' = 'psychotherapy',
): DomainEvent => ({
  type: 'SessionScheduled',
  data: {
    patientId: PATIENT,
    sessionId: 's-1',
    kind,
    scheduledFor,
    durationMinutes: 50,
    clinicianId: therapist.userId,
    scheduledBy: therapist,
    occurredAt: '2026-03-01T09:00:00Z',
  },
});
const past = [...integratedPlan, scheduled('2026-03-09T15:00:00Z')];
const upcoming = [...integratedPlan, scheduled('2026-03-12T15:00:00Z')];
const cancelled: DomainEvent = {
  type: 'SessionCancelled',
  data: {
    patientId: PATIENT,
    sessionId: 's-1',
    kind: 'psychotherapy',
    cancelledBy: 'patient',
    reason: 'Ill.',
    recordedBy: therapist,
    occurredAt: '2026-03-08T10:00:00Z',
  },
};
const therapistCtx = as(therapist);

describe('scheduling', () => {
  it('schedules a psychotherapy session with the acting clinician', () =>
    given(integratedPlan)
      .when(schedule(), therapistCtx)
      .then([
        {
          type: 'SessionScheduled',
          data: {
            patientId: PATIENT,
            sessionId: 's-1',
            kind: 'psychotherapy',
            scheduledFor: '2026-03-12T15:00:00Z',
            durationMinutes: 50,
            clinicianId: therapist.userId,
            scheduledBy: therapist,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule MedicationOnlyTrackHasNoTherapy: no psychotherapy session is scheduled after the switch to medication only', () =>
    given([...integratedPlan, trackChanged('integrated', 'medication-only')])
      .when(schedule(), therapistCtx)
      .thenThrows(MedicationOnlyTrackHasNoTherapy));

  it('still schedules medication-management visits on the medication-only track', () => {
    const [event] = given([...integratedPlan, trackChanged('integrated', 'medication-only')])
      .when(schedule({ kind: 'medication-management' }), as(prescriber))
      .events();
    expect(event).toMatchObject({
      type: 'SessionScheduled',
      data: { kind: 'medication-management', clinicianId: prescriber.userId },
    });
  });

  it('rule SessionAlreadyScheduled: session ids are unique', () =>
    given(upcoming).when(schedule(), therapistCtx).thenThrows(SessionAlreadyScheduled));

  it('rule SessionInPast: sessions are scheduled ahead', () =>
    given(integratedPlan)
      .when(schedule({ scheduledFor: '2026-03-09T15:00:00Z' }), therapistCtx)
      .thenThrows(SessionInPast));

  it('rule InvalidValue: the session clinician is on the care team', () =>
    given(integratedPlan)
      .when(schedule({ clinicianId: 'u-stranger' }), therapistCtx)
      .thenThrows(InvalidValue));

  it('rule RoleNotPermitted: patients do not schedule through the write model', () =>
    given(integratedPlan).when(schedule(), as(patientUser)).thenThrows(RoleNotPermitted));
});

describe('session outcomes', () => {
  it('records attendance of a past session', () =>
    given(past)
      .when({ type: 'RecordSessionAttended', data: { patientId: PATIENT, sessionId: 's-1' } }, therapistCtx)
      .then([
        {
          type: 'SessionAttended',
          data: {
            patientId: PATIENT,
            sessionId: 's-1',
            kind: 'psychotherapy',
            recordedBy: therapist,
            occurredAt: '2026-03-09T15:00:00Z',
          },
        },
      ]));

  it('records a no-show', () =>
    given(past)
      .when(
        { type: 'RecordSessionMissed', data: { patientId: PATIENT, sessionId: 's-1', reason: 'No answer by phone.' } },
        therapistCtx,
      )
      .then([
        {
          type: 'SessionMissed',
          data: {
            patientId: PATIENT,
            sessionId: 's-1',
            kind: 'psychotherapy',
            reason: 'No answer by phone.',
            recordedBy: therapist,
            occurredAt: '2026-03-09T15:00:00Z',
          },
        },
      ]));

  it('rule SessionNotYetDue: a session is attended or missed only once its time has come', () =>
    given(upcoming)
      .when({ type: 'RecordSessionAttended', data: { patientId: PATIENT, sessionId: 's-1' } }, therapistCtx)
      .thenThrows(SessionNotYetDue));

  it('rule SessionNotFound: only scheduled sessions have outcomes', () =>
    given(integratedPlan)
      .when({ type: 'RecordSessionMissed', data: { patientId: PATIENT, sessionId: 's-1' } }, therapistCtx)
      .thenThrows(SessionNotFound));

  it('rule SessionAlreadyClosed: a cancelled session is not attended (scheduled -> attended | missed | cancelled, once)', () =>
    given([...past, cancelled])
      .when({ type: 'RecordSessionAttended', data: { patientId: PATIENT, sessionId: 's-1' } }, therapistCtx)
      .thenThrows(SessionAlreadyClosed));

  it('cancels with who and why', () =>
    given(upcoming)
      .when(
        {
          type: 'CancelSession',
          data: { patientId: PATIENT, sessionId: 's-1', cancelledBy: 'patient', reason: 'Exam day.' },
        },
        therapistCtx,
      )
      .then([
        {
          type: 'SessionCancelled',
          data: {
            patientId: PATIENT,
            sessionId: 's-1',
            kind: 'psychotherapy',
            cancelledBy: 'patient',
            reason: 'Exam day.',
            recordedBy: therapist,
            occurredAt: NOW,
          },
        },
      ]));

  it('reschedules an upcoming session', () =>
    given(upcoming)
      .when(
        {
          type: 'RescheduleSession',
          data: { patientId: PATIENT, sessionId: 's-1', scheduledFor: '2026-03-13T15:00:00Z' },
        },
        therapistCtx,
      )
      .then([
        {
          type: 'SessionRescheduled',
          data: {
            patientId: PATIENT,
            sessionId: 's-1',
            from: '2026-03-12T15:00:00Z',
            to: '2026-03-13T15:00:00Z',
            reason: null,
            recordedBy: therapist,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule MedicationOnlyTrackHasNoTherapy: a psychotherapy session is not moved past the switch to medication only', () =>
    given([...upcoming, trackChanged('integrated', 'medication-only')])
      .when(
        {
          type: 'RescheduleSession',
          data: { patientId: PATIENT, sessionId: 's-1', scheduledFor: '2026-03-20T15:00:00Z' },
        },
        therapistCtx,
      )
      .thenThrows(MedicationOnlyTrackHasNoTherapy));

  it('rule SessionInPast: a session is not rescheduled into the past', () =>
    given(upcoming)
      .when(
        {
          type: 'RescheduleSession',
          data: { patientId: PATIENT, sessionId: 's-1', scheduledFor: '2026-03-01T15:00:00Z' },
        },
        therapistCtx,
      )
      .thenThrows(SessionInPast));
});
