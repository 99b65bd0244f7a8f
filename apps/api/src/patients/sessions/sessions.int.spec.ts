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
import { eventCount } from '../../testing/test-api';

describe('session endpoints', () => {
  const t = useTestApi({ enrol: false });
  let p: TestPatient;
  /** A session scheduled a week ahead: not yet due. */
  let upcoming: string;

  beforeAll(async () => {
    p = await enrolTestPatient(t.api);
    upcoming = (await schedule(p, { scheduledFor: minutesFromNow(7 * 24 * 60) }).expect(201)).body.id;
  });

  const post = (patient: TestPatient, path: string, body: unknown, auth = patient.therapist.auth) =>
    t.api.http
      .post(`/patients/${patient.patientId}${path}`)
      .set('Authorization', auth)
      .send(body as object);
  const schedule = (patient: TestPatient, overrides: object = {}, auth = patient.therapist.auth) =>
    post(
      patient,
      '/sessions',
      { kind: 'psychotherapy', scheduledFor: minutesFromNow(2), durationMinutes: 50, ...overrides },
      auth,
    );

  const valid = { kind: 'psychotherapy', scheduledFor: '2027-03-01T15:00:00Z', durationMinutes: 50 };

  describe('refuse a malformed body with 400, naming the field and the rule, and write nothing', () => {
    it.each<[string, string, unknown, string, string]>([
      ['an unknown kind', '/sessions', { ...valid, kind: 'group' }, 'kind', 'isIn'],
      ['no start', '/sessions', { ...valid, scheduledFor: undefined }, 'scheduledFor', 'isDefined'],
      [
        'an impossible start (30 November 31)',
        '/sessions',
        { ...valid, scheduledFor: '2026-11-31T15:00:00Z' },
        'scheduledFor',
        'isIso8601',
      ],
      [
        'a start without offset',
        '/sessions',
        { ...valid, scheduledFor: '2027-03-01T15:00:00' },
        'scheduledFor',
        'matches',
      ],
      [
        'a start as an ISO ordinal date',
        '/sessions',
        { ...valid, scheduledFor: '2027-060T15:00:00Z' },
        'scheduledFor',
        'matches',
      ],
      [
        'a start as epoch milliseconds',
        '/sessions',
        { ...valid, scheduledFor: 1_803_913_200_000 },
        'scheduledFor',
        'isIso8601',
      ],
      ['a 4-minute session', '/sessions', { ...valid, durationMinutes: 4 }, 'durationMinutes', 'min'],
      ['a 481-minute session', '/sessions', { ...valid, durationMinutes: 481 }, 'durationMinutes', 'max'],
      ['a duration as a string', '/sessions', { ...valid, durationMinutes: '50' }, 'durationMinutes', 'isInt'],
      ['a fractional duration', '/sessions', { ...valid, durationMinutes: 50.5 }, 'durationMinutes', 'isInt'],
      ['a clinician id with spaces', '/sessions', { ...valid, clinicianId: 'Dr Who' }, 'clinicianId', 'matches'],
      ['a client-chosen session id', '/sessions', { ...valid, sessionId: 's-1' }, 'sessionId', 'whitelist'],
      ['an unknown field', '/sessions', { ...valid, room: '4B' }, 'room', 'whitelist'],
      [
        'an attendance time without offset',
        '/sessions/s-1/attendance',
        { occurredAt: '2026-03-01T15:00' },
        'occurredAt',
        'matches',
      ],
      ['an attendance with an unknown field', '/sessions/s-1/attendance', { attended: true }, 'attended', 'whitelist'],
      ['a 1001-character no-show reason', '/sessions/s-1/no-show', { reason: 'x'.repeat(1001) }, 'reason', 'isLength'],
      [
        'a cancellation by a therapist (not a party)',
        '/sessions/s-1/cancellation',
        { cancelledBy: 'therapist', reason: 'Ill.' },
        'cancelledBy',
        'isIn',
      ],
      ['a cancellation without reason', '/sessions/s-1/cancellation', { cancelledBy: 'clinic' }, 'reason', 'isDefined'],
      [
        'a cancellation with an empty reason',
        '/sessions/s-1/cancellation',
        { cancelledBy: 'clinic', reason: '' },
        'reason',
        'isLength',
      ],
      [
        'a cancellation with a blank reason',
        '/sessions/s-1/cancellation',
        { cancelledBy: 'clinic', reason: '\t' },
        'reason',
        'notBlank',
      ],
      [
        'a reason with an unpaired surrogate',
        '/sessions/s-1/cancellation',
        { cancelledBy: 'clinic', reason: 'ill \uD800' },
        'reason',
        'wellFormedText',
      ],
      [
        'a reschedule to 31 June',
        '/sessions/s-1/reschedulings',
        { scheduledFor: '2027-06-31T15:00:00Z' },
        'scheduledFor',
        'isIso8601',
      ],
      [
        'a reschedule without a new time',
        '/sessions/s-1/reschedulings',
        { reason: 'Clash.' },
        'scheduledFor',
        'isDefined',
      ],
      ['a session id in the path that is not an id', '/sessions/not%20an%20id/attendance', {}, 'sessionId', 'matches'],
    ])('%s', async (_, path, body, field, rule) => {
      expectInvalid(await withoutWrites(t.api, () => post(p, path, body)), field, rule);
    });
  });

  describe('writes', () => {
    it('schedules a session with a server-made id and records the attendance', async () => {
      const scheduled = await schedule(p).expect(201);
      const { id } = scheduled.body;
      expect(scheduled.body.streamId).toBe(`session-${p.patientId}-${id}`);
      expect(await lastEvent(t.api, scheduled.body.streamId)).toMatchObject({
        type: 'SessionScheduled',
        data: { sessionId: id, kind: 'psychotherapy', durationMinutes: 50, clinicianId: p.therapist.userId },
      });
      await post(p, `/sessions/${id}/attendance`, {}).expect(201);
      expect(await lastEvent(t.api, scheduled.body.streamId)).toMatchObject({
        type: 'SessionAttended',
        data: { kind: 'psychotherapy' },
      });
      expectProblem(
        await withoutWrites(t.api, () => post(p, `/sessions/${id}/no-show`, {})),
        409,
        'SESSION_ALREADY_CLOSED',
      );
    });

    it('names the same session on a retry with the same Idempotency-Key', async () => {
      // A retry repeats the request exactly: the key with another body is refused (docs/architecture.md).
      const body = { kind: 'medication-management', scheduledFor: minutesFromNow(60), durationMinutes: 20 };
      const send = () =>
        t.api.http
          .post(`/patients/${p.patientId}/sessions`)
          .set('Authorization', p.prescriber.auth)
          .set('Idempotency-Key', 'schedule-med-review')
          .send(body);
      const first = await send().expect(201);
      const before = await eventCount(t.api.store);
      const retry = await send().expect(201);
      expect(retry.body.id).toBe(first.body.id);
      expect(await eventCount(t.api.store)).toBe(before);
    });

    it('records a no-show, a reschedule and a cancellation', async () => {
      const missed = (await schedule(p).expect(201)).body.id;
      await post(p, `/sessions/${missed}/no-show`, { reason: 'Did not answer.' }).expect(201);
      const moved = (await schedule(p, { scheduledFor: minutesFromNow(24 * 60) }).expect(201)).body.id;
      const rescheduled = await post(p, `/sessions/${moved}/reschedulings`, {
        scheduledFor: minutesFromNow(48 * 60),
        reason: 'Clash.',
      }).expect(201);
      expect(await lastEvent(t.api, rescheduled.body.streamId)).toMatchObject({
        type: 'SessionRescheduled',
        data: { reason: 'Clash.' },
      });
      await post(p, `/sessions/${moved}/cancellation`, { cancelledBy: 'patient', reason: 'Travelling.' }).expect(201);
    });
  });

  describe('domain refusals', () => {
    it('404 SESSION_NOT_FOUND: attendance of a session never scheduled', async () => {
      expectProblem(
        await withoutWrites(t.api, () => post(p, '/sessions/no-such-session/attendance', {})),
        404,
        'SESSION_NOT_FOUND',
      );
    });

    it('422 SESSION_IN_PAST: sessions are scheduled ahead', async () => {
      expectProblem(
        await withoutWrites(t.api, () => schedule(p, { scheduledFor: minutesFromNow(-60) })),
        422,
        'SESSION_IN_PAST',
      );
    });

    it('422 SESSION_NOT_YET_DUE: not attended before its time', async () => {
      expectProblem(
        await withoutWrites(t.api, () => post(p, `/sessions/${upcoming}/attendance`, {})),
        422,
        'SESSION_NOT_YET_DUE',
      );
    });

    it('422 INVALID_VALUE: the clinician holding the session is on the care team', async () => {
      expectProblem(
        await withoutWrites(t.api, () => schedule(p, { clinicianId: 'somebody-else' })),
        422,
        'INVALID_VALUE',
      );
    });

    it('422 MEDICATION_ONLY_TRACK_HAS_NO_THERAPY: no psychotherapy after the switch', async () => {
      const patient = await enrolTestPatient(t.api, { track: 'medication-only' });
      expectProblem(await withoutWrites(t.api, () => schedule(patient)), 422, 'MEDICATION_ONLY_TRACK_HAS_NO_THERAPY');
    });

    it('403 without patient data: the patient does not schedule', async () => {
      expectForbidden(await withoutWrites(t.api, () => schedule(p, {}, p.patient.auth)), p);
    });

    it('403 without patient data: a therapist outside the care team', async () => {
      const outsider = await testUser(t.api, 'therapist');
      expectForbidden(
        await withoutWrites(t.api, () =>
          post(p, `/sessions/${upcoming}/cancellation`, { cancelledBy: 'clinic', reason: 'x' }, outsider.auth),
        ),
        p,
      );
    });
  });
});
