import { UnknownTimeZone, type DomainEvent, type EventOf } from '@caretrail/domain';
import {
  adjusted,
  adjustmentCancelled,
  dates,
  discontinued,
  enrolled,
  enteredInError,
  corrected,
  fold,
  foldInMemory,
  MED,
  missed,
  project,
  prescribed,
  sessionAttended,
  sessionCancelled,
  sessionMissed,
  sessionScheduled,
  sessionStream,
  taken,
  takenLate,
  takenOn,
  withId,
  type Identified,
} from '../testing/events';
import { adherenceModel } from './adherence';
import type { AdherenceDoc } from './adherence-doc';
import { adherenceView, type MedicationAdherence } from './adherence-view';

// A window of 30 days ending 2026-03-31 runs from 2026-03-02 (a Monday) to 2026-03-31.
const AS_OF = '2026-03-31T20:00:00Z';

function medicationAfter(history: ReadonlyArray<DomainEvent | Identified>, asOf = AS_OF): MedicationAdherence {
  const view = adherenceView(fold(adherenceModel, history), asOf);
  const [medication] = view.medications;
  if (!medication) throw new Error('no medication in the view');
  return medication;
}

describe('adherence read model: PDC (docs/clinical-rules.md, "PDC")', () => {
  it('schedule of a day is the one in effect: 2/day until 16 March, then 1/day', () => {
    // Given 2 doses/day from 1 March, adjusted to 1/day from 16 March.
    // 2-5 March: 2 doses (covered, 4 days); 6-15 March: 1 dose (not covered under 2/day, 10 days);
    // 16-31 March: 1 dose except 20 March (15 covered of 16).
    const history = [
      enrolled(),
      prescribed('2026-03-01T00:00:00Z', { timesPerDay: 2 }),
      ...takenOn(dates('2026-03-02', '2026-03-05'), '08:00:00Z'),
      ...takenOn(dates('2026-03-02', '2026-03-05'), '20:00:00Z'),
      ...takenOn(dates('2026-03-06', '2026-03-15')),
      adjusted('2026-03-16T00:00:00Z', { timesPerDay: 1 }),
      ...takenOn(dates('2026-03-16', '2026-03-31').filter((d) => d !== '2026-03-20')),
    ];
    const medication = medicationAfter(history);
    // Then 30 days: 19 covered of 30 eligible; 90 days: 1 March is eligible too, without a dose.
    expect(medication.pdc30).toMatchObject({ eligibleDays: 30, coveredDays: 19, adherent: false });
    expect(medication.pdc30.pdc).toBeCloseTo(19 / 30, 10);
    expect(medication.pdc90).toMatchObject({ eligibleDays: 31, coveredDays: 19 });
  });

  describe('regimen on a day: the latest effective date wins, not the latest recorded (docs/clinical-rules.md)', () => {
    // Given: 2/day from 1 March; adjusted to 3/day from 10 March (recorded first), then a back-dated
    // adjustment to 1/day from 5 March (recorded later); one dose a day taken from 5 March.
    const history: Array<DomainEvent | Identified> = [
      enrolled(),
      prescribed('2026-03-01T00:00:00Z', { timesPerDay: 2 }),
      withId('adj-3', adjusted('2026-03-10T00:00:00Z', { timesPerDay: 3 })),
      adjusted('2026-03-05T00:00:00Z', { timesPerDay: 1 }),
      ...takenOn(dates('2026-03-05', '2026-03-31')),
    ];

    it('a back-dated adjustment applies only until the later one takes effect', () =>
      // 2-4 March need 2 (no dose), 5-9 March need 1 (covered: 5 days), 10-31 March need 3 (1 taken).
      expect(medicationAfter(history).pdc30).toMatchObject({ eligibleDays: 30, coveredDays: 5 }));

    it('the later one cancelled explicitly: 1/day from 5 March covers 27 of 30', () =>
      // 5-31 March is 27 days at 1/day; 2-4 March still need 2.
      expect(medicationAfter([...history, adjustmentCancelled('adj-3', '2026-03-06T00:00:00Z')]).pdc30).toMatchObject({
        eligibleDays: 30,
        coveredDays: 27,
      }));

    it('the cancellation entered in error: the 3/day stands again (5 covered)', () =>
      expect(
        medicationAfter([
          ...history,
          withId('cancel', adjustmentCancelled('adj-3', '2026-03-06T00:00:00Z')),
          enteredInError('cancel', 'DoseAdjustmentCancelled'),
        ]).pdc30,
      ).toMatchObject({ eligibleDays: 30, coveredDays: 5 }));

    it('issue 13: titration recorded 5 Jan from 20 Jan, a cut recorded 12 Jan back-dated to 10 Jan: PDC30 is 19/30', () => {
      // Once a day from 1 January, one dose taken every day. As of 30 January the window is 1-30 January:
      // 1-19 January need 1 (19 covered); 20-30 January need 2 under the titration (1 taken: 11 not covered).
      const recordedOn = (event: EventOf<'DoseAdjusted'>, occurredAt: string): EventOf<'DoseAdjusted'> => ({
        ...event,
        data: { ...event.data, occurredAt },
      });
      const january = [
        enrolled('UTC', '2026-01-01T08:00:00Z'),
        prescribed('2026-01-01T00:00:00Z', { timesPerDay: 1 }),
        recordedOn(adjusted('2026-01-20T00:00:00Z', { timesPerDay: 2 }), '2026-01-05T10:00:00Z'),
        recordedOn(adjusted('2026-01-10T00:00:00Z', { timesPerDay: 1 }), '2026-01-12T10:00:00Z'),
        ...takenOn(dates('2026-01-01', '2026-01-30')),
      ];
      const pdc30 = medicationAfter(january, '2026-01-30T20:00:00Z').pdc30;
      expect(pdc30).toMatchObject({ eligibleDays: 30, coveredDays: 19, adherent: false });
      expect(pdc30.pdc).toBeCloseTo(19 / 30, 10);
    });
  });

  it('discontinuation mid-window: days from the discontinuation date on are not eligible', () => {
    // Given 1/day since February, stopped on 21 March at 10:00, doses daily to 21 March except 10 and 11 March.
    const history = [
      enrolled(),
      prescribed('2026-02-01T00:00:00Z'),
      ...takenOn(dates('2026-02-01', '2026-03-21').filter((d) => d !== '2026-03-10' && d !== '2026-03-11')),
      discontinued('2026-03-21T10:00:00Z'),
    ];
    const medication = medicationAfter(history);
    // Then eligible 2-20 March (19 days), covered 17; the dose on 21 March covers nothing.
    expect(medication.pdc30).toMatchObject({ eligibleDays: 19, coveredDays: 17, adherent: true });
    expect(medication.pdc30.pdc).toBeCloseTo(17 / 19, 10);
    expect(medication.active).toBe(false);
  });

  it('a dose recorded three days late corrects the day it occurred on', () => {
    const onTime = [
      enrolled(),
      prescribed('2026-03-01T00:00:00Z'),
      ...takenOn(dates('2026-03-01', '2026-03-31').filter((d) => d !== '2026-03-28')),
    ];
    // Given every day but 28 March: 29 of 30.
    expect(medicationAfter(onTime).pdc30.coveredDays).toBe(29);
    // When the dose taken on 28 March is recorded on 31 March (after the doses of 29-31 March)
    const late = withId('evt-late-report', taken('2026-03-28T08:00:00Z'), '2026-03-31T19:00:00Z');
    // Then 28 March is covered: 30 of 30.
    expect(medicationAfter([...onTime, late]).pdc30).toMatchObject({ coveredDays: 30, pdc: 1, adherent: true });
  });

  it('a missed dose later reported as taken counts as taken and late, not missed', () => {
    const history = [
      enrolled(),
      prescribed('2026-03-01T00:00:00Z'),
      ...takenOn(dates('2026-03-01', '2026-03-31').filter((d) => d !== '2026-03-10')),
      withId('evt-miss', missed('2026-03-10T08:00:00Z')),
      takenLate('2026-03-10T14:00:00Z', '2026-03-10T08:00:00Z', 'evt-miss'),
    ];
    const medication = medicationAfter(history);
    expect(medication.pdc30.coveredDays).toBe(30);
    expect(medication.doses.last30Days).toEqual({ taken: 30, onTime: 29, late: 1, missed: 0, recordedLate: 0 });
  });

  it('extra doses never cover another day', () => {
    // Given two doses on 12 March and none on 13 March (a 1/day schedule).
    const history = [
      enrolled(),
      prescribed('2026-03-01T00:00:00Z'),
      ...takenOn(dates('2026-03-01', '2026-03-31').filter((d) => d !== '2026-03-13')),
      taken('2026-03-12T21:00:00Z'),
    ];
    // Then 13 March stays uncovered, and 12 March's extra dose does not lift PDC above 29/30.
    expect(medicationAfter(history).pdc30).toMatchObject({ eligibleDays: 30, coveredDays: 29 });
  });

  it('days-of-week schedule: Tuesdays of a Mon/Wed/Fri schedule are neither eligible nor covered', () => {
    // Given Mon/Wed/Fri from 1 March; 2-31 March has 13 such days. Doses on all of them but Friday 13 March,
    // and on Tuesdays 3 and 10 March.
    const mwf = dates('2026-03-02', '2026-03-31').filter((d) =>
      [1, 3, 5].includes(new Date(`${d}T00:00:00Z`).getUTCDay()),
    );
    const history = [
      enrolled(),
      prescribed('2026-03-01T00:00:00Z', { daysOfWeek: ['mon', 'wed', 'fri'] }),
      ...takenOn(mwf.filter((d) => d !== '2026-03-13')),
      ...takenOn(['2026-03-03', '2026-03-10']),
    ];
    expect(mwf).toHaveLength(13);
    expect(medicationAfter(history).pdc30).toMatchObject({ eligibleDays: 13, coveredDays: 12 });
  });

  it('time zone: a dose at 23:30 in London in summer belongs to that local day, and so does the start', () => {
    // Given Europe/London (UTC+1 in July); the prescription starts at local midnight of 13 July (22:00-23:00 UTC the day before).
    const history = [
      enrolled('Europe/London'),
      prescribed('2026-07-12T23:00:00Z'),
      taken('2026-07-13T08:00:00+01:00'),
      taken('2026-07-14T23:30:00+01:00'), // 22:30 UTC, still 14 July in London
    ];
    // When viewed late on 14 July (London): 13 and 14 July eligible and covered; 12 July (UTC date of the start) is not.
    expect(medicationAfter(history, '2026-07-14T23:45:00+01:00').pdc30).toMatchObject({
      eligibleDays: 2,
      coveredDays: 2,
      pdc: 1,
    });
    // And a dose at 00:30 London time on 15 July (23:30 UTC on 14 July) covers 15 July, not 14 July.
    const nextDay = [...history.slice(0, 3), taken('2026-07-14T23:30:00Z')];
    expect(medicationAfter(nextDay, '2026-07-15T12:00:00+01:00').pdc30).toMatchObject({
      eligibleDays: 3,
      coveredDays: 2,
    });
  });

  it('a stored zone that no longer resolves: the doses still project, the view is an explicit UnknownTimeZone error', () => {
    // Given a patient enrolled before zones were checked against the runtime's database.
    const doc = fold(adherenceModel, [
      enrolled('Mars/Olympus'),
      prescribed('2026-03-01T00:00:00Z'),
      ...takenOn(dates('2026-03-01', '2026-03-31')),
    ]);
    expect(doc.timeZone).toBe('Mars/Olympus');
    expect(() => adherenceView(doc, AS_OF)).toThrow(UnknownTimeZone);
  });

  it('no eligible day: PDC is null ("not enough data"), never 0 or 100 %', () => {
    const history = [enrolled(), prescribed('2026-04-02T00:00:00Z')];
    expect(medicationAfter(history).pdc30).toEqual({
      days: 30,
      eligibleDays: 0,
      coveredDays: 0,
      pdc: null,
      adherent: null,
    });
  });

  it('PDC is capped at 100 %: double doses every day still give 1', () => {
    const every = dates('2026-03-01', '2026-03-31');
    const history = [enrolled(), prescribed('2026-03-01T00:00:00Z'), ...takenOn(every), ...takenOn(every, '20:00:00Z')];
    expect(medicationAfter(history).pdc30).toMatchObject({ eligibleDays: 30, coveredDays: 30, pdc: 1, adherent: true });
  });

  it('exactly 80 % is adherent; 23 of 30 is not', () => {
    const twentyFour = dates('2026-03-02', '2026-03-25');
    const at80 = medicationAfter([enrolled(), prescribed('2026-03-01T00:00:00Z'), ...takenOn(twentyFour)]);
    expect(at80.pdc30).toMatchObject({ eligibleDays: 30, coveredDays: 24, pdc: 0.8, adherent: true });
    const below = medicationAfter([enrolled(), prescribed('2026-03-01T00:00:00Z'), ...takenOn(twentyFour.slice(1))]);
    expect(below.pdc30).toMatchObject({ coveredDays: 23, adherent: false });
  });
});

