import { InvalidValue, RoleNotPermitted } from '../shared/errors';
import {
  NOW,
  PATIENT,
  as,
  careManager,
  integratedPlan,
  assigned,
  prescriber,
  therapist,
  therapyPrescribed,
  trackChanged,
  planStarted,
  enrolled,
} from '../testing/fixtures';
import { given } from '../testing/given-when-then';
import {
  MedicationOnlyTrackHasNoTherapy,
  NoTherapyPrescribed,
  TherapyAlreadyPrescribed,
  TherapyUnchanged,
} from './errors';

describe('psychotherapy prescription', () => {
  it('prescribes CBT weekly', () =>
    given(integratedPlan)
      .when(
        {
          type: 'PrescribeTherapy',
          data: { patientId: PATIENT, modality: 'CBT', frequency: { sessions: 1, per: 'week' } },
        },
        as(therapist),
      )
      .then([
        {
          type: 'TherapyPrescribed',
          data: {
            patientId: PATIENT,
            carePlanId: 'plan-1',
            modality: 'CBT',
            modalityDetail: null,
            frequency: { sessions: 1, per: 'week' },
            prescribedBy: therapist,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule MedicationOnlyTrackHasNoTherapy: no therapy is prescribed on a medication-only plan', () =>
    given([enrolled(), assigned(therapist), planStarted('medication-only')])
      .when(
        {
          type: 'PrescribeTherapy',
          data: { patientId: PATIENT, modality: 'CBT', frequency: { sessions: 1, per: 'week' } },
        },
        as(therapist),
      )
      .thenThrows(MedicationOnlyTrackHasNoTherapy));

  it('rule TherapyAlreadyPrescribed: one therapy per plan; it changes by modality or frequency', () =>
    given([...integratedPlan, therapyPrescribed()])
      .when(
        {
          type: 'PrescribeTherapy',
          data: { patientId: PATIENT, modality: 'DBT', frequency: { sessions: 1, per: 'week' } },
        },
        as(therapist),
      )
      .thenThrows(TherapyAlreadyPrescribed));

  it('rule InvalidValue: an "other" modality is named', () =>
    given(integratedPlan)
      .when(
        {
          type: 'PrescribeTherapy',
          data: { patientId: PATIENT, modality: 'other', frequency: { sessions: 1, per: 'week' } },
        },
        as(therapist),
      )
      .thenThrows(InvalidValue));

  it('rule RoleNotPermitted: a care manager does not prescribe therapy', () =>
    given([...integratedPlan, assigned(careManager)])
      .when(
        {
          type: 'PrescribeTherapy',
          data: { patientId: PATIENT, modality: 'CBT', frequency: { sessions: 1, per: 'week' } },
        },
        as(careManager),
      )
      .thenThrows(RoleNotPermitted));

  it('changes the modality from CBT to DBT', () =>
    given([...integratedPlan, therapyPrescribed()])
      .when(
        { type: 'ChangeTherapyModality', data: { patientId: PATIENT, modality: 'DBT', reason: 'Emotion regulation.' } },
        as(therapist),
      )
      .then([
        {
          type: 'TherapyModalityChanged',
          data: {
            patientId: PATIENT,
            carePlanId: 'plan-1',
            from: 'CBT',
            to: 'DBT',
            modalityDetail: null,
            reason: 'Emotion regulation.',
            changedBy: therapist,
            occurredAt: NOW,
          },
        },
      ]));

  it('changes the planned frequency', () =>
    given([...integratedPlan, therapyPrescribed()])
      .when(
        { type: 'ChangeTherapyFrequency', data: { patientId: PATIENT, frequency: { sessions: 2, per: 'month' } } },
        as(prescriber),
      )
      .then([
        {
          type: 'TherapyFrequencyChanged',
          data: {
            patientId: PATIENT,
            carePlanId: 'plan-1',
            from: { sessions: 1, per: 'week' },
            to: { sessions: 2, per: 'month' },
            changedBy: prescriber,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule NoTherapyPrescribed: there is no therapy to change before one is prescribed', () =>
    given(integratedPlan)
      .when({ type: 'ChangeTherapyModality', data: { patientId: PATIENT, modality: 'DBT' } }, as(therapist))
      .thenThrows(NoTherapyPrescribed));

  it('rule NoTherapyPrescribed: switching to medication only ends the therapy prescription', () =>
    given([...integratedPlan, therapyPrescribed(), trackChanged('integrated', 'medication-only')])
      .when(
        { type: 'ChangeTherapyFrequency', data: { patientId: PATIENT, frequency: { sessions: 2, per: 'week' } } },
        as(therapist),
      )
      .thenThrows(NoTherapyPrescribed));

  it('rule TherapyUnchanged: a change changes something', () =>
    given([...integratedPlan, therapyPrescribed()])
      .when(
        { type: 'ChangeTherapyFrequency', data: { patientId: PATIENT, frequency: { sessions: 1, per: 'week' } } },
        as(therapist),
      )
      .thenThrows(TherapyUnchanged));
});
