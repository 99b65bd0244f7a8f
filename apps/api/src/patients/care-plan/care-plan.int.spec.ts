import {
  enrolTestPatient,
  expectForbidden,
  expectInvalid,
  expectProblem,
  lastEvent,
  testUser,
  withoutWrites,
  type TestPatient,
} from '../../testing/care-setup';
import { useTestApi } from '../../testing/harness';
import { eventCount } from '../../testing/test-api';

describe('care plan endpoints', () => {
  const t = useTestApi();

  const post = (path: string, body: unknown, auth = t.p.therapist.auth) =>
    t.api.http
      .post(path.replace(':patientId', t.p.patientId))
      .set('Authorization', auth)
      .send(body as object);

  describe('refuse a malformed body with 400, naming the field and the rule, and write nothing', () => {
    it.each<[string, string, unknown, string, string]>([
      ['enrolment without a name', '/patients', {}, 'name', 'isDefined'],
      ['a name that is a string', '/patients', { name: 'Ada Lovelace' }, 'name', 'isObject'],
      ['an empty given name', '/patients', { name: { given: '', family: 'L' } }, 'name.given', 'isLength'],
      [
        'a 101-character family name',
        '/patients',
        { name: { given: 'A', family: 'x'.repeat(101) } },
        'name.family',
        'isLength',
      ],
      [
        'an unknown field inside name',
        '/patients',
        { name: { given: 'A', family: 'L', middle: 'B' } },
        'name.middle',
        'whitelist',
      ],
      [
        'an e-mail that is not one',
        '/patients',
        { name: { given: 'A', family: 'L' }, contact: { email: 'ada@' } },
        'contact.email',
        'isEmail',
      ],
      [
        'a time zone that is not IANA',
        '/patients',
        { name: { given: 'A', family: 'L' }, timeZone: 'GMT+1 (summer)' },
        'timeZone',
        'isTimeZone',
      ],
      // Shaped like IANA names, but unknown to the runtime's zone database: refused, never counted in UTC.
      [
        'a misspelt time zone',
        '/patients',
        { name: { given: 'A', family: 'L' }, timeZone: 'Europe/Londn' },
        'timeZone',
        'isTimeZone',
      ],
      [
        'a time zone on Mars',
        '/patients',
        { name: { given: 'A', family: 'L' }, timeZone: 'Mars/Olympus' },
        'timeZone',
        'isTimeZone',
      ],
      [
        'an unknown top-level field',
        '/patients',
        { name: { given: 'A', family: 'L' }, ssn: '078-05-1120' },
        'ssn',
        'whitelist',
      ],
      [
        'a client-chosen patient id',
        '/patients',
        { name: { given: 'A', family: 'L' }, patientId: 'mine' },
        'patientId',
        'whitelist',
      ],
      [
        'an impossible date (30 February)',
        '/patients',
        { name: { given: 'A', family: 'L' }, occurredAt: '2026-02-30T08:00:00Z' },
        'occurredAt',
        'isIso8601',
      ],
      [
        'an instant without offset',
        '/patients',
        { name: { given: 'A', family: 'L' }, occurredAt: '2026-03-01T08:00:00' },
        'occurredAt',
        'matches',
      ],
      [
        'an ISO week date',
        '/patients',
        { name: { given: 'A', family: 'L' }, occurredAt: '2026-W10-1T08:00:00Z' },
        'occurredAt',
        'matches',
      ],
      ['an unknown track', '/patients/:patientId/care-plan', { track: 'hybrid' }, 'track', 'isIn'],
      [
        'a track change without reason',
        '/patients/:patientId/care-plan/track',
        { track: 'therapy-only' },
        'reason',
        'isDefined',
      ],
      [
        'a 4001-character review summary',
        '/patients/:patientId/care-plan/reviews',
        { summary: 'x'.repeat(4001) },
        'summary',
        'isLength',
      ],
      [
        'a next review on 31 April',
        '/patients/:patientId/care-plan/reviews',
        { nextReviewDue: '2026-04-31' },
        'nextReviewDue',
        'isIso8601',
      ],
      [
        'a next review that is an instant',
        '/patients/:patientId/care-plan/reviews',
        { nextReviewDue: '2026-04-01T00:00:00Z' },
        'nextReviewDue',
        'matches',
      ],
      ['an unknown closure reason', '/patients/:patientId/care-plan/closure', { reason: 'bored' }, 'reason', 'isIn'],
      [
        'a team role that is not one',
        '/patients/:patientId/care-team',
        { userId: 'u-1', role: 'admin', chosenByPatient: false },
        'role',
        'isIn',
      ],
      [
        'chosenByPatient as a string',
        '/patients/:patientId/care-team',
        { userId: 'u-1', role: 'prescriber', chosenByPatient: 'yes' },
        'chosenByPatient',
        'isBoolean',
      ],
      [
        'a user id with spaces',
        '/patients/:patientId/care-team',
        { userId: 'Dr Who', role: 'prescriber', chosenByPatient: true },
        'userId',
        'matches',
      ],
      [
        'a goal without description',
        '/patients/:patientId/goals',
        { targetDate: '2026-12-01' },
        'description',
        'isDefined',
      ],
      ['a blank goal', '/patients/:patientId/goals', { description: ' \n ' }, 'description', 'notBlank'],
      [
        'a NUL character in a name (jsonb cannot hold it)',
        '/patients',
        { name: { given: 'A\u0000', family: 'L' } },
        'name.given',
        'wellFormedText',
      ],
      [
        'a 51st comorbid condition',
        '/patients/:patientId/holistic-context',
        { comorbidConditions: Array.from({ length: 51 }, () => ({ description: 'x' })) },
        'comorbidConditions',
        'arrayMaxSize',
      ],
      [
        'a condition code with spaces',
        '/patients/:patientId/holistic-context',
        { comorbidConditions: [{ code: 'F41 1', description: 'GAD' }] },
        'comorbidConditions.0.code',
        'matches',
      ],
      [
        'a nested unknown field',
        '/patients/:patientId/holistic-context',
        { comorbidConditions: [{ description: 'GAD', severity: 3 }] },
        'comorbidConditions.0.severity',
        'whitelist',
      ],
      [
        'a patient id in the path that is not an id',
        '/patients/not%20an%20id/care-plan/reviews',
        {},
        'patientId',
        'matches',
      ],
    ])('%s', async (_, path, body, field, rule) => {
      expectInvalid(await withoutWrites(t.api, () => post(path, body)), field, rule);
    });

    it('answers a body that is not JSON with 400 problem+json', async () => {
      const response = await withoutWrites(t.api, () =>
        t.api.http
          .post(`/patients/${t.p.patientId}/care-plan/reviews`)
          .set('Authorization', t.p.therapist.auth)
          .set('Content-Type', 'application/json')
          .send('{"summary": '),
      );
      expectProblem(response, 400, 'BAD_REQUEST');
    });

    it('answers a body over the size limit with 413 problem+json, not 500', async () => {
      const response = await withoutWrites(t.api, () =>
        post('/patients/:patientId/care-plan/reviews', { summary: 'x'.repeat(200_000) }),
      );
      expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  describe('writes', () => {
    it('enrols a patient, answering the new id, the stream version as ETag, and founding the team', async () => {
      const therapist = await testUser(t.api, 'therapist');
      const response = await t.api.http
        .post('/patients')
        .set('Authorization', therapist.auth)
        .send({ name: { given: 'Grace', family: 'Hopper' }, timeZone: 'Europe/London' })
        .expect(201);
      expect(response.body).toMatchObject({ streamId: `careplan-${response.body.id}`, version: 2 });
      expect(response.headers['etag']).toBe('"2"');
      expect(await lastEvent(t.api, response.body.streamId)).toMatchObject({
        type: 'CareTeamMemberAssigned',
        data: { userId: therapist.userId, role: 'therapist' },
      });
    });

    it('answers a retry with the same Idempotency-Key with the first result and writes nothing', async () => {
      const therapist = await testUser(t.api, 'therapist');
      const enrol = () =>
        t.api.http
          .post('/patients')
          .set('Authorization', therapist.auth)
          .set('Idempotency-Key', 'enrol-1')
          .send({ name: { given: 'Grace', family: 'Hopper' } });
      const first = await enrol().expect(201);
      const retry = await withoutWrites(t.api, () => enrol());
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
    });

    it('sets, achieves and refuses to revise a goal', async () => {
      const goal = await post('/patients/:patientId/goals', {
        description: 'Sleep 7 hours.',
        targetDate: '2027-01-31',
      }).expect(201);
      await post(`/patients/:patientId/goals/${goal.body.id}/achievement`, {}).expect(201);
      const response = await withoutWrites(t.api, () =>
        post(`/patients/:patientId/goals/${goal.body.id}/revisions`, { description: 'Sleep 8 hours.' }),
      );
      expectProblem(response, 409, 'GOAL_ALREADY_ACHIEVED');
    });

    it('records holistic context with a condition without code', async () => {
      const response = await post('/patients/:patientId/holistic-context', {
        comorbidConditions: [{ description: 'Asthma' }],
      }).expect(201);
      expect(await lastEvent(t.api, response.body.streamId)).toMatchObject({
        data: { comorbidConditions: [{ code: null, description: 'Asthma' }] },
      });
    });

    it('refuses a write whose If-Match is stale with 412 and the current ETag', async () => {
      const response = await withoutWrites(t.api, () =>
        t.api.http
          .post(`/patients/${t.p.patientId}/care-plan/reviews`)
          .set('Authorization', t.p.therapist.auth)
          .set('If-Match', '"1"')
          .send({ summary: 'Stable.' }),
      );
      expectProblem(response, 412, 'VERSION_CONFLICT');
      expect(response.headers['etag']).toMatch(/^"\d+"$/);
    });

    it('writes with a current If-Match, the ETag a read of the plan answered', async () => {
      const read = await t.api.http
        .get(`/patients/${t.p.patientId}/plan`)
        .set('Authorization', t.p.therapist.auth)
        .expect(200);
      const written = await t.api.http
        .post(`/patients/${t.p.patientId}/care-plan/reviews`)
        .set('Authorization', t.p.therapist.auth)
        .set('If-Match', read.headers['etag'] as string)
        .send({ summary: 'Stable.' })
        .expect(201);
      expect(written.headers['etag']).toBe(`"${written.body.version}"`);
    });

    it('answers a 201 with the Location of the view that shows the write, once it reflects it', async () => {
      const response = await post('/patients/:patientId/goals', { description: 'Walk daily.' }).expect(201);
      expect(response.headers['location']).toBe(
        `/patients/${t.p.patientId}/plan?minPosition=${response.body.position}`,
      );
      const view = await t.api.http
        .get(response.headers['location'] as string)
        .set('Authorization', t.p.therapist.auth);
      expect(view.status).toBe(200);
      expect(view.body.position).toBeGreaterThanOrEqual(response.body.position);
    });

    it('refuses a DELETE that carries a body, naming where its fields go, and writes nothing', async () => {
      const response = await withoutWrites(t.api, () =>
        t.api.http
          .delete(`/patients/${t.p.patientId}/care-team/${t.p.prescriber.userId}`)
          .set('Authorization', t.p.therapist.auth)
          .send({ reason: 'Moved away.' }),
      );
      expectInvalid(response, 'body', 'noBody');
    });

    it('removes a member with a DELETE: no body, the reason in the query, 200 with the write answer', async () => {
      const member = await testUser(t.api, 'care-manager');
      await post('/patients/:patientId/care-team', {
        userId: member.userId,
        role: 'care-manager',
        chosenByPatient: false,
      }).expect(201);
      const response = await t.api.http
        .delete(`/patients/${t.p.patientId}/care-team/${member.userId}`)
        .query({ reason: 'Moved to another clinic.' })
        .set('Authorization', t.p.therapist.auth)
        .expect(200);
      expect(response.headers['location']).toBeUndefined();
      expect(response.headers['etag']).toBe(`"${response.body.version}"`);
      expect(await lastEvent(t.api, response.body.streamId)).toMatchObject({
        type: 'CareTeamMemberRemoved',
        data: { userId: member.userId, reason: 'Moved to another clinic.' },
      });
    });
  });

  describe('domain refusals', () => {
    it('409 CARE_PLAN_ALREADY_OPEN: one open plan per episode', async () => {
      expectProblem(
        await withoutWrites(t.api, () => post('/patients/:patientId/care-plan', { track: 'integrated' })),
        409,
        'CARE_PLAN_ALREADY_OPEN',
      );
    });

    it('422 TRACK_UNCHANGED: a track change changes the track', async () => {
      const response = await withoutWrites(t.api, () =>
        post('/patients/:patientId/care-plan/track', { track: 'integrated', reason: 'No change.' }),
      );
      expectProblem(response, 422, 'TRACK_UNCHANGED');
    });

    it('422 NO_OPEN_CARE_PLAN: a review needs an open plan', async () => {
      const noPlan = await enrolTestPatient(t.api, { track: null });
      const response = await withoutWrites(t.api, () =>
        t.api.http
          .post(`/patients/${noPlan.patientId}/care-plan/reviews`)
          .set('Authorization', noPlan.therapist.auth)
          .send({}),
      );
      expectProblem(response, 422, 'NO_OPEN_CARE_PLAN');
    });

    it('409 ALREADY_ON_CARE_TEAM: one place per user', async () => {
      const response = await withoutWrites(t.api, () =>
        post('/patients/:patientId/care-team', {
          userId: t.p.prescriber.userId,
          role: 'prescriber',
          chosenByPatient: true,
        }),
      );
      expectProblem(response, 409, 'ALREADY_ON_CARE_TEAM');
    });

    it('404 GOAL_NOT_FOUND: achieving a goal that was never set', async () => {
      expectProblem(
        await withoutWrites(t.api, () => post('/patients/:patientId/goals/no-such-goal/achievement', {})),
        404,
        'GOAL_NOT_FOUND',
      );
    });

    it('404 CARE_TEAM_MEMBER_NOT_FOUND: removing a non-member', async () => {
      const response = await withoutWrites(t.api, () =>
        t.api.http.delete(`/patients/${t.p.patientId}/care-team/nobody`).set('Authorization', t.p.therapist.auth),
      );
      expectProblem(response, 404, 'CARE_TEAM_MEMBER_NOT_FOUND');
    });

    it('403 without patient data: the patient may not change their own plan', async () => {
      const response = await withoutWrites(t.api, () =>
        post('/patients/:patientId/care-plan/reviews', { summary: 'All fine.' }, t.p.patient.auth),
      );
      expectForbidden(response, t.p);
    });

    it('403 without patient data: a clinician outside the care team', async () => {
      const outsider = await testUser(t.api, 'therapist');
      expectForbidden(
        await withoutWrites(t.api, () => post('/patients/:patientId/goals', { description: 'Peek.' }, outsider.auth)),
        t.p,
      );
    });

    it('403, the same answer, for a patient who does not exist', async () => {
      const response = await withoutWrites(t.api, () =>
        post('/patients/no-such-patient/goals', { description: 'Peek.' }),
      );
      expectForbidden(response, t.p);
    });

    it('401 problem+json without a token', async () => {
      const before = await eventCount(t.api.store);
      const response = await t.api.http.post(`/patients/${t.p.patientId}/goals`).send({ description: 'Sleep.' });
      expectProblem(response, 401, 'UNAUTHENTICATED');
      expect(await eventCount(t.api.store)).toBe(before);
    });
  });
});