describe('adherence read model: corrections', () => {
  const base = [
    enrolled(),
    withId('evt-rx', prescribed('2026-03-01T00:00:00Z')),
    ...takenOn(dates('2026-03-01', '2026-03-30')),
  ];

  it('a dose entered in error no longer counts', () => {
    const history = [...base, withId('evt-d31', taken('2026-03-31T08:00:00Z')), enteredInError('evt-d31', 'DoseTaken')];
    const medication = medicationAfter(history);
    expect(medication.pdc30.coveredDays).toBe(29);
    expect(medication.doses.last30Days.taken).toBe(29);
  });

  it('a corrected occurredAt moves the dose to its real day', () => {
    const history = [
      ...base,
      withId('evt-d', taken('2026-03-30T23:00:00Z')),
      corrected('evt-d', 'DoseTaken', [{ field: 'occurredAt', value: '2026-03-31T07:00:00Z' }]),
    ];
    expect(medicationAfter(history).pdc30.coveredDays).toBe(30);
  });

  it('a prescription entered in error disappears with its doses', () => {
    const view = adherenceView(
      fold(adherenceModel, [...base, enteredInError('evt-rx', 'MedicationPrescribed')]),
      AS_OF,
    );
    expect(view.medications).toEqual([]);
  });

  it('a discontinuation entered in error makes the medication active again', () => {
    const history = [
      ...base,
      withId('evt-stop', discontinued('2026-03-20T00:00:00Z')),
      enteredInError('evt-stop', 'MedicationDiscontinued'),
    ];
    expect(medicationAfter(history).pdc30).toMatchObject({ eligibleDays: 30, coveredDays: 29 });
  });

  it('a corrected schedule on the prescription applies to every day it governs', () => {
    const history = [
      ...base,
      corrected('evt-rx', 'MedicationPrescribed', [{ field: 'schedule.timesPerDay', value: 2 }]),
    ];
    expect(medicationAfter(history).pdc30).toMatchObject({ eligibleDays: 30, coveredDays: 0 });
  });

  it('an amendment that breaks the schedule is ignored', () => {
    const history = [
      ...base,
      corrected('evt-rx', 'MedicationPrescribed', [{ field: 'schedule.timesPerDay', value: 'two' }]),
    ];
    expect(medicationAfter(history).pdc30.coveredDays).toBe(29);
  });
});

