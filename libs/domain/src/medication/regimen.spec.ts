import type { DomainEvent, EventOf } from '../events';
import {
  MED,
  NOW,
  PATIENT,
  adjusted,
  as,
  integratedPlan,
  prescribed,
  prescriber,
  outsider,
  therapist,
} from '../testing/fixtures';
import { given, withId } from '../testing/given-when-then';
import { NotOnCareTeam, RoleNotPermitted } from '../shared/errors';
import type { AdjustDose, CancelDoseAdjustment } from './commands';
import { AdjustmentNotFound, AdjustmentNotPending, PendingAdjustmentsDecisionRequired } from './errors';
import { changeInEffect, pendingChanges } from './regimen';

describe('regimen on a day (docs/clinical-rules.md, "Regimen on a day")', () => {
  // Recording order: the titration (effective the 20th) first, then the cut back-dated to the 10th.
  const titration = { id: 'titration', from: '2026-03-20' };
  const cut = { id: 'cut', from: '2026-03-10' };
  const changes = [titration, cut];
  const from = (c: { from: string }): string => c.from;

  it.each([
    ['2026-03-09', null, 'before both: the prescription'],
    ['2026-03-10', 'cut', 'the cut from its own date'],
    ['2026-03-19', 'cut', 'the day before the titration'],
    ['2026-03-20', 'titration', 'the titration from its date, though recorded before the cut'],
    ['2026-03-25', 'titration', 'and after it'],
  ])('on %s the change in effect is %s (%s)', (day, expected, _why) =>
    expect(changeInEffect(changes, from, day)?.id ?? null).toBe(expected),
  );

  it('two changes effective the same day: the one recorded later applies', () =>
    expect(
      changeInEffect(
        [
          { id: 'a', from: '2026-03-10' },
          { id: 'b', from: '2026-03-10' },
        ],
        from,
        '2026-03-10',
      )?.id,
    ).toBe('b'));

  it('a cancelled change never applies, and is never pending', () => {
    const withCancelled = [cut, { ...titration, cancelled: true }];
    expect(changeInEffect(withCancelled, from, '2026-03-25')?.id).toBe('cut');
    expect(pendingChanges(withCancelled, from, '2026-03-15')).toEqual([]);
  });

  it('pending changes: soonest first; on the same date the one that will apply first', () =>
    expect(
      pendingChanges(
        [{ id: 'late', from: '2026-04-01' }, { id: 'a', from: '2026-03-20' }, { id: 'b', from: '2026-03-20' }, cut],
        from,
        '2026-03-15',
      ).map((c) => c.id),
    ).toEqual(['b', 'a', 'late']));
});

describe('adjusting while a later adjustment is pending', () => {
  const daily = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  const titration = adjusted({
    strength: { value: 50, unit: 'mg' },
    schedule: { timesPerDay: 2, daysOfWeek: [...daily], times: null },
  });
  const history = [...integratedPlan, withId('rx-1', prescribed()), withId('adj-titration', titration)];
  const backDatedCut = (pendingAdjustments?: 'keep' | 'cancel'): AdjustDose => ({
    type: 'AdjustDose',
    data: {
      patientId: PATIENT,
      medicationId: MED,
      strength: { value: 25, unit: 'mg' },
      schedule: { timesPerDay: 1, daysOfWeek: [...daily] },
      effectiveFrom: '2026-03-10T00:00:00Z',
      reason: 'Nausea.',
      ...(pendingAdjustments ? { pendingAdjustments } : {}),
    },
  });
  // Recorded on March 12, NOW in the fixtures is March 10: move the clock.
  const onMarch12 = as(prescriber, '2026-03-12T10:00:00Z');

  it('rule PendingAdjustmentsDecisionRequired: a back-dated adjustment does not silently drop a pending one', () =>
    given(history).when(backDatedCut(), onMarch12).thenThrows(PendingAdjustmentsDecisionRequired));

  it('"keep": only the new adjustment is recorded; it supersedes what was in effect on the 10th (the prescription)', () => {
    const events = given(history).when(backDatedCut('keep'), onMarch12).events();
    expect(events.map((e) => e.type)).toEqual(['DoseAdjusted']);
    expect(events[0]).toMatchObject({ data: { supersedes: 'rx-1', effectiveFrom: '2026-03-10T00:00:00Z' } });
  });

  it('"cancel": the pending titration is cancelled explicitly, then the cut recorded', () => {
    const events = given(history).when(backDatedCut('cancel'), onMarch12).events();
    expect(events).toEqual([
      {
        type: 'DoseAdjustmentCancelled',
        data: {
          patientId: PATIENT,
          carePlanId: 'plan-1',
          medicationId: MED,
          adjustmentId: 'adj-titration',
          reason: 'Nausea.',
          prescriberId: prescriber.userId,
          occurredAt: '2026-03-12T10:00:00Z',
        },
      },
      expect.objectContaining({ type: 'DoseAdjusted' }),
    ]);
  });

  it('an adjustment effective after the pending one needs no decision', () =>
    expect(
      given(history)
        .when({ ...backDatedCut(), data: { ...backDatedCut().data, effectiveFrom: '2026-03-25T00:00:00Z' } }, onMarch12)
        .events()
        .map((e) => [e.type, (e as EventOf<'DoseAdjusted'>).data.supersedes]),
    ).toEqual([['DoseAdjusted', 'adj-titration']]));
});

