import type { DomainEvent } from '../events';
import { NotOnCareTeam, NotTeamPrescriber, RoleNotPermitted } from '../shared/errors';
import {
  MED,
  NOW,
  PATIENT,
  as,
  assigned,
  discontinuedAt,
  enrolled,
  integratedPlan,
  outsider,
  planStarted,
  prescribed,
  prescriber,
  therapist,
} from '../testing/fixtures';
import { given, withId } from '../testing/given-when-then';
import type { PrescribeMedication } from './commands';
import {
  DateBeforeMedicationStart,
  InvalidDoseSchedule,
  MedicationAlreadyDiscontinued,
  MedicationAlreadyPrescribed,
  MedicationNotFound,
  TherapyOnlyTrackHasNoMedication,
} from './errors';

const prescribe = (overrides: Partial<PrescribeMedication['data']> = {}): PrescribeMedication => ({
  type: 'PrescribeMedication',
  data: {
    patientId: PATIENT,
    medicationId: MED,
    drug: { name: 'Sertraline', rxNormCode: '36437' },
    strength: { value: 50, unit: 'mg' },
    schedule: { timesPerDay: 1, daysOfWeek: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], times: ['08:00'] },
    startsAt: '2026-02-01T00:00:00Z',
    ...overrides,
  },
});
const everyDay = {
  timesPerDay: 2,
  daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as (
    'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
  )[],
};

describe('prescribing', () => {
  it('prescribes with the dose schedule PDC needs (doses per day, days of week, start)', () =>
    given(integratedPlan)
      .when(prescribe(), { now: '2026-01-31T10:00:00Z', actor: as(prescriber).actor })
      .then([prescribed({ occurredAt: '2026-01-31T10:00:00Z' })]));

  it('rule RoleNotPermitted: a therapist does not prescribe', () =>
    given(integratedPlan).when(prescribe(), as(therapist)).thenThrows(RoleNotPermitted));

  it('rule NotOnCareTeam: only a prescriber on the care team prescribes', () =>
    given(integratedPlan).when(prescribe(), as(outsider)).thenThrows(NotOnCareTeam));

  it('rule NotTeamPrescriber: a prescriber who sits on the team in another role does not prescribe', () =>
    given([...integratedPlan, assigned({ userId: 'u-dual', role: 'primary-care' })])
      .when(prescribe(), { actor: { userId: 'u-dual', role: 'prescriber' } })
      .thenThrows(NotTeamPrescriber));

  it('rule TherapyOnlyTrackHasNoMedication: a therapy-only plan has no medication', () =>
    given([enrolled(), assigned(prescriber), planStarted('therapy-only')])
      .when(prescribe(), as(prescriber))
      .thenThrows(TherapyOnlyTrackHasNoMedication));

  it('rule MedicationAlreadyPrescribed: medication ids are unique', () =>
    given([...integratedPlan, prescribed()])
      .when(prescribe(), as(prescriber))
      .thenThrows(MedicationAlreadyPrescribed));

  it.each([
    ['no dose a day', { timesPerDay: 0, daysOfWeek: ['mon'] }],
    ['no day of the week', { timesPerDay: 1, daysOfWeek: [] }],
    ['a day twice', { timesPerDay: 1, daysOfWeek: ['mon', 'mon'] }],
    ['times not matching doses per day', { timesPerDay: 2, daysOfWeek: ['mon'], times: ['08:00'] }],
    ['a time that is not a wall-clock time', { timesPerDay: 1, daysOfWeek: ['mon'], times: ['8am'] }],
  ] as const)('rule InvalidDoseSchedule: refuses %s', (_, schedule) =>
    given(integratedPlan)
      .when(
        prescribe({
          schedule: { ...schedule, daysOfWeek: [...schedule.daysOfWeek] } as PrescribeMedication['data']['schedule'],
        }),
        as(prescriber),
      )
      .thenThrows(InvalidDoseSchedule),
  );
});

