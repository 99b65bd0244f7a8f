import { adherenceModel, caseReviewQueue, type ProjectedEvent } from '@caretrail/read-models';
import { doseTaken, patientHistory, projectAll, range, at } from './testing/cohort-events';
import { caseReviewRowAsOf, PATIENT_VIEWS, patientAsOf, typesNotNeededBy } from './time-travel';

const history = projectAll(
  patientHistory({
    id: 'p1',
    track: 'integrated',
    modality: 'DBT',
    drug: 'Sertraline',
    phq9: [20, 14, 10],
    doseDays: range(0, 60),
  }),
);
const upTo = (instant: string): ProjectedEvent[] => history.filter((e) => e.meta.recordedAt <= instant);

describe('time travel: a patient as they stood at T', () => {
  it('shows the score known at T, and the next one only from its instant on', () => {
    const week4 = at(28); // the day-28 PHQ-9 is recorded at exactly this instant
    const before = patientAsOf(
      'outcomes',
      'p1',
      upTo(new Date(Date.parse(week4) - 1).toISOString()),
      week4,
      'recorded',
    );
    const after = patientAsOf('outcomes', 'p1', upTo(week4), week4, 'recorded');
    expect(before.data).toMatchObject({ phq9: { baseline: { total: 20 }, latest: { total: 20 }, measurements: 1 } });
    expect(after.data).toMatchObject({ phq9: { latest: { total: 14 }, measurements: 2, change: -6 } });
    expect(after.position).toBeGreaterThan(before.position);
  });

  it('computes PDC windows for the as-of day, from the doses known then', () => {
    const pdc30 = (asOf: string): unknown =>
      (patientAsOf('adherence', 'p1', upTo(asOf), asOf, 'recorded').data as { medications: Array<{ pdc30: unknown }> })
        .medications[0]!.pdc30;
    // Day 29's dose is taken (and recorded) at 08:05: a minute before, the day is eligible but not yet covered.
    expect(pdc30(at(29, '08:04:00.000Z'))).toMatchObject({ eligibleDays: 30, coveredDays: 29 });
    expect(pdc30(at(29, '08:05:00.000Z'))).toMatchObject({ eligibleDays: 30, coveredDays: 30 });
  });

  it('answers an empty view for a patient with nothing known yet', () => {
    const view = patientAsOf('plan', 'p1', [], at(-10), 'recorded');
    expect(view).toMatchObject({ position: 0, data: { carePlan: null } });
  });

  it('lets the store skip daily doses for every view but adherence, which keeps them', () => {
    const dose = projectAll([doseTaken('p1', 1)])[0]!;
    expect(adherenceModel.keysOf(dose)).toEqual(['p1']);
    expect(typesNotNeededBy('adherence')).toEqual([]);
    for (const name of PATIENT_VIEWS.filter((v) => v !== 'adherence')) {
      expect(typesNotNeededBy(name)).toEqual(['DoseTaken', 'DoseMissed', 'DoseTakenLate']);
      const onlyDoses = projectAll(range(0, 3).map((d) => doseTaken('p1', d)));
      expect(patientAsOf(name, 'p1', onlyDoses, at(5), 'recorded').position).toBe(0);
    }
  });
});

describe('time travel: the case-review queue as it stood at T', () => {
  // PHQ-9 20 at day 0, 18 at day 28, 18 at day 56 (09:00); a dose every day from day 0 to 60.
  const stalled = projectAll(
    patientHistory({ id: 'p2', track: 'integrated', drug: 'Sertraline', phq9: [20, 18, 18], doseDays: range(0, 61) }),
  );
  const queueAt = (instant: string) => {
    const known = stalled.filter((e) => e.meta.recordedAt <= instant);
    const { row } = caseReviewRowAsOf('p2', known);
    return caseReviewQueue(row ? [row] : [], instant);
  };

  it("before enrolment there is no row, and the patient is in nobody's caseload", () =>
    expect(caseReviewRowAsOf('p2', [])).toEqual({ row: null, careTeam: [], position: 0 }));

  it('day 55: 7 whole weeks in treatment (55 / 7 = 7.9), so not yet judged at week 8', () =>
    expect(queueAt(at(55, '10:00:00.000Z'))).toEqual([]));

  it('day 56 after the score: week 8, PHQ-9 20 -> 18 is a 10 % drop (< 50 %): not improving', () => {
    const [entry] = queueAt(at(56, '10:00:00.000Z'));
    expect(entry).toMatchObject({ patientId: 'p2', weeksInTreatment: 8, reasons: ['not-improving-at-week-8'] });
  });

  it('names the care team of T, whose caseload the patient was in', () => {
    const joined = projectAll([
      {
        type: 'CareTeamMemberAssigned',
        data: {
          patientId: 'p2',
          userId: 'u-care-manager',
          role: 'care-manager',
          chosenByPatient: false,
          assignedBy: { userId: 'u-therapist', role: 'therapist' },
          occurredAt: at(30),
        },
      },
    ]);
    expect(caseReviewRowAsOf('p2', [...stalled, ...joined]).careTeam).toEqual(['u-care-manager']);
  });
});
