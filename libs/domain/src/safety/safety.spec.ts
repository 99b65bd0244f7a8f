import type { DomainEvent } from '../events';
import { MedicationNotFound } from '../medication/errors';
import { NotOwnRecord, RoleNotPermitted } from '../shared/errors';
import {
  MED,
  NOW,
  PATIENT,
  as,
  integratedPlan,
  otherPatientUser,
  patientUser,
  prescribed,
  prescriber,
  therapist,
} from '../testing/fixtures';
import { given } from '../testing/given-when-then';
import type { ReportSideEffect } from './commands';
import { FibserOutOfRange, SideEffectAlreadyReported, SideEffectAlreadyResolved, SideEffectNotFound } from './errors';

const report = (overrides: Partial<ReportSideEffect['data']> = {}): ReportSideEffect => ({
  type: 'ReportSideEffect',
  data: {
    patientId: PATIENT,
    sideEffectId: 'se-1',
    symptom: 'Nausea after the morning dose',
    severity: 'moderate',
    suspectedMedicationId: MED,
    fibser: { frequency: 4, intensity: 3, burden: 2 },
    ...overrides,
  },
});
const onSertraline = [...integratedPlan, prescribed()];
const reported: DomainEvent = {
  type: 'SideEffectReported',
  data: {
    patientId: PATIENT,
    sideEffectId: 'se-1',
    symptom: 'Nausea',
    severity: 'moderate',
    suspectedMedicationId: MED,
    fibser: null,
    urgent: false,
    reportedBy: patientUser,
    occurredAt: '2026-03-08T08:00:00Z',
  },
};
const resolved: DomainEvent = {
  type: 'SideEffectResolved',
  data: {
    patientId: PATIENT,
    sideEffectId: 'se-1',
    note: null,
    recordedBy: patientUser,
    occurredAt: '2026-03-09T08:00:00Z',
  },
};

describe('side-effect reports', () => {
  it('records a patient report with FIBSER ratings, not urgent', () =>
    given(onSertraline)
      .when(report(), as(patientUser))
      .then([
        {
          type: 'SideEffectReported',
          data: {
            patientId: PATIENT,
            sideEffectId: 'se-1',
            symptom: 'Nausea after the morning dose',
            severity: 'moderate',
            suspectedMedicationId: MED,
            fibser: { frequency: 4, intensity: 3, burden: 2 },
            urgent: false,
            reportedBy: patientUser,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule UrgentSideEffect: a severe side effect opens an urgent item for the prescriber', () => {
    const [event] = given(onSertraline)
      .when(report({ severity: 'severe', fibser: null }), as(patientUser))
      .events();
    expect(event).toMatchObject({ type: 'SideEffectReported', data: { urgent: true, fibser: null } });
  });

  it('rule UrgentSideEffect: FIBSER burden of 5 or more opens an urgent item, whatever the severity', () => {
    const [atFive] = given(onSertraline)
      .when(report({ severity: 'mild', fibser: { frequency: 2, intensity: 2, burden: 5 } }), as(patientUser))
      .events();
    const [atFour] = given(onSertraline)
      .when(report({ severity: 'mild', fibser: { frequency: 2, intensity: 2, burden: 4 } }), as(patientUser))
      .events();
    expect(atFive).toMatchObject({ data: { urgent: true } });
    expect(atFour).toMatchObject({ data: { urgent: false } });
  });

  it('rule FibserOutOfRange: each FIBSER item is an integer 0-6', () =>
    given(onSertraline)
      .when(report({ fibser: { frequency: 7, intensity: 0, burden: 0 } }), as(patientUser))
      .thenThrows(FibserOutOfRange));

  it("rule MedicationNotFound: the suspected medication is one of the patient's", () =>
    given(onSertraline)
      .when(report({ suspectedMedicationId: 'med-unknown' }), as(patientUser))
      .thenThrows(MedicationNotFound));

  it('rule SideEffectAlreadyReported: side-effect ids are unique', () =>
    given([...onSertraline, reported])
      .when(report(), as(patientUser))
      .thenThrows(SideEffectAlreadyReported));

  it('rule NotOwnRecord: a patient reports only their own side effects', () =>
    given(onSertraline).when(report(), as(otherPatientUser)).thenThrows(NotOwnRecord));
});

describe('side-effect review and resolution', () => {
  it('is reviewed by the prescriber with the action taken', () =>
    given([...onSertraline, reported])
      .when(
        {
          type: 'ReviewSideEffect',
          data: { patientId: PATIENT, sideEffectId: 'se-1', action: 'dose-adjusted', note: 'Down to 25 mg.' },
        },
        as(prescriber),
      )
      .then([
        {
          type: 'SideEffectReviewed',
          data: {
            patientId: PATIENT,
            sideEffectId: 'se-1',
            action: 'dose-adjusted',
            note: 'Down to 25 mg.',
            reviewedBy: prescriber,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule SideEffectNotFound: cannot review a side effect that does not exist', () =>
    given(onSertraline)
      .when(
        { type: 'ReviewSideEffect', data: { patientId: PATIENT, sideEffectId: 'se-1', action: 'monitor' } },
        as(prescriber),
      )
      .thenThrows(SideEffectNotFound));

  it('rule RoleNotPermitted: side effects are reviewed by a prescriber', () =>
    given([...onSertraline, reported])
      .when(
        { type: 'ReviewSideEffect', data: { patientId: PATIENT, sideEffectId: 'se-1', action: 'monitor' } },
        as(therapist),
      )
      .thenThrows(RoleNotPermitted));

  it('is resolved by the patient', () =>
    given([...onSertraline, reported])
      .when(
        { type: 'ResolveSideEffect', data: { patientId: PATIENT, sideEffectId: 'se-1', note: 'Gone since Monday.' } },
        as(patientUser),
      )
      .then([
        {
          type: 'SideEffectResolved',
          data: {
            patientId: PATIENT,
            sideEffectId: 'se-1',
            note: 'Gone since Monday.',
            recordedBy: patientUser,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule SideEffectAlreadyResolved: a side effect resolves once', () =>
    given([...onSertraline, reported, resolved])
      .when({ type: 'ResolveSideEffect', data: { patientId: PATIENT, sideEffectId: 'se-1' } }, as(therapist))
      .thenThrows(SideEffectAlreadyResolved));
});
