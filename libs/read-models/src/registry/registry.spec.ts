import type { DomainEvent } from '@caretrail/domain';
import { adherenceModel } from '../adherence/adherence';
import { collaborationModel } from '../collaboration/collaboration';
import {
  corrected,
  dates,
  enrolled,
  enteredInError,
  fold,
  outcome,
  planClosed,
  planStarted,
  prescribed,
  sideEffectReported,
  takenOn,
  withId,
  type Identified,
} from '../testing/events';
import { caseReviewQueue } from './case-review-queue';
import { registryModel } from './registry';
import type { RegistryDoc } from './registry-doc';
import { registryView, type RegistryView } from './registry-view';

// The plan starts on Monday 5 January 2026; day n of treatment is 5 January + n.
const START = '2026-01-05T09:00:00Z';
const day = (n: number, time = '10:00:00Z'): string =>
  `${new Date(Date.parse('2026-01-05T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10)}T${time}`;
const episode = [enrolled(), planStarted(START)];

function viewAfter(history: ReadonlyArray<DomainEvent | Identified>, asOf: string): RegistryView {
  return registryView(fold(registryModel, history), asOf);
}

describe('registry (docs/clinical-rules.md, measurement-based care)', () => {
  it('baseline is the first PHQ-9 of the episode by occurredAt, latest the most recent, whenever recorded', () => {
    const view = viewAfter(
      [...episode, outcome('PHQ-9', 14, day(14)), outcome('PHQ-9', 18, day(1)), outcome('PHQ-9', 12, day(7))],
      day(20),
    );
    expect(view.phq9).toMatchObject({ baseline: { total: 18 }, latest: { total: 14 }, measurements: 3, change: -4 });
  });

  it('an intake score taken just before the plan started is the baseline', () => {
    const view = viewAfter(
      [enrolled(), outcome('PHQ-9', 20, '2026-01-04T10:00:00Z'), planStarted(START), outcome('PHQ-9', 15, day(14))],
      day(20),
    );
    expect(view.phq9?.baseline?.total).toBe(20);
  });

  describe('the baseline window: 14 days before the plan starts to 28 days after', () => {
    // The plan starts on 5 January (day 0): the window runs from 22 December (day -14) to 2 February (day 28).
    it('a score 14 days before the start is the baseline; one 15 days before belongs to no episode', () => {
      const intake = (n: number) => [
        enrolled(),
        outcome('PHQ-9', 20, day(n)),
        planStarted(START),
        outcome('PHQ-9', 9, day(30)),
      ];
      expect(viewAfter(intake(-14), day(31)).phq9).toMatchObject({
        baseline: { total: 20 },
        latest: { total: 9 },
        measurements: 2,
        change: -11, // 9 - 20
        response: true, // 2 x 9 = 18 <= 20
      });
      // 15 days before the start is outside the episode: the day-30 score is the only one, and too late for a baseline.
      expect(viewAfter(intake(-15), day(31)).phq9).toMatchObject({
        baseline: null,
        latest: { total: 9 },
        measurements: 1,
        change: null,
        response: null,
      });
    });

    it('a first score on day 28 is the baseline; a first score on day 29 is none', () => {
      const firstOn = (n: number) => [...episode, outcome('PHQ-9', 16, day(n)), outcome('PHQ-9', 15, day(70))];
      expect(viewAfter(firstOn(28), day(71)).phq9).toMatchObject({
        baseline: { total: 16 },
        change: -1,
        response: false,
      });
      expect(viewAfter(firstOn(29), day(71)).phq9).toMatchObject({ baseline: null, change: null, response: null });
    });

    it('counts the window in calendar days of the patient zone', () => {
      // 2 February 23:30 in Auckland (UTC+13) is 2 February 10:30 UTC: day 28 there, so still the baseline;
      // 3 February 00:30 in Auckland is 2 February 11:30 UTC, already day 29 there.
      const inAuckland = (at: string) => [
        enrolled('Pacific/Auckland', '2026-01-01T00:00:00Z'),
        planStarted('2026-01-04T11:00:00Z'), // 5 January 00:00 in Auckland
        outcome('PHQ-9', 12, at),
      ];
      expect(viewAfter(inAuckland('2026-02-02T10:30:00Z'), day(40)).phq9?.baseline).toEqual({
        total: 12,
        occurredAt: '2026-02-02T10:30:00Z',
      });
      expect(viewAfter(inAuckland('2026-02-02T11:30:00Z'), day(40)).phq9?.baseline).toBeNull();
    });

    it('without a PHQ-9 baseline there is no week-8 flag; the queue says "no baseline" instead', () => {
      const history = [
        ...episode,
        outcome('PHQ-9', 20, day(35)),
        outcome('PHQ-9', 19, day(60)),
        outcome('GAD-7', 9, day(2)),
      ];
      const view = viewAfter(history, day(61));
      expect(view.weeksInTreatment).toBe(8);
      expect(view.phq9).toMatchObject({ baseline: null, response: null });
      expect(view.gad7).toMatchObject({ baseline: { total: 9 } });
      expect(view.flags.notImprovingAtWeek8).toBe(false);
      // The last PHQ-9 was on day 60: on day 91, 31 days later, the follow-up flag is raised.
      const [entry] = caseReviewQueue([{ registry: fold(registryModel, history) }], day(91));
      expect(entry).toMatchObject({ reasons: ['no-follow-up-within-4-weeks'], noBaseline: ['PHQ-9'] });
    });
  });

  it('a new episode has its own baseline', () => {
    const history = [
      ...episode,
      outcome('PHQ-9', 22, day(1)),
      planClosed(day(100)),
      planStarted(day(120)),
      outcome('PHQ-9', 9, day(121)),
    ];
    expect(viewAfter(history, day(130)).phq9).toMatchObject({ baseline: { total: 9 }, measurements: 1 });
  });

  it('response: exactly a 50 % drop responds; 48 % does not', () => {
    expect(
      viewAfter([...episode, outcome('PHQ-9', 20, day(1)), outcome('PHQ-9', 10, day(42))], day(43)).phq9?.response,
    ).toBe(true);
    expect(
      viewAfter([...episode, outcome('PHQ-9', 27, day(1)), outcome('PHQ-9', 14, day(42))], day(43)).phq9?.response,
    ).toBe(false);
  });

  it('remission: PHQ-9 4 is remission, 5 is not; GAD-7 alike', () => {
    expect(
      viewAfter([...episode, outcome('PHQ-9', 16, day(1)), outcome('PHQ-9', 4, day(60))], day(61)).phq9?.remission,
    ).toBe(true);
    expect(
      viewAfter([...episode, outcome('PHQ-9', 16, day(1)), outcome('PHQ-9', 5, day(60))], day(61)).phq9?.remission,
    ).toBe(false);
    expect(
      viewAfter([...episode, outcome('GAD-7', 15, day(1)), outcome('GAD-7', 4, day(60))], day(61)).gad7,
    ).toMatchObject({ remission: true, response: true });
  });

  it('not improving at week 8: flagged from day 56 of treatment, not on day 55', () => {
    const history = [...episode, outcome('PHQ-9', 20, day(1)), outcome('PHQ-9', 15, day(50))];
    const day55 = viewAfter(history, day(55, '23:00:00Z'));
    expect(day55.weeksInTreatment).toBe(7);
    expect(day55.flags.notImprovingAtWeek8).toBe(false);
    const day56 = viewAfter(history, day(56, '00:30:00Z'));
    expect(day56.weeksInTreatment).toBe(8);
    expect(day56.flags.notImprovingAtWeek8).toBe(true);
  });

  it('not improving at week 8 is not raised for a responder', () => {
    const history = [...episode, outcome('PHQ-9', 20, day(1)), outcome('PHQ-9', 10, day(50))];
    expect(viewAfter(history, day(60)).flags.notImprovingAtWeek8).toBe(false);
  });

  it('no follow-up within 4 weeks: 28 days without a PHQ-9 is fine, 29 is flagged', () => {
    const history = [...episode, outcome('PHQ-9', 20, day(1)), outcome('PHQ-9', 18, day(10))];
    expect(viewAfter(history, day(38, '23:59:00Z'))).toMatchObject({
      daysSinceLastPhq9: 28,
      flags: { noFollowUpWithin4Weeks: false },
    });
    expect(viewAfter(history, day(39, '00:01:00Z'))).toMatchObject({
      daysSinceLastPhq9: 29,
      flags: { noFollowUpWithin4Weeks: true },
    });
  });

  it('no follow-up within 4 weeks counts from the plan start when no PHQ-9 was ever measured', () => {
    expect(viewAfter(episode, day(28)).flags.noFollowUpWithin4Weeks).toBe(false);
    expect(viewAfter(episode, day(29)).flags.noFollowUpWithin4Weeks).toBe(true);
  });

  it('a closed plan raises no flag', () => {
    const history = [...episode, outcome('PHQ-9', 20, day(1)), planClosed(day(60))];
    expect(viewAfter(history, day(200))).toMatchObject({
      weeksInTreatment: 8,
      flags: { notImprovingAtWeek8: false, noFollowUpWithin4Weeks: false },
    });
  });

  it('a corrected score uses the corrected value; a score entered in error is ignored', () => {
    const history = [
      ...episode,
      outcome('PHQ-9', 20, day(1)),
      withId('evt-wrong', outcome('PHQ-9', 10, day(42))),
      corrected('evt-wrong', 'OutcomeMeasured', [{ field: 'total', value: 12 }]),
      withId('evt-void', outcome('PHQ-9', 3, day(50))),
      enteredInError('evt-void', 'OutcomeMeasured'),
    ];
    expect(viewAfter(history, day(51)).phq9).toMatchObject({ latest: { total: 12 }, response: false, measurements: 2 });
  });

  it('amended item answers amend the total', () => {
    const history = [
      ...episode,
      withId('evt-score', outcome('PHQ-9', 9, day(1))),
      corrected('evt-score', 'OutcomeMeasured', [{ field: 'items.8', value: 3 }]),
    ];
    expect(viewAfter(history, day(2)).phq9?.latest.total).toBe(12);
  });
});

