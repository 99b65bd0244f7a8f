import type { DomainEvent } from '../events';
import { MedicationNotFound } from '../medication/errors';
import { NotOnCareTeam, NotOwnRecord, OccurredInFuture } from '../shared/errors';
import {
  MED,
  PATIENT,
  as,
  discontinuedAt,
  integratedPlan,
  otherPatientUser,
  outsider,
  patientUser,
  prescribed,
  therapist,
} from '../testing/fixtures';
import { given, withId } from '../testing/given-when-then';
import type { RecordDoseMissed, RecordDoseTaken } from './commands';
import { DoseAlreadyRecorded, DoseNotYetDue, MedicationNotActive } from './errors';

const taken = (scheduledFor: string, occurredAt: string): RecordDoseTaken => ({
  type: 'RecordDoseTaken',
  data: { patientId: PATIENT, medicationId: MED, scheduledFor, occurredAt },
});
const missed = (scheduledFor: string, extra: Partial<RecordDoseMissed['data']> = {}): RecordDoseMissed => ({
  type: 'RecordDoseMissed',
  data: { patientId: PATIENT, medicationId: MED, scheduledFor, ...extra },
});
const doseMissedEvent = (scheduledFor: string): DomainEvent => ({
  type: 'DoseMissed',
  data: {
    patientId: PATIENT,
    medicationId: MED,
    scheduledFor,
    occurredAt: scheduledFor,
    reason: 'forgot',
    reasonDetail: null,
    recordedBy: patientUser,
  },
});
const doseTakenEvent = (scheduledFor: string): DomainEvent => ({
  type: 'DoseTaken',
  data: { patientId: PATIENT, medicationId: MED, scheduledFor, occurredAt: scheduledFor, recordedBy: patientUser },
});
const onSertraline = [...integratedPlan, prescribed()];
const patient = as(patientUser);