describe('adjusting and discontinuing', () => {
  const history: DomainEvent[] = [...integratedPlan];
  const adjust = {
    type: 'AdjustDose',
    data: {
      patientId: PATIENT,
      medicationId: MED,
      strength: { value: 100, unit: 'mg' },
      schedule: everyDay,
      effectiveFrom: '2026-03-11T00:00:00Z',
      reason: 'Partial response.',
    },
  } as const;

  it('adjusts the dose from an effective date and links the prescription it replaces', () =>
    given([...history, withId('rx-1', prescribed())])
      .when({ ...adjust, data: { ...adjust.data, schedule: { ...everyDay } } }, as(prescriber))
      .then([
        {
          type: 'DoseAdjusted',
          data: {
            patientId: PATIENT,
            carePlanId: 'plan-1',
            medicationId: MED,
            supersedes: 'rx-1',
            strength: { value: 100, unit: 'mg' },
            schedule: { timesPerDay: 2, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], times: null },
            effectiveFrom: '2026-03-11T00:00:00Z',
            reason: 'Partial response.',
            prescriberId: prescriber.userId,
            occurredAt: NOW,
          },
        },
      ]));

  it('links the latest adjustment when adjusting again', () => {
    const firstAdjustment: DomainEvent = {
      type: 'DoseAdjusted',
      data: {
        patientId: PATIENT,
        carePlanId: 'plan-1',
        medicationId: MED,
        supersedes: 'rx-1',
        strength: { value: 75, unit: 'mg' },
        schedule: { ...everyDay, times: null },
        effectiveFrom: '2026-02-15T00:00:00Z',
        reason: null,
        prescriberId: prescriber.userId,
        occurredAt: '2026-02-15T00:00:00Z',
      },
    };
    const [event] = given([...history, withId('rx-1', prescribed()), withId('adj-1', firstAdjustment)])
      .when({ ...adjust, data: { ...adjust.data, schedule: { ...everyDay } } }, as(prescriber))
      .events();
    expect(event).toMatchObject({ type: 'DoseAdjusted', data: { supersedes: 'adj-1' } });
  });

  it('rule MedicationNotFound: only prescribed medications are adjusted', () =>
    given(history)
      .when({ ...adjust, data: { ...adjust.data, schedule: { ...everyDay } } }, as(prescriber))
      .thenThrows(MedicationNotFound));

  it('rule DateBeforeMedicationStart: an adjustment takes effect after the medication starts', () =>
    given([...history, prescribed()])
      .when(
        { ...adjust, data: { ...adjust.data, schedule: { ...everyDay }, effectiveFrom: '2026-01-15T00:00:00Z' } },
        as(prescriber),
      )
      .thenThrows(DateBeforeMedicationStart));

  it('rule NotOnCareTeam: only a prescriber on the care team adjusts', () =>
    given([...history, prescribed()])
      .when({ ...adjust, data: { ...adjust.data, schedule: { ...everyDay } } }, as(outsider))
      .thenThrows(NotOnCareTeam));

  it('discontinues with a reason and a stop time', () =>
    given([...history, prescribed()])
      .when(
        {
          type: 'DiscontinueMedication',
          data: { patientId: PATIENT, medicationId: MED, reason: 'side-effects', reasonDetail: 'Nausea.' },
        },
        as(prescriber),
      )
      .then([
        {
          type: 'MedicationDiscontinued',
          data: {
            patientId: PATIENT,
            carePlanId: 'plan-1',
            medicationId: MED,
            stoppedAt: NOW,
            reason: 'side-effects',
            reasonDetail: 'Nausea.',
            prescriberId: prescriber.userId,
            occurredAt: NOW,
          },
        },
      ]));

  it('rule MedicationAlreadyDiscontinued: a stopped medication is neither stopped again nor adjusted', () => {
    const stopped = [...history, prescribed(), discontinuedAt('2026-03-01T00:00:00Z')];
    given(stopped)
      .when(
        { type: 'DiscontinueMedication', data: { patientId: PATIENT, medicationId: MED, reason: 'other' } },
        as(prescriber),
      )
      .thenThrows(MedicationAlreadyDiscontinued);
    given(stopped)
      .when({ ...adjust, data: { ...adjust.data, schedule: { ...everyDay } } }, as(prescriber))
      .thenThrows(MedicationAlreadyDiscontinued);
  });

  it('rule DateBeforeMedicationStart: a medication does not stop before it starts', () =>
    given([...history, prescribed({ startsAt: '2026-03-20T00:00:00Z' })])
      .when(
        {
          type: 'DiscontinueMedication',
          data: { patientId: PATIENT, medicationId: MED, reason: 'patient-choice', stoppedAt: '2026-03-10T00:00:00Z' },
        },
        as(prescriber),
      )
      .thenThrows(DateBeforeMedicationStart));
});