describe('adherence read model: dose counts and session attendance', () => {
  it('counts doses taken, late and missed by window', () => {
    const history = [
      enrolled(),
      prescribed('2025-12-01T00:00:00Z'),
      taken('2025-12-15T08:00:00Z'),
      missed('2026-02-15T08:00:00Z'),
      taken('2026-03-20T08:00:00Z'),
      takenLate('2026-03-21T13:00:00Z', '2026-03-21T08:00:00Z'),
      missed('2026-03-22T08:00:00Z'),
    ];
    const { doses } = medicationAfter(history);
    expect(doses.last30Days).toEqual({ taken: 2, onTime: 1, late: 1, missed: 1, recordedLate: 0 });
    expect(doses.last90Days).toEqual({ taken: 2, onTime: 1, late: 1, missed: 2, recordedLate: 0 });
    expect(doses.allTime).toEqual({ taken: 3, onTime: 2, late: 1, missed: 2, recordedLate: 0 });
  });

  describe('"late" (behaviour) and "recorded late" (data timeliness) are counted apart', () => {
    // Given 1 dose/day from 1 March, as of 31 March:
    // - 20 March: taken on time at 08:00, recorded 23 March 09:00 (73 h later: recorded late, not late);
    // - 21 March: taken at 13:00 for the 08:00 slot (late), recorded 21 March 13:05 (on time);
    // - 22 March: taken on time, recorded 23 March 08:00 (exactly 24 h: not recorded late);
    // - 23 March: missed, recorded 25 March 08:00 (48 h: recorded late);
    // - 24 March: taken on time, recorded 26 March 08:00 (recorded late), then entered in error.
    const history: Array<DomainEvent | Identified> = [
      enrolled(),
      prescribed('2026-03-01T00:00:00Z'),
      withId('d20', taken('2026-03-20T08:00:00Z'), '2026-03-23T09:00:00Z'),
      withId('d21', takenLate('2026-03-21T13:00:00Z', '2026-03-21T08:00:00Z'), '2026-03-21T13:05:00Z'),
      withId('d22', taken('2026-03-22T08:00:00Z'), '2026-03-23T08:00:00Z'),
      withId('d23', missed('2026-03-23T08:00:00Z'), '2026-03-25T08:00:00Z'),
      withId('d24', taken('2026-03-24T08:00:00Z'), '2026-03-26T08:00:00Z'),
    ];

    it('recordedLate counts 20 and 23 March (24 h exactly is not late); late counts only 21 March', () =>
      // taken = 20, 21, 22, 24 March = 4 (onTime 3: 20, 22, 24; late 1: 21); missed 1 (23);
      // recordedLate = 20, 23, 24 March = 3.
      expect(medicationAfter(history).doses.last30Days).toEqual({
        taken: 4,
        onTime: 3,
        late: 1,
        missed: 1,
        recordedLate: 3,
      }));

    it('a dose recorded late on time still covers its day: PDC counts 20 March', () =>
      // Covered: 20, 21, 22, 24 March = 4 of the 30 eligible days.
      expect(medicationAfter(history).pdc30).toMatchObject({ eligibleDays: 30, coveredDays: 4 }));

    it('a dose entered in error stops counting as recorded late too (24 March: 3 - 1 = 2)', () =>
      expect(medicationAfter([...history, enteredInError('d24', 'DoseTaken')]).doses.last30Days).toMatchObject({
        onTime: 2,
        recordedLate: 2,
      }));

    it('a miss recorded late then taken late counts once, as late, with its own timeliness', () =>
      // 23 March's miss (recorded late) is superseded by a dose taken late at 15:00, reported 25 March
      // 09:00 (42 h: recorded late too): missed 1 -> 0, late 1 -> 2, recordedLate 3 - 1 + 1 = 3.
      expect(
        medicationAfter([
          ...history,
          withId('d23-late', takenLate('2026-03-23T15:00:00Z', '2026-03-23T08:00:00Z', 'd23'), '2026-03-25T09:00:00Z'),
        ]).doses.last30Days,
      ).toMatchObject({ late: 2, missed: 0, recordedLate: 3 }));

    it('the same taken late reported within 24 h: the lateness of the miss leaves with it (3 - 1 = 2)', () =>
      expect(
        medicationAfter([
          ...history,
          withId('d23-late', takenLate('2026-03-24T07:00:00Z', '2026-03-23T08:00:00Z', 'd23'), '2026-03-25T06:00:00Z'),
        ]).doses.last30Days,
      ).toMatchObject({ late: 2, missed: 0, recordedLate: 2 }));
  });

  it('attendance rate = attended / (attended + missed); cancellations are excluded and reported apart', () => {
    const history = [
      enrolled(),
      sessionScheduled('s1', '2026-03-02T10:00:00Z'),
      sessionScheduled('s2', '2026-03-09T10:00:00Z'),
      sessionScheduled('s3', '2026-03-16T10:00:00Z'),
      sessionScheduled('s4', '2026-03-23T10:00:00Z'),
      sessionScheduled('s5', '2026-04-06T10:00:00Z'),
      sessionAttended('s1', '2026-03-02T10:00:00Z'),
      sessionAttended('s2', '2026-03-09T10:00:00Z'),
      sessionMissed('s3', '2026-03-16T10:00:00Z'),
      sessionCancelled('s4', '2026-03-20T10:00:00Z', 'clinician'),
    ];
    const { sessions } = adherenceView(fold(adherenceModel, history), AS_OF);
    expect(sessions.allTime).toEqual({
      attended: 2,
      missed: 1,
      cancelled: 1,
      cancelledBy: { patient: 0, clinician: 1, clinic: 0 },
      rate: 2 / 3,
    });
  });

  it('attendance rate is null with nothing attended or missed', () => {
    const history = [
      enrolled(),
      sessionScheduled('s1', '2026-03-02T10:00:00Z'),
      sessionCancelled('s1', '2026-03-01T10:00:00Z'),
    ];
    expect(adherenceView(fold(adherenceModel, history), AS_OF).sessions.allTime).toMatchObject({
      cancelled: 1,
      rate: null,
    });
  });

  it('an attendance entered in error no longer counts', () => {
    const history = [
      enrolled(),
      sessionScheduled('s1', '2026-03-02T10:00:00Z'),
      withId('evt-att', sessionAttended('s1', '2026-03-02T10:00:00Z')),
      sessionScheduled('s2', '2026-03-03T10:00:00Z'),
      sessionMissed('s2', '2026-03-03T10:00:00Z'),
      enteredInError('evt-att', 'SessionAttended', '2026-03-04T10:00:00Z', sessionStream('s1')),
    ];
    expect(adherenceView(fold(adherenceModel, history), AS_OF).sessions.allTime).toMatchObject({
      attended: 0,
      missed: 1,
      rate: 0,
    });
  });

  it('a session scheduled in error never happened: its no-show no longer counts', () => {
    const history = [
      enrolled(),
      withId('evt-sched', sessionScheduled('s1', '2026-03-02T10:00:00Z')),
      sessionMissed('s1', '2026-03-02T10:00:00Z'),
      enteredInError('evt-sched', 'SessionScheduled', '2026-03-04T10:00:00Z', sessionStream('s1')),
    ];
    expect(adherenceView(fold(adherenceModel, history), AS_OF).sessions.allTime).toMatchObject({
      missed: 0,
      rate: null,
    });
  });
});

