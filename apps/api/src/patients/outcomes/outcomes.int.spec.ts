import {
  enrolTestPatient,
  expectForbidden,
  expectInvalid,
  expectProblem,
  lastEvent,
  minutesFromNow,
  testUser,
  withoutWrites,
  type TestPatient,
} from '../../testing/care-setup';
import { useTestApi } from '../../testing/harness';

describe('outcome endpoints', () => {
  const t = useTestApi();

  const record = (body: unknown, auth = t.p.patient.auth) =>
    t.api.http
      .post(`/patients/${t.p.patientId}/outcomes`)
      .set('Authorization', auth)
      .send(body as object);

  const phq9 = { instrument: 'PHQ-9', items: [2, 2, 1, 1, 2, 1, 1, 0, 0], total: 10 };
  const gad7 = { instrument: 'GAD-7', items: [1, 1, 1, 1, 1, 1, 1], total: 7 };

  describe('refuse a malformed body with 400, naming the field and the rule, and write nothing', () => {
    it.each<[string, unknown, string, string]>([
      ['an unknown instrument', { ...phq9, instrument: 'BDI-II' }, 'instrument', 'isIn'],
      ['no instrument', { items: phq9.items, total: 10 }, 'instrument', 'isDefined'],
      ['a PHQ-9 with 7 answers', { ...phq9, items: gad7.items }, 'items', 'itemCountOfInstrument'],
      ['a GAD-7 with 9 answers', { ...gad7, items: [1, 1, 1, 1, 1, 1, 1, 0, 0] }, 'items', 'itemCountOfInstrument'],
      ['ten answers', { ...phq9, items: [...phq9.items, 0] }, 'items', 'arrayMaxSize'],
      ['three answers', { ...phq9, items: [1, 1, 1], total: 3 }, 'items', 'arrayMinSize'],
      ['no answers', { instrument: 'PHQ-9', total: 0 }, 'items', 'isDefined'],
      ['answers that are a string', { ...phq9, items: '221121100' }, 'items', 'isArray'],
      ['an answer of 4', { ...phq9, items: [4, 2, 1, 1, 2, 1, 1, 0, 0], total: 12 }, 'items', 'max'],
      ['an answer of -1', { ...phq9, items: [-1, 2, 1, 1, 2, 1, 1, 0, 0], total: 7 }, 'items', 'min'],
      ['an answer of 1.5', { ...phq9, items: [1.5, 2, 1, 1, 2, 1, 1, 0, 0], total: 9.5 }, 'items', 'isInt'],
      ['an answer as a string', { ...phq9, items: ['2', 2, 1, 1, 2, 1, 1, 0, 0] }, 'items', 'isInt'],
      ['a negative total', { ...phq9, total: -1 }, 'total', 'min'],
      ['a total as a string', { ...phq9, total: '10' }, 'total', 'isInt'],
      ['no total', { instrument: 'PHQ-9', items: phq9.items }, 'total', 'isDefined'],
      ['a client-set LOINC code', { ...phq9, loinc: '44261-6' }, 'loinc', 'whitelist'],
      [
        'a client-set administrator',
        { ...phq9, administeredBy: { userId: 'x', role: 'therapist' } },
        'administeredBy',
        'whitelist',
      ],
      ['a time without offset', { ...phq9, occurredAt: '2026-03-01T08:00:00' }, 'occurredAt', 'matches'],
      ['a time on 31 September', { ...phq9, occurredAt: '2026-09-31T08:00:00Z' }, 'occurredAt', 'isIso8601'],
    ])('%s', async (_, body, field, rule) => {
      expectInvalid(await withoutWrites(t.api, () => record(body)), field, rule);
    });
  });

  describe('writes', () => {
    it('records a PHQ-9 the patient filled in, with its LOINC code', async () => {
      const response = await record(phq9).expect(201);
      expect(response.body.streamId).toMatch(new RegExp(`^outcomes-${t.p.patientId}-\\d{4}$`));
      expect(await lastEvent(t.api, response.body.streamId)).toMatchObject({
        type: 'OutcomeMeasured',
        data: {
          instrument: 'PHQ-9',
          loinc: '44261-6',
          items: phq9.items,
          total: 10,
          administeredBy: { userId: t.p.patientId, role: 'patient' },
        },
      });
    });

    it('records a GAD-7 a therapist administered', async () => {
      const response = await record({ ...gad7, items: [3, 3, 3, 3, 3, 3, 3], total: 21 }, t.p.therapist.auth).expect(
        201,
      );
      expect(await lastEvent(t.api, response.body.streamId)).toMatchObject({
        data: { instrument: 'GAD-7', loinc: '70274-6', total: 21, administeredBy: { role: 'therapist' } },
      });
    });
  });

  describe('domain refusals', () => {
    // docs/domain.md, "Rules": the totals are the domain's rules, answered 422 with their code (not 400).
    it.each<[string, object, string]>([
      // 2+2+1+1+2+1+1+0+0 = 10, so 11 is not the sum.
      [
        'a PHQ-9 total that is not the sum of the answers (10, not 11)',
        { ...phq9, total: 11 },
        'OUTCOME_TOTAL_MISMATCH',
      ],
      ['a PHQ-9 total of 28 (range 0-27)', { ...phq9, total: 28 }, 'OUTCOME_TOTAL_OUT_OF_RANGE'],
      ['a GAD-7 total of 22 (range 0-21)', { ...gad7, total: 22 }, 'OUTCOME_TOTAL_OUT_OF_RANGE'],
    ])('422: %s', async (_, body, code) => {
      expectProblem(await withoutWrites(t.api, () => record(body)), 422, code);
    });

    it('422 OCCURRED_IN_FUTURE: a questionnaire dated tomorrow', async () => {
      expectProblem(
        await withoutWrites(t.api, () => record({ ...phq9, occurredAt: minutesFromNow(24 * 60) })),
        422,
        'OCCURRED_IN_FUTURE',
      );
    });

    it('403 without patient data: another patient', async () => {
      const other = await testUser(t.api, 'patient');
      expectForbidden(await withoutWrites(t.api, () => record(phq9, other.auth)), t.p);
    });

    it('403 without patient data: a therapist outside the care team', async () => {
      const outsider = await testUser(t.api, 'therapist');
      expectForbidden(await withoutWrites(t.api, () => record(phq9, outsider.auth)), t.p);
    });

    it('403 without patient data: an analyst writes nothing', async () => {
      const analyst = await testUser(t.api, 'analyst');
      expectForbidden(await withoutWrites(t.api, () => record(phq9, analyst.auth)), t.p);
    });

    it('403, the same answer, for a patient not enrolled', async () => {
      const stranger = await testUser(t.api, 'patient');
      const response = await withoutWrites(t.api, () =>
        t.api.http.post(`/patients/${stranger.userId}/outcomes`).set('Authorization', stranger.auth).send(phq9),
      );
      expectForbidden(response, t.p);
    });
  });
});