describe('case-review queue', () => {
  const registryOf = (patientId: string, history: ReadonlyArray<DomainEvent | Identified>): RegistryDoc => ({
    ...fold(registryModel, history),
    patientId,
  });

  it('lists patients with a flag, an urgent side effect or PDC below 80 %, most weeks in treatment first', () => {
    const asOf = day(70);
    const fine = registryOf('p-fine', [...episode, outcome('PHQ-9', 20, day(1)), outcome('PHQ-9', 8, day(65))]);
    const notImproving = registryOf('p-week8', [
      ...episode,
      outcome('PHQ-9', 20, day(1)),
      outcome('PHQ-9', 18, day(65)),
    ]);
    const later = [enrolled(), planStarted(day(40)), outcome('PHQ-9', 20, day(41)), outcome('PHQ-9', 8, day(65))];
    const urgent = registryOf('p-urgent', later);
    const lowPdc = registryOf('p-pdc', later);
    const rows = [
      { registry: fine },
      { registry: urgent, collaboration: fold(collaborationModel, [sideEffectReported('se-1', day(60), 'severe')]) },
      {
        registry: lowPdc,
        adherence: fold(adherenceModel, [
          enrolled(),
          prescribed(day(30, '00:00:00Z')),
          ...takenOn(dates(day(30).slice(0, 10), day(70).slice(0, 10)).slice(0, 20)),
        ]),
      },
      { registry: notImproving },
    ];
    const queue = caseReviewQueue(rows, asOf);
    expect(queue.map((e) => [e.patientId, e.weeksInTreatment, e.reasons])).toEqual([
      ['p-week8', 10, ['not-improving-at-week-8']],
      ['p-pdc', 4, ['pdc-below-80']],
      ['p-urgent', 4, ['urgent-side-effect']],
    ]);
    expect(queue[2]?.urgentSideEffectIds).toEqual(['se-1']);
  });
});