describe('cancelling a pending dose adjustment', () => {
  const pending = adjusted();
  const history: Array<DomainEvent | ReturnType<typeof withId>> = [
    ...integratedPlan,
    withId('rx-1', prescribed()),
    withId('adj-1', pending),
  ];
  const cancelledData = () => ({
    patientId: PATIENT,
    carePlanId: 'plan-1',
    medicationId: MED,
    adjustmentId: 'adj-1',
    reason: null,
    prescriberId: prescriber.userId,
  });
  const cancel = (adjustmentId = 'adj-1'): CancelDoseAdjustment => ({
    type: 'CancelDoseAdjustment',
    data: { patientId: PATIENT, medicationId: MED, adjustmentId, reason: 'Tolerating current dose.' },
  });

  it('records the cancellation of an adjustment not yet in effect (now March 10, effective March 20)', () =>
    given(history)
      .when(cancel(), as(prescriber))
      .then([
        {
          type: 'DoseAdjustmentCancelled',
          data: {
            patientId: PATIENT,
            carePlanId: 'plan-1',
            medicationId: MED,
            adjustmentId: 'adj-1',
            reason: 'Tolerating current dose.',
            prescriberId: prescriber.userId,
            occurredAt: '2026-03-10T12:00:00.000Z',
          },
        },
      ]));

  it('rule AdjustmentNotPending: an adjustment in effect (now March 21) is corrected, not cancelled', () =>
    given(history).when(cancel(), as(prescriber, '2026-03-21T00:00:00Z')).thenThrows(AdjustmentNotPending));

  it('rule AdjustmentNotPending: a cancelled adjustment is not cancelled twice', () => {
    const [cancelled] = given(history).when(cancel(), as(prescriber)).events();
    given([...history, cancelled!])
      .when(cancel(), as(prescriber))
      .thenThrows(AdjustmentNotPending);
  });

  it('rule AdjustmentNotFound: the adjustment must be one of the medication', () =>
    given(history).when(cancel('adj-unknown'), as(prescriber)).thenThrows(AdjustmentNotFound));

  const enteredInError = (eventId: string, eventType: string): DomainEvent => ({
    type: 'EntryEnteredInError',
    data: {
      patientId: PATIENT,
      stream: `careplan-${PATIENT}`,
      eventId,
      eventType,
      reason: 'Wrong patient.',
      markedBy: prescriber,
      occurredAt: '2026-03-06T09:00:00Z',
    },
  });

  it('a cancellation entered in error: the adjustment is pending again, and can be cancelled again', () =>
    expect(
      given([
        ...history,
        withId('cancel-1', { type: 'DoseAdjustmentCancelled', data: { ...cancelledData(), occurredAt: NOW } }),
        enteredInError('cancel-1', 'DoseAdjustmentCancelled'),
      ])
        .when(cancel(), as(prescriber))
        .events()
        .map((e) => e.type),
    ).toEqual(['DoseAdjustmentCancelled']));

  it('rule AdjustmentNotFound: an adjustment entered in error is nothing to cancel', () =>
    given([...history, enteredInError('adj-1', 'DoseAdjusted')])
      .when(cancel(), as(prescriber))
      .thenThrows(AdjustmentNotFound));

  it('rule RoleNotPermitted / NotOnCareTeam: only a prescriber on the care team cancels', () => {
    given(history).when(cancel(), as(therapist)).thenThrows(RoleNotPermitted);
    given(history).when(cancel(), as(outsider)).thenThrows(NotOnCareTeam);
  });
});