describe('adherence read model: doc size', () => {
  it('five years of three doses a day stays a compact per-day map', () => {
    const days = dates('2021-01-01', '2025-12-31');
    const history: Array<DomainEvent | Identified> = [
      enrolled(),
      prescribed('2021-01-01T00:00:00Z', { timesPerDay: 3 }),
    ];
    for (const d of days)
      for (const time of ['08:00:00Z', '14:00:00Z', '20:00:00Z']) history.push(taken(`${d}T${time}`));
    const doc = fold(adherenceModel, history);
    const bytes = JSON.stringify(doc).length;
    const indexed = Object.values(doc.recentDoses).flatMap((month) => Object.values(month).flatMap(Object.keys));
    expect(indexed.length).toBeGreaterThan(3 * 90);
    expect(indexed.length).toBeLessThanOrEqual(3 * 155);
    expect(bytes).toBeLessThan(80_000);
    expect(medicationAfter(history, '2025-12-31T22:00:00Z').pdc90).toMatchObject({ eligibleDays: 90, coveredDays: 90 });
  });
});

describe('adherence read model: rows per medication and month (docs/read-models.md, "Row layout")', () => {
  // fold() stores the doc as the projector does: each event reads only the month rows it names.
  const base = [enrolled(), prescribed('2026-01-01T00:00:00Z')];
  const allTime = (history: ReadonlyArray<DomainEvent | Identified>) => medicationAfter(history).doses.allTime;

  it('a dose taken late in March removes the February miss it supersedes', () => {
    const history = [
      ...base,
      withId('miss-feb', missed('2026-02-28T20:00:00Z')),
      takenLate('2026-03-01T01:00:00Z', '2026-02-28T20:00:00Z', 'miss-feb'),
    ];
    expect(allTime(history)).toMatchObject({ taken: 1, late: 1, missed: 0 });
    // February stays, empty: its row says when it last changed (docs/analytics.md, time travel).
    expect(fold(adherenceModel, history).medications['med-sertraline']?.doses).toEqual({
      '2026-02': {},
      '2026-03': { '01': { late: 1 } },
    });
  });

  it('a correction moves a dose from January to February, and one entered in error leaves its month', () => {
    const history = [
      ...base,
      withId('d-jan', taken('2026-01-31T08:00:00Z')),
      withId('d-jan-2', taken('2026-01-20T08:00:00Z')),
      withId('d-feb', taken('2026-02-10T08:00:00Z')),
      corrected('d-jan', 'DoseTaken', [{ field: 'occurredAt', value: '2026-02-01T08:00:00Z' }]),
      enteredInError('d-jan-2', 'DoseTaken'),
    ];
    const medication = fold(adherenceModel, history).medications['med-sertraline'];
    expect(medication?.doses).toEqual({ '2026-01': {}, '2026-02': { '01': { onTime: 1 }, '10': { onTime: 1 } } });
    // Both corrections are recorded on 1 April (the builders' default): when each month last changed.
    expect(medication?.monthsRecordedUntil).toEqual({
      '2026-01': '2026-04-01T09:00:00Z',
      '2026-02': '2026-04-01T09:00:00Z',
    });
    expect(allTime(history)).toMatchObject({ taken: 2, onTime: 2 });
  });

  it('keeps the patient row small: the dose calendar is not in it', () => {
    const history = [...base, ...takenOn(dates('2026-01-01', '2026-03-31'))];
    const doc = fold(adherenceModel, history);
    const head = adherenceModel.rows?.head(doc) as AdherenceDoc;
    expect(head.medications['med-sertraline']?.doses).toEqual({});
    expect(adherenceModel.rows?.details(doc).map((d) => d.key)).toEqual([
      'p-1|med-sertraline|2026-01',
      'p-1|med-sertraline|2026-02',
      'p-1|med-sertraline|2026-03',
    ]);
  });
});

