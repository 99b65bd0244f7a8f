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

describe('therapy endpoints', () => {
  const t = useTestApi();

  const post = (patient: TestPatient, path: string, body: unknown, auth = patient.therapist.auth) =>
    t.api.http
      .post(`/patients/${patient.patientId}${path}`)
      .set('Authorization', auth)
      .send(body as object);

  const weekly = { sessions: 1, per: 'week' };

  describe('refuse a malformed body with 400, naming the field and the rule, and write nothing', () => {
    it.each<[string, string, unknown, string, string]>([
      ['an unknown modality', '/therapy', { modality: 'EMDR', frequency: weekly }, 'modality', 'isIn'],
      ['no modality', '/therapy', { frequency: weekly }, 'modality', 'isDefined'],
      ['no frequency', '/therapy', { modality: 'CBT' }, 'frequency', 'isDefined'],
      ['a frequency that is a string', '/therapy', { modality: 'CBT', frequency: '1/week' }, 'frequency', 'isObject'],
      [
        'zero sessions',
        '/therapy',
        { modality: 'CBT', frequency: { sessions: 0, per: 'week' } },
        'frequency.sessions',
        'min',
      ],
      [
        '32 sessions',
        '/therapy',
        { modality: 'CBT', frequency: { sessions: 32, per: 'month' } },
        'frequency.sessions',
        'max',
      ],
      [
        '1.5 sessions',
        '/therapy',
        { modality: 'CBT', frequency: { sessions: 1.5, per: 'week' } },
        'frequency.sessions',
        'isInt',
      ],
      [
        'sessions as a string',
        '/therapy',
        { modality: 'CBT', frequency: { sessions: '2', per: 'week' } },
        'frequency.sessions',
        'isInt',
      ],
      [
        'a period of a day',
        '/therapy',
        { modality: 'CBT', frequency: { sessions: 1, per: 'day' } },
        'frequency.per',
        'isIn',
      ],
      [
        'a nested unknown field',
        '/therapy',
        { modality: 'CBT', frequency: { ...weekly, minutes: 50 } },
        'frequency.minutes',
        'whitelist',
      ],
      [
        'an unknown field',
        '/therapy',
        { modality: 'CBT', frequency: weekly, therapistId: 'x' },
        'therapistId',
        'whitelist',
      ],
      [
        'a 201-character modality detail',
        '/therapy',
        { modality: 'other', modalityDetail: 'x'.repeat(201), frequency: weekly },
        'modalityDetail',
        'isLength',
      ],
      [
        'an empty modality detail',
        '/therapy',
        { modality: 'other', modalityDetail: '', frequency: weekly },
        'modalityDetail',
        'isLength',
      ],
      [
        'an impossible date (29 February 2026)',
        '/therapy',
        { modality: 'CBT', frequency: weekly, occurredAt: '2026-02-29T10:00:00Z' },
        'occurredAt',
        'isIso8601',
      ],
      [
        'an instant without offset',
        '/therapy',
        { modality: 'CBT', frequency: weekly, occurredAt: '2026-03-01T10:00:00' },
        'occurredAt',
        'matches',
      ],
      [
        'a null instant',
        '/therapy',
        { modality: 'CBT', frequency: weekly, occurredAt: null },
        'occurredAt',
        'isIso8601',
      ],
      ['a modality change with a null modality', '/therapy/modality', { modality: null }, 'modality', 'isIn'],
      [
        'a 1001-character reason',
        '/therapy/modality',
        { modality: 'DBT', reason: 'x'.repeat(1001) },
        'reason',
        'isLength',
      ],
      [
        'a NUL character in the reason',
        '/therapy/modality',
        { modality: 'DBT', reason: 'a\u0000b' },
        'reason',
        'wellFormedText',
      ],
      [
        'a blank modality detail',
        '/therapy',
        { modality: 'other', modalityDetail: '   ', frequency: weekly },
        'modalityDetail',
        'notBlank',
      ],
      ['a frequency change without frequency', '/therapy/frequency', {}, 'frequency', 'isDefined'],
      [
        'negative sessions',
        '/therapy/frequency',
        { frequency: { sessions: -1, per: 'week' } },
        'frequency.sessions',
        'min',
      ],
      ['a frequency that is an array', '/therapy/frequency', { frequency: [weekly] }, 'frequency', 'isObject'],
    ])('%s', async (_, path, body, field, rule) => {
      expectInvalid(await withoutWrites(t.api, () => post(t.p, path, body)), field, rule);
    });
  });

  describe('writes', () => {
    it('prescribes therapy, then changes its modality and its frequency', async () => {
      const patient = await enrolTestPatient(t.api);
      const prescribed = await post(patient, '/therapy', { modality: 'CBT', frequency: weekly }).expect(201);
      expect(await lastEvent(t.api, prescribed.body.streamId)).toMatchObject({
        type: 'TherapyPrescribed',
        data: {
          modality: 'CBT',
          modalityDetail: null,
          frequency: weekly,
          prescribedBy: { userId: patient.therapist.userId },
        },
      });
      await post(patient, '/therapy/modality', {
        modality: 'other',
        modalityDetail: 'IPT',
        reason: 'Grief focus.',
      }).expect(201);
      expect(await lastEvent(t.api, prescribed.body.streamId)).toMatchObject({
        type: 'TherapyModalityChanged',
        data: { from: 'CBT', to: 'other', modalityDetail: 'IPT' },
      });
      await post(
        patient,
        '/therapy/frequency',
        { frequency: { sessions: 2, per: 'month' } },
        patient.prescriber.auth,
      ).expect(201);
      expect(await lastEvent(t.api, prescribed.body.streamId)).toMatchObject({
        type: 'TherapyFrequencyChanged',
        data: { from: weekly, to: { sessions: 2, per: 'month' } },
      });
    });
  });

  describe('domain refusals', () => {
    beforeAll(async () => {
      await post(t.p, '/therapy', { modality: 'CBT', frequency: weekly }).expect(201);
    });

    it('409 THERAPY_ALREADY_PRESCRIBED: one therapy per plan', async () => {
      const response = await withoutWrites(t.api, () => post(t.p, '/therapy', { modality: 'DBT', frequency: weekly }));
      expectProblem(response, 409, 'THERAPY_ALREADY_PRESCRIBED');
    });

    it('422 THERAPY_UNCHANGED: a frequency change changes the frequency', async () => {
      expectProblem(
        await withoutWrites(t.api, () => post(t.p, '/therapy/frequency', { frequency: weekly })),
        422,
        'THERAPY_UNCHANGED',
      );
    });

    it('422 INVALID_VALUE: "other" names the modality', async () => {
      expectProblem(
        await withoutWrites(t.api, () => post(t.p, '/therapy/modality', { modality: 'other' })),
        422,
        'INVALID_VALUE',
      );
    });

    it('422 OCCURRED_IN_FUTURE: a change is not dated ahead', async () => {
      const response = await withoutWrites(t.api, () =>
        post(t.p, '/therapy/modality', { modality: 'DBT', occurredAt: minutesFromNow(60) }),
      );
      expectProblem(response, 422, 'OCCURRED_IN_FUTURE');
    });

    it('404 NO_THERAPY_PRESCRIBED: changing a therapy that is not prescribed', async () => {
      const patient = await enrolTestPatient(t.api);
      expectProblem(
        await withoutWrites(t.api, () => post(patient, '/therapy/modality', { modality: 'DBT' })),
        404,
        'NO_THERAPY_PRESCRIBED',
      );
    });

    it('422 MEDICATION_ONLY_TRACK_HAS_NO_THERAPY', async () => {
      const patient = await enrolTestPatient(t.api, { track: 'medication-only' });
      const response = await withoutWrites(t.api, () =>
        post(patient, '/therapy', { modality: 'CBT', frequency: weekly }),
      );
      expectProblem(response, 422, 'MEDICATION_ONLY_TRACK_HAS_NO_THERAPY');
    });

    it('422 NO_OPEN_CARE_PLAN: therapy is prescribed on an open plan', async () => {
      const patient = await enrolTestPatient(t.api, { track: null });
      const response = await withoutWrites(t.api, () =>
        post(patient, '/therapy', { modality: 'CBT', frequency: weekly }),
      );
      expectProblem(response, 422, 'NO_OPEN_CARE_PLAN');
    });

    it('403 without patient data: the patient does not change their plan', async () => {
      expectForbidden(
        await withoutWrites(t.api, () => post(t.p, '/therapy/modality', { modality: 'DBT' }, t.p.patient.auth)),
        t.p,
      );
    });

    it('403 without patient data: a care manager on the team does not prescribe therapy', async () => {
      const manager = await testUser(t.api, 'care-manager');
      await post(t.p, '/care-team', { userId: manager.userId, role: 'care-manager', chosenByPatient: false }).expect(
        201,
      );
      expectForbidden(
        await withoutWrites(t.api, () =>
          post(t.p, '/therapy/frequency', { frequency: { sessions: 3, per: 'month' } }, manager.auth),
        ),
        t.p,
      );
    });

    it('403 without patient data: a therapist outside the care team', async () => {
      const outsider = await testUser(t.api, 'therapist');
      expectForbidden(
        await withoutWrites(t.api, () => post(t.p, '/therapy/modality', { modality: 'DBT' }, outsider.auth)),
        t.p,
      );
    });
  });
});