describe('doses taken', () => {
  it('records a dose taken on time by the patient, with the slot it refers to', () =>
    given(onSertraline)
      .when(taken('2026-03-10T08:00:00Z', '2026-03-10T08:20:00Z'), patient)
      .then([
        {
          type: 'DoseTaken',
          data: {
            patientId: PATIENT,
            medicationId: MED,
            scheduledFor: '2026-03-10T08:00:00Z',
            occurredAt: '2026-03-10T08:20:00Z',
            recordedBy: patientUser,
          },
        },
      ]));

  it('rule MedicationNotActive: doses only against a medication active on the plan at occurredAt (not before it starts)', () =>
    given(onSertraline)
      .when(taken('2026-01-20T08:00:00Z', '2026-01-20T08:00:00Z'), patient)
      .thenThrows(MedicationNotActive));

  it('rule MedicationNotActive: refuses a dose for a medication discontinued before it was taken', () =>
    given([...onSertraline, discontinuedAt('2026-03-01T00:00:00Z')])
      .when(taken('2026-03-02T08:00:00Z', '2026-03-02T08:00:00Z'), patient)
      .thenThrows(MedicationNotActive));

  it('accepts a dose taken before the stop time, even when reported after it (late, offline devices)', () => {
    const events = given([...onSertraline, discontinuedAt('2026-03-01T00:00:00Z')])
      .when(taken('2026-02-28T08:00:00Z', '2026-02-28T08:10:00Z'), patient)
      .events();
    expect(events).toEqual([expect.objectContaining({ type: 'DoseTaken' })]);
  });

  it('rule MedicationNotFound: a dose names a medication of the patient', () =>
    given(integratedPlan)
      .when(taken('2026-03-10T08:00:00Z', '2026-03-10T08:00:00Z'), patient)
      .thenThrows(MedicationNotFound));

  it('rule OccurredInFuture: a dose cannot be taken later than now', () =>
    given(onSertraline)
      .when(taken('2026-03-10T20:00:00Z', '2026-03-10T20:00:00Z'), patient)
      .thenThrows(OccurredInFuture));

  it('counts a dose taken more than two hours after its slot as late', () =>
    given(onSertraline)
      .when(taken('2026-03-10T08:00:00Z', '2026-03-10T10:30:00Z'), patient)
      .then([
        {
          type: 'DoseTakenLate',
          data: {
            patientId: PATIENT,
            medicationId: MED,
            scheduledFor: '2026-03-10T08:00:00Z',
            occurredAt: '2026-03-10T10:30:00Z',
            supersedesMissed: null,
            recordedBy: patientUser,
          },
        },
      ]));

  it('rule missed-then-taken: a missed dose later reported as taken counts as taken late and supersedes the miss', () =>
    given([...onSertraline, withId('miss-1', doseMissedEvent('2026-03-09T08:00:00Z'))])
      .when(taken('2026-03-09T08:00:00Z', '2026-03-09T09:00:00Z'), patient)
      .then([
        {
          type: 'DoseTakenLate',
          data: {
            patientId: PATIENT,
            medicationId: MED,
            scheduledFor: '2026-03-09T08:00:00Z',
            occurredAt: '2026-03-09T09:00:00Z',
            supersedesMissed: 'miss-1',
            recordedBy: patientUser,
          },
        },
      ]));

  it('finds the miss across a month boundary: the stream is chosen by the slot, not by when it was taken', () => {
    const history = [...integratedPlan, prescribed(), withId('miss-jan', doseMissedEvent('2026-02-28T21:00:00Z'))];
    const [event] = given(history).when(taken('2026-02-28T21:00:00Z', '2026-03-01T01:00:00Z'), patient).events();
    expect(event).toMatchObject({ type: 'DoseTakenLate', data: { supersedesMissed: 'miss-jan' } });
  });

  it('rule DoseAlreadyRecorded: a slot is taken once (offline retries do not double-count)', () =>
    given([...onSertraline, doseTakenEvent('2026-03-10T08:00:00Z')])
      .when(taken('2026-03-10T08:00:00Z', '2026-03-10T08:05:00Z'), patient)
      .thenThrows(DoseAlreadyRecorded));

  it('rule DoseAlreadyRecorded: the same slot written with another UTC offset is the same slot', () =>
    given([...onSertraline, doseTakenEvent('2026-03-10T08:00:00Z')])
      .when(taken('2026-03-10T09:00:00+01:00', '2026-03-10T09:05:00+01:00'), patient)
      .thenThrows(DoseAlreadyRecorded));

  it('rule NotOwnRecord: a patient records only their own doses', () =>
    given(onSertraline)
      .when(taken('2026-03-10T08:00:00Z', '2026-03-10T08:00:00Z'), as(otherPatientUser))
      .thenThrows(NotOwnRecord));

  it('rule NotOnCareTeam: a clinician records doses only for patients of their care team', () =>
    given(onSertraline)
      .when(taken('2026-03-10T08:00:00Z', '2026-03-10T08:00:00Z'), as(outsider))
      .thenThrows(NotOnCareTeam));

  it('lets a care-team clinician record a dose reported by phone', () => {
    const [event] = given(onSertraline)
      .when(taken('2026-03-10T08:00:00Z', '2026-03-10T08:00:00Z'), as(therapist))
      .events();
    expect(event).toMatchObject({ type: 'DoseTaken', data: { recordedBy: therapist } });
  });
});

describe('doses missed', () => {
  it('records a missed dose with its reason; it happened at the slot', () =>
    given(onSertraline)
      .when(missed('2026-03-09T08:00:00Z', { reason: 'side-effects', reasonDetail: 'Felt sick.' }), patient)
      .then([
        {
          type: 'DoseMissed',
          data: {
            patientId: PATIENT,
            medicationId: MED,
            scheduledFor: '2026-03-09T08:00:00Z',
            occurredAt: '2026-03-09T08:00:00Z',
            reason: 'side-effects',
            reasonDetail: 'Felt sick.',
            recordedBy: patientUser,
          },
        },
      ]));

  it('rule DoseNotYetDue: a dose cannot be missed before its time', () =>
    given(onSertraline).when(missed('2026-03-11T08:00:00Z'), patient).thenThrows(DoseNotYetDue));

  it('rule DoseAlreadyRecorded: a dose taken is not missed afterwards', () =>
    given([...onSertraline, doseTakenEvent('2026-03-09T08:00:00Z')])
      .when(missed('2026-03-09T08:00:00Z'), patient)
      .thenThrows(DoseAlreadyRecorded));

  it('rule MedicationNotActive: no missed dose for a discontinued medication', () =>
    given([...onSertraline, discontinuedAt('2026-03-01T00:00:00Z')])
      .when(missed('2026-03-05T08:00:00Z'), patient)
      .thenThrows(MedicationNotActive));
});