describe('adherence read model: one working copy through many doses (a rebuild folds a batch this way)', () => {
  // 100 daily doses, then events that must find old doses in the recent-dose index: a redelivery
  // older than the last 64 ids, a miss taken late, a dose entered in error. Folded in one working
  // copy, the index's id set answers most searches; folded row by row, every search walks the index.
  const doses = dates('2026-01-01', '2026-04-10').map((day, i) => withId(`d${i}`, taken(`${day}T08:00:00Z`)));
  const history = [
    enrolled(),
    prescribed('2026-01-01T00:00:00Z'),
    ...doses,
    withId('miss', missed('2026-04-11T08:00:00Z')),
    doses[10]!,
    takenLate('2026-04-11T12:00:00Z', '2026-04-11T08:00:00Z', 'miss'),
    enteredInError('d90', 'DoseTaken'),
    ...takenOn(dates('2026-04-12', '2026-04-20')),
    doses[20]!,
  ];

  it('counts what folding row by row counts', () => {
    expect(foldInMemory(adherenceModel, project(history))).toEqual(fold(adherenceModel, history));
  });

  it('a redelivered old dose stays a no-op, the miss taken late and the dose in error are found', () => {
    const doses = foldInMemory(adherenceModel, project(history))?.medications[MED]?.doses;
    expect(doses?.['2026-01']?.['11']).toEqual({ onTime: 1 });
    expect(doses?.['2026-01']?.['21']).toEqual({ onTime: 1 });
    expect(doses?.['2026-04']?.['11']).toEqual({ late: 1 });
    expect(doses?.['2026-04']?.['01']).toBeUndefined();
  });
});
