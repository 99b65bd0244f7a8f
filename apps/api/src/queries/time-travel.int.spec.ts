import {
  enrolTestPatient,
  expectForbidden,
  expectInvalid,
  testUser,
  daysAgo,
  type TestPatient,
} from '../testing/care-setup';
import { useTestApi } from '../testing/harness';

const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const PHQ9 = { instrument: 'PHQ-9', items: [2, 2, 1, 1, 2, 1, 1, 0, 0], total: 10 };
const minus = (instant: string, ms: number): string => new Date(Date.parse(instant) - ms).toISOString();

describe('time travel over HTTP: ?asOf= on the patient views', () => {
  const t = useTestApi({ enrol: false });
  let p: TestPatient;
  let medicationId: string;
  /** recordedAt of the prescription, of the first PHQ-9, and of a dose reported two days late. */
  let prescribedAt: string;
  let scoredAt: string;
  let lateDoseRecordedAt: string;
  let lateDoseOccurredAt: string;

  const recordedAtOf = async (position: number): Promise<string> => {
    const { rows } = await t.api.sql.query<{ recorded_at: Date }>(
      `SELECT recorded_at FROM "${t.api.sql.schema}".events WHERE position = $1`,
      [position],
    );
    return rows[0]!.recorded_at.toISOString();
  };

  beforeAll(async () => {
    p = await enrolTestPatient(t.api);
    const prescribed = await t.api.http
      .post(`/patients/${p.patientId}/medications`)
      .set('Authorization', p.prescriber.auth)
      .send({
        drug: { name: 'Sertraline' },
        strength: { value: 50, unit: 'mg' },
        schedule: { timesPerDay: 1, daysOfWeek: EVERY_DAY },
        startsAt: daysAgo(5),
      })
      .expect(201);
    medicationId = prescribed.body.id;
    prescribedAt = await recordedAtOf(prescribed.body.position);
    const scored = await t.api.http
      .post(`/patients/${p.patientId}/outcomes`)
      .set('Authorization', p.patient.auth)
      .send(PHQ9)
      .expect(201);
    scoredAt = await recordedAtOf(scored.body.position);
    // Taken three days ago, reported only now: what the clinic knew changed today.
    lateDoseOccurredAt = daysAgo(3);
    const dose = await t.api.http
      .post(`/patients/${p.patientId}/doses/taken`)
      .set('Authorization', p.patient.auth)
      .send({ medicationId, scheduledFor: lateDoseOccurredAt, occurredAt: lateDoseOccurredAt })
      .expect(201);
    lateDoseRecordedAt = await recordedAtOf(dose.body.position);
  });

  const get = (path: string, auth = p.therapist.auth) => t.api.http.get(path).set('Authorization', auth);

  it('shows an outcome from the instant it was recorded, not a millisecond before', async () => {
    const before = await get(`/patients/${p.patientId}/outcomes?asOf=${minus(scoredAt, 1)}`).expect(200);
    const at = await get(`/patients/${p.patientId}/outcomes?asOf=${scoredAt}`).expect(200);
    expect(before.body).toMatchObject({
      patientId: p.patientId,
      asOf: minus(scoredAt, 1),
      asOfBasis: 'recorded',
      data: { phq9: null },
    });
    expect(at.body).toMatchObject({ asOf: scoredAt, data: { phq9: { baseline: { total: 10 }, measurements: 1 } } });
    expect(at.body.position).toBeGreaterThan(before.body.position);
  });

  it('shows the plan without the medication before its prescription, and with it after', async () => {
    const before = await get(`/patients/${p.patientId}/plan?asOf=${minus(prescribedAt, 1)}`).expect(200);
    const after = await get(`/patients/${p.patientId}/plan?asOf=${prescribedAt}`).expect(200);
    expect(JSON.stringify(before.body.data)).not.toContain('Sertraline');
    expect(after.body.data.medications.map((m: { medicationId: string }) => m.medicationId)).toEqual([medicationId]);
    expect(after.body.data.carePlan).toMatchObject({ track: 'integrated' });
  });

  it('tells "as recorded" from "as occurred" for a dose reported late', async () => {
    const asOf = minus(lateDoseRecordedAt, 1); // days after the dose happened, a millisecond before anyone knew
    const doses = async (basis: string): Promise<number> => {
      const response = await get(
        `/patients/${p.patientId}/adherence?asOf=${asOf}&asOfBasis=${basis}`,
        p.patient.auth,
      ).expect(200);
      expect(response.body.asOfBasis).toBe(basis);
      return response.body.data.medications[0].doses.allTime.taken;
    };
    expect(await doses('recorded')).toBe(0);
    expect(await doses('occurred')).toBe(1);
    const now = await get(`/patients/${p.patientId}/adherence`, p.patient.auth).expect(200);
    expect(now.body.data.medications[0].doses.allTime.taken).toBe(1);
  });

  it('counts that dose as recorded late (3 days after it occurred, over 24 h) but not late (taken at its slot)', async () => {
    const tally = async (query: string) =>
      (await get(`/patients/${p.patientId}/adherence${query}`, p.patient.auth).expect(200)).body.data.medications[0]
        .doses.allTime;
    // Live view (the projection) and time travel (the same model replayed) agree.
    for (const query of ['', `?asOf=${lateDoseRecordedAt}`])
      expect(await tally(query)).toMatchObject({ taken: 1, onTime: 1, late: 0, recordedLate: 1 });
  });

  it('answers collaboration as of an instant too, and an empty view before enrolment', async () => {
    const response = await get(`/patients/${p.patientId}/collaboration?asOf=2020-01-01T00:00:00Z`).expect(200);
    expect(response.body).toMatchObject({
      position: 0,
      asOf: '2020-01-01T00:00:00.000Z',
      data: { openConsultations: [] },
    });
  });

  it('refuses a malformed or future asOf and an unknown basis, naming the field', async () => {
    expectInvalid(await get(`/patients/${p.patientId}/plan?asOf=yesterday`), 'asOf', 'isIso8601');
    expectInvalid(await get(`/patients/${p.patientId}/plan?asOf=2026-03-01`), 'asOf', 'matches');
    expectInvalid(
      await get(`/patients/${p.patientId}/outcomes?asOf=${new Date(Date.now() + 3_600_000).toISOString()}`),
      'asOf',
      'notInFuture',
    );
    expectInvalid(
      await get(`/patients/${p.patientId}/adherence?asOf=${scoredAt}&asOfBasis=whenever`),
      'asOfBasis',
      'isIn',
    );
  });

  it('lets only the care team and the patient travel in time', async () => {
    const outsider = await testUser(t.api, 'therapist');
    const analyst = await testUser(t.api, 'analyst');
    for (const caller of [outsider, analyst])
      expectForbidden(await get(`/patients/${p.patientId}/outcomes?asOf=${scoredAt}`, caller.auth), p);
  });

  describe('the registry and case-review queue as of an instant (?asOf= on GET /registry)', () => {
    type Entry = { patientId: string; reasons: string[] };
    const reasonsOf = async (query: string, auth = p.therapist.auth): Promise<string[]> => {
      const { body } = await get(`/registry?${query}`, auth).expect(200);
      // Not listed: no reason for case review at all.
      return (body.items as Entry[]).find((e) => e.patientId === p.patientId)?.reasons ?? [];
    };
    let occurredAt: string;
    let reportedAt: string;
    let reviewPosition: number;

    beforeAll(async () => {
      // A severe side effect that began a day ago, reported now, then reviewed by the prescriber.
      occurredAt = daysAgo(1);
      const reported = await t.api.http
        .post(`/patients/${p.patientId}/side-effects`)
        .set('Authorization', p.patient.auth)
        .send({ symptom: 'Agitation', severity: 'severe', occurredAt })
        .expect(201);
      reportedAt = await recordedAtOf(reported.body.position);
      const reviewed = await t.api.http
        .post(`/patients/${p.patientId}/side-effects/${reported.body.id}/reviews`)
        .set('Authorization', p.prescriber.auth)
        .send({ action: 'monitor' })
        .expect(201);
      reviewPosition = reviewed.body.position;
    });

    it('shows the urgent flag the team saw between the report and its review, and not after', async () => {
      expect(await reasonsOf(`asOf=${minus(reportedAt, 1)}`)).not.toContain('urgent-side-effect');
      expect(await reasonsOf(`asOf=${reportedAt}`)).toContain('urgent-side-effect');
      expect(await reasonsOf(`minPosition=${reviewPosition}`)).not.toContain('urgent-side-effect');
      const { body } = await get(`/registry?asOf=${reportedAt}`).expect(200);
      expect(body).toMatchObject({ asOf: reportedAt, asOfBasis: 'recorded' });
    });

    it('"occurred": a millisecond before the report the side effect had begun, though nobody knew it yet', async () => {
      const justBefore = minus(reportedAt, 1);
      expect(await reasonsOf(`asOf=${justBefore}&asOfBasis=recorded`)).not.toContain('urgent-side-effect');
      expect(await reasonsOf(`asOf=${justBefore}&asOfBasis=occurred`)).toContain('urgent-side-effect');
    });

    it('lists only patients whose care team the caller was on, and refuses a future asOf', async () => {
      const stranger = await testUser(t.api, 'therapist');
      expect((await get(`/registry?asOf=${reportedAt}`, stranger.auth).expect(200)).body).toMatchObject({ total: 0 });
      expectInvalid(await get(`/registry?asOf=${daysAgo(-2)}`), 'asOf', 'notInFuture');
    });
  });
});
