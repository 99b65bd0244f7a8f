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

describe('collaboration endpoints', () => {
  const t = useTestApi();

  const post = (path: string, body: unknown, auth = t.p.therapist.auth) =>
    t.api.http
      .post(`/patients/${t.p.patientId}${path}`)
      .set('Authorization', auth)
      .send(body as object);
  const askPrescriber = () =>
    post('/consultations', {
      requestedRole: 'prescriber',
      topic: 'Sleep worse since the increase?',
      urgency: 'routine',
    });

  const consultation = { requestedRole: 'prescriber', topic: 'Sleep?', urgency: 'routine' };
  const attendee = (n: number) => ({ userId: `u-${n}`, role: 'therapist' });
  const review = { attendees: [attendee(1)], decisions: ['Continue CBT.'] };

  describe('refuse a malformed body with 400, naming the field and the rule, and write nothing', () => {
    it.each<[string, string, unknown, string, string]>([
      [
        'asking the patient role',
        '/consultations',
        { ...consultation, requestedRole: 'patient' },
        'requestedRole',
        'isIn',
      ],
      ['no role asked', '/consultations', { ...consultation, requestedRole: undefined }, 'requestedRole', 'isDefined'],
      ['an empty topic', '/consultations', { ...consultation, topic: '' }, 'topic', 'isLength'],
      ['a 4001-character topic', '/consultations', { ...consultation, topic: 'x'.repeat(4001) }, 'topic', 'isLength'],
      ['a blank topic', '/consultations', { ...consultation, topic: ' ' }, 'topic', 'notBlank'],
      ['an unknown urgency', '/consultations', { ...consultation, urgency: 'asap' }, 'urgency', 'isIn'],
      [
        'a client-chosen consultation id',
        '/consultations',
        { ...consultation, consultationId: 'c-1' },
        'consultationId',
        'whitelist',
      ],
      ['an answer without text', '/consultations/c-1/answer', {}, 'answer', 'isDefined'],
      ['a 4001-character answer', '/consultations/c-1/answer', { answer: 'x'.repeat(4001) }, 'answer', 'isLength'],
      [
        'a consultation id in the path that is not an id',
        '/consultations/not%20an%20id/answer',
        { answer: 'Yes.' },
        'consultationId',
        'matches',
      ],
      ['a 4001-character note', '/collaboration-notes', { body: 'x'.repeat(4001) }, 'body', 'isLength'],
      ['an empty audience', '/collaboration-notes', { body: 'Note.', audience: [] }, 'audience', 'arrayMinSize'],
      [
        'an audience naming a role twice',
        '/collaboration-notes',
        { body: 'Note.', audience: ['therapist', 'therapist'] },
        'audience',
        'arrayUnique',
      ],
      ['an audience of patients', '/collaboration-notes', { body: 'Note.', audience: ['patient'] }, 'audience', 'isIn'],
      [
        'an audience of five roles',
        '/collaboration-notes',
        { body: 'Note.', audience: ['therapist', 'prescriber', 'primary-care', 'care-manager', 'admin'] },
        'audience',
        'arrayMaxSize',
      ],
      [
        'a note dated without offset',
        '/collaboration-notes',
        { body: 'Note.', occurredAt: '2026-03-01T08:00' },
        'occurredAt',
        'matches',
      ],
      ['a review nobody attended', '/case-reviews', { ...review, attendees: [] }, 'attendees', 'arrayMinSize'],
      [
        '21 attendees',
        '/case-reviews',
        { ...review, attendees: Array.from({ length: 21 }, (_, i) => attendee(i)) },
        'attendees',
        'arrayMaxSize',
      ],
      [
        'an attendee twice',
        '/case-reviews',
        { ...review, attendees: [attendee(1), attendee(1)] },
        'attendees',
        'arrayUnique',
      ],
      [
        'an admin attending',
        '/case-reviews',
        { ...review, attendees: [{ userId: 'u-1', role: 'admin' }] },
        'attendees.0.role',
        'isIn',
      ],
      [
        'an attendee with an unknown field',
        '/case-reviews',
        { ...review, attendees: [{ ...attendee(1), name: 'Dr X' }] },
        'attendees.0.name',
        'whitelist',
      ],
      [
        'an attendee that is a string',
        '/case-reviews',
        { ...review, attendees: ['u-1'] },
        'attendees.0',
        'nestedValidation',
      ],
      [
        'an attendee without a user id',
        '/case-reviews',
        { ...review, attendees: [{ role: 'therapist' }] },
        'attendees.0.userId',
        'isDefined',
      ],
      [
        '51 decisions',
        '/case-reviews',
        { ...review, decisions: Array.from({ length: 51 }, () => 'Continue.') },
        'decisions',
        'arrayMaxSize',
      ],
      ['an empty decision', '/case-reviews', { ...review, decisions: [''] }, 'decisions', 'isLength'],
      [
        'a decision with a NUL character',
        '/case-reviews',
        { ...review, decisions: ['Stop\u0000'] },
        'decisions',
        'wellFormedText',
      ],
      ['a decision that is a number', '/case-reviews', { ...review, decisions: [5] }, 'decisions', 'isString'],
      ['no decisions', '/case-reviews', { attendees: review.attendees }, 'decisions', 'isDefined'],
    ])('%s', async (_, path, body, field, rule) => {
      expectInvalid(await withoutWrites(t.api, () => post(path, body)), field, rule);
    });
  });

  describe('writes', () => {
    it('a therapist asks the prescriber, who answers once', async () => {
      const asked = await askPrescriber().expect(201);
      const { id } = asked.body;
      expect(asked.body.streamId).toBe(`consultation-${t.p.patientId}-${id}`);
      await post(`/consultations/${id}/answer`, { answer: 'Move it to the morning.' }, t.p.prescriber.auth).expect(201);
      expect(await lastEvent(t.api, asked.body.streamId)).toMatchObject({
        type: 'ConsultationAnswered',
        data: { answeredBy: { userId: t.p.prescriber.userId, role: 'prescriber' }, answer: 'Move it to the morning.' },
      });
      const again = await withoutWrites(t.api, () =>
        post(`/consultations/${id}/answer`, { answer: 'Again.' }, t.p.prescriber.auth),
      );
      expectProblem(again, 409, 'CONSULTATION_ALREADY_ANSWERED');
    });

    it('shares a note with the prescriber only', async () => {
      const response = await post('/collaboration-notes', {
        body: 'Reports better sleep.',
        audience: ['prescriber'],
      }).expect(201);
      expect(await lastEvent(t.api, response.body.streamId)).toMatchObject({
        type: 'CollaborationNoteShared',
        data: { noteId: response.body.id, audience: ['prescriber'], author: { userId: t.p.therapist.userId } },
      });
    });

    it('records a case review with its attendees and decisions', async () => {
      const attendees = [
        { userId: t.p.therapist.userId, role: 'therapist' },
        { userId: t.p.prescriber.userId, role: 'prescriber' },
        { userId: t.p.patientId, role: 'patient' },
      ];
      const response = await post('/case-reviews', {
        attendees,
        decisions: ['Continue CBT.', 'Review dose in 4 weeks.'],
      }).expect(201);
      expect(await lastEvent(t.api, response.body.streamId)).toMatchObject({
        type: 'CaseReviewHeld',
        data: { caseReviewId: response.body.id, attendees, decisions: ['Continue CBT.', 'Review dose in 4 weeks.'] },
      });
    });
  });

  describe('domain refusals', () => {
    it('404 CONSULTATION_NOT_FOUND: answering a consultation never asked', async () => {
      const response = await withoutWrites(t.api, () =>
        post('/consultations/no-such-consultation/answer', { answer: 'Yes.' }, t.p.prescriber.auth),
      );
      expectProblem(response, 404, 'CONSULTATION_NOT_FOUND');
    });

    it('422 CONSULTATION_ADDRESSEE_NOT_ON_TEAM: nobody on the team is a care manager', async () => {
      const response = await withoutWrites(t.api, () =>
        post('/consultations', { ...consultation, requestedRole: 'care-manager' }),
      );
      expectProblem(response, 422, 'CONSULTATION_ADDRESSEE_NOT_ON_TEAM');
    });

    it('422 OCCURRED_IN_FUTURE: a case review dated tomorrow', async () => {
      expectProblem(
        await withoutWrites(t.api, () => post('/case-reviews', { ...review, occurredAt: minutesFromNow(24 * 60) })),
        422,
        'OCCURRED_IN_FUTURE',
      );
    });

    it('403 without patient data: only the role asked answers', async () => {
      const { id } = (await askPrescriber().expect(201)).body;
      expectForbidden(
        await withoutWrites(t.api, () => post(`/consultations/${id}/answer`, { answer: 'I will answer myself.' })),
        t.p,
      );
    });

    it('403 without patient data: the patient does not share provider notes', async () => {
      expectForbidden(
        await withoutWrites(t.api, () => post('/collaboration-notes', { body: 'Hello.' }, t.p.patient.auth)),
        t.p,
      );
    });

    it('403 without patient data: a prescriber outside the care team', async () => {
      const outsider = await testUser(t.api, 'prescriber');
      expectForbidden(
        await withoutWrites(t.api, () =>
          post('/consultations', { ...consultation, requestedRole: 'therapist' }, outsider.auth),
        ),
        t.p,
      );
    });
  });
});
