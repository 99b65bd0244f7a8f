import type { DomainEvent } from '../events';
import { MedicationNotFound } from '../medication/errors';
import { UnknownTimeZone } from '../shared/calendar';
import { InvalidValue, NotOwnRecord, RoleNotPermitted } from '../shared/errors';
import {
  MED,
  NOW,
  PATIENT,
  as,
  enrolled,
  integratedPlan,
  otherPatientUser,
  patientUser,
  prescribed,
  therapist,
  assigned,
  prescriber,
  planStarted,
} from '../testing/fixtures';
import { given, withId } from '../testing/given-when-then';
import { CorrectionTargetNotCorrectable, CorrectionTargetNotFound, EntryAlreadyEnteredInError } from './errors';

const doseTaken: DomainEvent = {
  type: 'DoseTaken',
  data: {
    patientId: PATIENT,
    medicationId: MED,
    scheduledFor: '2026-03-09T08:00:00Z',
    occurredAt: '2026-03-09T08:00:00Z',
    recordedBy: patientUser,
  },
};
const plan = [withId('enrol-1', enrolled()), assigned(therapist), assigned(prescriber), planStarted()];
const doseStream = 'doses-p-1-2026-03';

describe('corrections', () => {
  it('corrects a care-plan entry by event id (append, never overwrite)', () =>
    given(plan)
      .when(
        {
          type: 'CorrectEntry',
          data: {
            patientId: PATIENT,
            stream: 'careplan-p-1',
            eventId: 'enrol-1',
            changes: [{ field: 'name.family', value: 'King' }],
            reason: 'Misspelt at intake.',
          },
        },
        as(therapist),
      )
      .then([
        {
          type: 'EntryCorrected',
          data: {
            patientId: PATIENT,
            stream: 'careplan-p-1',
            eventId: 'enrol-1',
            eventType: 'PatientEnrolled',
            changes: [{ field: 'name.family', value: 'King' }],
            reason: 'Misspelt at intake.',
            correctedBy: therapist,
            occurredAt: NOW,
          },
        },
      ]));

  const correctZone = (timeZone: string) =>
    given(plan).when(
      {
        type: 'CorrectEntry',
        data: {
          patientId: PATIENT,
          stream: 'careplan-p-1',
          eventId: 'enrol-1',
          changes: [{ field: 'timeZone', value: timeZone }],
          reason: 'Moved.',
        },
      },
      as(therapist),
    );

  it.each(['Europe/Londn', 'Mars/Olympus'])(
    'rule UnknownTimeZone: the zone of an enrolment is not corrected to "%s"',
    (zone) => correctZone(zone).thenThrows(UnknownTimeZone),
  );

  it('corrects the zone of an enrolment to one the runtime resolves', () =>
    expect(
      correctZone('Europe/London')
        .events()
        .map((e) => e.type),
    ).toEqual(['EntryCorrected']));

  it('rule CorrectionTargetNotFound: a correction points at an existing event', () =>
    given(plan)
      .when(
        {
          type: 'MarkEnteredInError',
          data: { patientId: PATIENT, stream: 'careplan-p-1', eventId: 'evt-404', reason: 'x' },
        },
        as(therapist),
      )
      .thenThrows(CorrectionTargetNotFound));

  it('rule CorrectionTargetNotFound: the event must be in the stream named', () =>
    given([...plan, prescribed(), withId('dose-1', doseTaken)])
      .when(
        {
          type: 'MarkEnteredInError',
          data: { patientId: PATIENT, stream: 'doses-p-1-2026-02', eventId: 'dose-1', reason: 'x' },
        },
        as(therapist),
      )
      .thenThrows(CorrectionTargetNotFound));

  it("rule CorrectionTargetNotFound: another patient's stream is never read", () =>
    given(plan)
      .when(
        {
          type: 'MarkEnteredInError',
          data: { patientId: PATIENT, stream: 'careplan-p-2', eventId: 'evt-1', reason: 'x' },
        },
        as(therapist),
      )
      .thenThrows(CorrectionTargetNotFound));

  it('rule CorrectionTargetNotCorrectable: a correction is not itself corrected', () =>
    given([
      ...plan,
      withId('fix-1', {
        type: 'EntryCorrected',
        data: {
          patientId: PATIENT,
          stream: 'careplan-p-1',
          eventId: 'enrol-1',
          eventType: 'PatientEnrolled',
          changes: [{ field: 'name.family', value: 'King' }],
          reason: 'x',
          correctedBy: therapist,
          occurredAt: '2026-03-01T00:00:00Z',
        },
      }),
    ])
      .when(
        {
          type: 'MarkEnteredInError',
          data: { patientId: PATIENT, stream: 'careplan-p-1', eventId: 'fix-1', reason: 'x' },
        },
        as(therapist),
      )
      .thenThrows(CorrectionTargetNotCorrectable));

  it('rule EntryAlreadyEnteredInError: an entry is voided once', () =>
    given([
      ...plan,
      prescribed(),
      withId('dose-1', doseTaken),
      {
        type: 'EntryEnteredInError',
        data: {
          patientId: PATIENT,
          stream: doseStream,
          eventId: 'dose-1',
          eventType: 'DoseTaken',
          reason: 'Wrong day.',
          markedBy: patientUser,
          occurredAt: '2026-03-09T10:00:00Z',
        },
      },
    ])
      .when(
        {
          type: 'MarkEnteredInError',
          data: { patientId: PATIENT, stream: doseStream, eventId: 'dose-1', reason: 'again' },
        },
        as(therapist),
      )
      .thenThrows(EntryAlreadyEnteredInError));

  it('rule InvalidValue: the identity of an entry is not amended', () =>
    given(plan)
      .when(
        {
          type: 'CorrectEntry',
          data: {
            patientId: PATIENT,
            stream: 'careplan-p-1',
            eventId: 'enrol-1',
            changes: [{ field: 'patientId', value: 'p-2' }],
            reason: 'x',
          },
        },
        as(therapist),
      )
      .thenThrows(InvalidValue));

  it('lets the patient void their own dose entry, in the dose stream', () =>
    given([...plan, prescribed(), withId('dose-1', doseTaken)])
      .when(
        {
          type: 'MarkEnteredInError',
          data: { patientId: PATIENT, stream: doseStream, eventId: 'dose-1', reason: 'Tapped twice.' },
        },
        as(patientUser),
      )
      .then([
        {
          type: 'EntryEnteredInError',
          data: {
            patientId: PATIENT,
            stream: doseStream,
            eventId: 'dose-1',
            eventType: 'DoseTaken',
            reason: 'Tapped twice.',
            markedBy: patientUser,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule RoleNotPermitted: a patient does not amend the care plan', () =>
    given(plan)
      .when(
        {
          type: 'MarkEnteredInError',
          data: { patientId: PATIENT, stream: 'careplan-p-1', eventId: 'enrol-1', reason: 'x' },
        },
        as(patientUser),
      )
      .thenThrows(RoleNotPermitted));

  it('rule NotOwnRecord: a patient amends only their own entries', () =>
    given([...plan, prescribed(), withId('dose-1', doseTaken)])
      .when(
        {
          type: 'MarkEnteredInError',
          data: { patientId: PATIENT, stream: doseStream, eventId: 'dose-1', reason: 'x' },
        },
        as(otherPatientUser),
      )
      .thenThrows(NotOwnRecord));

  it('a dose entered in error frees its slot for the right fact', () => {
    const voided: DomainEvent = {
      type: 'EntryEnteredInError',
      data: {
        patientId: PATIENT,
        stream: doseStream,
        eventId: 'dose-1',
        eventType: 'DoseTaken',
        reason: 'x',
        markedBy: patientUser,
        occurredAt: '2026-03-09T10:00:00Z',
      },
    };
    const [event] = given([...plan, prescribed(), withId('dose-1', doseTaken), voided])
      .when(
        {
          type: 'RecordDoseMissed',
          data: { patientId: PATIENT, medicationId: MED, scheduledFor: '2026-03-09T08:00:00Z' },
        },
        as(patientUser),
      )
      .events();
    expect(event).toMatchObject({ type: 'DoseMissed' });
  });

  it('rule MedicationNotFound: a prescription entered in error takes no doses', () =>
    given([
      ...integratedPlan,
      withId('rx-1', prescribed()),
      {
        type: 'EntryEnteredInError',
        data: {
          patientId: PATIENT,
          stream: 'careplan-p-1',
          eventId: 'rx-1',
          eventType: 'MedicationPrescribed',
          reason: 'Wrong patient.',
          markedBy: prescriber,
          occurredAt: '2026-02-02T00:00:00Z',
        },
      },
    ])
      .when(
        {
          type: 'RecordDoseTaken',
          data: {
            patientId: PATIENT,
            medicationId: MED,
            scheduledFor: '2026-03-09T08:00:00Z',
            occurredAt: '2026-03-09T08:00:00Z',
          },
        },
        as(patientUser),
      )
      .thenThrows(MedicationNotFound));
});
