import { NotOnCareTeam, NotOwnRecord } from '../shared/errors';
import {
  NOW,
  PATIENT,
  as,
  integratedPlan,
  otherPatientUser,
  outsider,
  patientUser,
  therapist,
} from '../testing/fixtures';
import { given } from '../testing/given-when-then';
import { commandStreams } from '../command-deciders';
import type { RecordOutcome } from './commands';
import { OutcomeItemsInvalid, OutcomeTotalMismatch, OutcomeTotalOutOfRange } from './errors';

const phq9 = (items: number[], total: number, occurredAt?: string): RecordOutcome => ({
  type: 'RecordOutcome',
  data: { patientId: PATIENT, instrument: 'PHQ-9', items, total, ...(occurredAt ? { occurredAt } : {}) },
});

describe('outcome measures', () => {
  it('records a PHQ-9 filled in by the patient, with item answers and the LOINC code of the total', () =>
    given(integratedPlan)
      .when(phq9([1, 2, 1, 0, 3, 1, 2, 0, 0], 10), as(patientUser))
      .then([
        {
          type: 'OutcomeMeasured',
          data: {
            patientId: PATIENT,
            instrument: 'PHQ-9',
            loinc: '44261-6',
            items: [1, 2, 1, 0, 3, 1, 2, 0, 0],
            total: 10,
            administeredBy: patientUser,
            occurredAt: NOW,
          },
        },
      ]));

  it('records a GAD-7 administered by the therapist (LOINC 70274-6)', () => {
    const [event] = given(integratedPlan)
      .when(
        {
          type: 'RecordOutcome',
          data: { patientId: PATIENT, instrument: 'GAD-7', items: [3, 3, 3, 3, 3, 3, 3], total: 21 },
        },
        as(therapist),
      )
      .events();
    expect(event).toMatchObject({
      type: 'OutcomeMeasured',
      data: { instrument: 'GAD-7', loinc: '70274-6', total: 21, administeredBy: therapist },
    });
  });

  it('rule OutcomeTotalMismatch: the total equals the sum of the item answers', () =>
    given(integratedPlan)
      .when(phq9([1, 2, 1, 0, 3, 1, 2, 0, 0], 11), as(patientUser))
      .thenThrows(OutcomeTotalMismatch));

  it('rule OutcomeTotalOutOfRange: a PHQ-9 total lies in 0-27', () =>
    given(integratedPlan)
      .when(phq9([3, 3, 3, 3, 3, 3, 3, 3, 3], 28), as(patientUser))
      .thenThrows(OutcomeTotalOutOfRange));

  it('rule OutcomeTotalOutOfRange: a GAD-7 total lies in 0-21', () =>
    given(integratedPlan)
      .when(
        {
          type: 'RecordOutcome',
          data: { patientId: PATIENT, instrument: 'GAD-7', items: [3, 3, 3, 3, 3, 3, 3], total: 22 },
        },
        as(patientUser),
      )
      .thenThrows(OutcomeTotalOutOfRange));

  it('rule OutcomeItemsInvalid: a PHQ-9 has nine answers', () =>
    given(integratedPlan)
      .when(phq9([1, 1, 1, 1, 1, 1, 1], 7), as(patientUser))
      .thenThrows(OutcomeItemsInvalid));

  it('rule OutcomeItemsInvalid: each answer is an integer 0-3', () =>
    given(integratedPlan)
      .when(phq9([4, 0, 0, 0, 0, 0, 0, 0, 0], 4), as(patientUser))
      .thenThrows(OutcomeItemsInvalid));

  it('rule NotOwnRecord: a patient fills in only their own questionnaires', () =>
    given(integratedPlan)
      .when(phq9([0, 0, 0, 0, 0, 0, 0, 0, 0], 0), as(otherPatientUser))
      .thenThrows(NotOwnRecord));

  it('rule NotOnCareTeam: a clinician outside the team records no scores', () =>
    given(integratedPlan)
      .when(phq9([0, 0, 0, 0, 0, 0, 0, 0, 0], 0), as(outsider))
      .thenThrows(NotOnCareTeam));

  it('writes to the stream of the year it was measured in', () =>
    expect(commandStreams(phq9([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, '2025-12-31T20:00:00Z'), as(patientUser)).target).toBe(
      'outcomes-p-1-2025',
    ));
});
