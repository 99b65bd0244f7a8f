import {
  daysAgo,
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

/** 08:00 UTC, `days` days ago: a dose slot. */
const slot = (days: number): string => `${daysAgo(days).slice(0, 10)}T08:00:00Z`;
const plusMinutes = (instant: string, minutes: number): string =>
  new Date(Date.parse(instant) + minutes * 60_000).toISOString();

describe('dose endpoints', () => {
  const t = useTestApi({ enrol: false });
  let p: TestPatient;
  /** Daily at 08:00, started 20 days ago. */
  let medicationId: string;
  /** Started 20 days ago, stopped 5 days ago. */
  let stoppedId: string;

  const prescribe = async (patient: TestPatient, startsAt: string): Promise<string> =>
    (
      await t.api.http
        .post(`/patients/${patient.patientId}/medications`)
        .set('Authorization', patient.prescriber.auth)
        .send({
          drug: { name: 'Sertraline' },
          strength: { value: 50, unit: 'mg' },
          schedule: { timesPerDay: 1, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], times: ['08:00'] },
          startsAt,
        })
        .expect(201)
    ).body.id;

  beforeAll(async () => {
    p = await enrolTestPatient(t.api);
    medicationId = await prescribe(p, daysAgo(20));
    stoppedId = await prescribe(p, daysAgo(20));
    await t.api.http
      .post(`/patients/${p.patientId}/medications/${stoppedId}/discontinuation`)
      .set('Authorization', p.prescriber.auth)
      .send({ reason: 'ineffective', stoppedAt: daysAgo(5) })
      .expect(201);
  });

  const post = (path: string, body: unknown, auth = p.patient.auth) =>
    t.api.http
      .post(`/patients/${p.patientId}${path}`)
      .set('Authorization', auth)
      .send(body as object);
  const taken = (days: number, overrides: object = {}, auth?: string) =>
    post(
      '/doses/taken',
      { medicationId, scheduledFor: slot(days), occurredAt: plusMinutes(slot(days), 10), ...overrides },
      auth,
    );

  const valid = { medicationId: 'med-1', scheduledFor: '2026-03-01T08:00:00Z', occurredAt: '2026-03-01T08:05:00Z' };

  describe('refuse a malformed body with 400, naming the field and the rule, and write nothing', () => {
    it.each<[string, string, unknown, string, string]>([
      ['no medication', '/doses/taken', { ...valid, medicationId: undefined }, 'medicationId', 'isDefined'],
      [
        'a medication id with spaces',
        '/doses/taken',
        { ...valid, medicationId: 'my pills' },
        'medicationId',
        'matches',
      ],
      ['a medication id as a number', '/doses/taken', { ...valid, medicationId: 42 }, 'medicationId', 'isString'],
      ['no slot', '/doses/taken', { ...valid, scheduledFor: undefined }, 'scheduledFor', 'isDefined'],
      [
        'a slot on 30 February',
        '/doses/taken',
        { ...valid, scheduledFor: '2026-02-30T08:00:00Z' },
        'scheduledFor',
        'isIso8601',
      ],
      [
        'a slot without offset',
        '/doses/taken',
        { ...valid, scheduledFor: '2026-03-01T08:00:00' },
        'scheduledFor',
        'matches',
      ],
      [
        'a slot in epoch milliseconds',
        '/doses/taken',
        { ...valid, scheduledFor: 1_772_352_000_000 },
        'scheduledFor',
        'isIso8601',
      ],
      ['no time taken', '/doses/taken', { ...valid, occurredAt: undefined }, 'occurredAt', 'isDefined'],
      [
        'a time taken with a compact offset',
        '/doses/taken',
        { ...valid, occurredAt: '2026-03-01T08:05:00+0100' },
        'occurredAt',
        'matches',
      ],
      [
        'a time taken in the ISO basic format',
        '/doses/taken',
        { ...valid, occurredAt: '20260301T080500Z' },
        'occurredAt',
        'matches',
      ],
      [
        'a time taken at 25 o\u2019clock',
        '/doses/taken',
        { ...valid, occurredAt: '2026-03-01T25:05:00Z' },
        'occurredAt',
        'isIso8601',
      ],
      [
        'a client-set recorder',
        '/doses/taken',
        { ...valid, recordedBy: { userId: 'x', role: 'prescriber' } },
        'recordedBy',
        'whitelist',
      ],
      ['a patient id in the body', '/doses/taken', { ...valid, patientId: 'someone-else' }, 'patientId', 'whitelist'],
      ['a missed dose with an unknown reason', '/doses/missed', { ...valid, reason: 'lazy' }, 'reason', 'isIn'],
      [
        'a 1001-character reason detail',
        '/doses/missed',
        { ...valid, reason: 'other', reasonDetail: 'x'.repeat(1001) },
        'reasonDetail',
        'isLength',
      ],
      [
        'a reason detail with a NUL character',
        '/doses/missed',
        { ...valid, reason: 'other', reasonDetail: '\u0000' },
        'reasonDetail',
        'wellFormedText',
      ],
      [
        'a missed dose in month 13',
        '/doses/missed',
        { ...valid, occurredAt: '2026-13-01T08:00:00Z' },
        'occurredAt',
        'isIso8601',
      ],
      ['a missed dose without slot', '/doses/missed', { medicationId: 'med-1' }, 'scheduledFor', 'isDefined'],
      ['a missed dose with an unknown field', '/doses/missed', { ...valid, late: true }, 'late', 'whitelist'],
    ])('%s', async (_, path, body, field, rule) => {
      expectInvalid(await withoutWrites(t.api, () => post(path, body)), field, rule);
    });
  });

  describe('writes', () => {
    it('records a dose the patient took on time: one event in the month of its slot', async () => {
      const before = await eventCount(t.api.store);
      const response = await taken(1).expect(201);
      expect(await eventCount(t.api.store)).toBe(before + 1);
      expect(response.body.streamId).toBe(`doses-${p.patientId}-${slot(1).slice(0, 7)}`);
      expect(await lastEvent(t.api, response.body.streamId)).toMatchObject({
        type: 'DoseTaken',
        data: { medicationId, scheduledFor: slot(1), recordedBy: { userId: p.patientId, role: 'patient' } },
      });
    });

    it('records a missed dose, then the same dose taken late superseding it', async () => {
      const missed = await post('/doses/missed', { medicationId, scheduledFor: slot(2), reason: 'forgot' }).expect(201);
      const late = await taken(2, { occurredAt: plusMinutes(slot(2), 6 * 60) }).expect(201);
      expect(await lastEvent(t.api, late.body.streamId)).toMatchObject({
        type: 'DoseTakenLate',
        data: { supersedesMissed: missed.body.eventIds[0] },
      });
    });

    it('lets a clinician on the team record a dose', async () => {
      await taken(3, {}, p.therapist.auth).expect(201);
    });

    it('answers an offline retry with the same Idempotency-Key once', async () => {
      const send = () =>
        t.api.http
          .post(`/patients/${p.patientId}/doses/taken`)
          .set('Authorization', p.patient.auth)
          .set('Idempotency-Key', 'device-7:dose:4')
          .send({ medicationId, scheduledFor: slot(4), occurredAt: plusMinutes(slot(4), 3) });
      const first = await send().expect(201);
      const retry = await withoutWrites(t.api, () => send());
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body.eventIds).toEqual(first.body.eventIds);
    });
  });

  describe('domain refusals', () => {
    it('409 DOSE_ALREADY_RECORDED: one outcome per dose slot', async () => {
      await taken(6).expect(201);
      expectProblem(await withoutWrites(t.api, () => taken(6)), 409, 'DOSE_ALREADY_RECORDED');
    });

    it('404 MEDICATION_NOT_FOUND: a dose of a medication never prescribed', async () => {
      expectProblem(
        await withoutWrites(t.api, () => taken(1, { medicationId: 'no-such-med' })),
        404,
        'MEDICATION_NOT_FOUND',
      );
    });

    it('422 MEDICATION_NOT_ACTIVE: a dose before the prescription started', async () => {
      expectProblem(await withoutWrites(t.api, () => taken(25)), 422, 'MEDICATION_NOT_ACTIVE');
    });

    it('422 MEDICATION_NOT_ACTIVE: no dose after a medication was discontinued', async () => {
      expectProblem(
        await withoutWrites(t.api, () => taken(2, { medicationId: stoppedId })),
        422,
        'MEDICATION_NOT_ACTIVE',
      );
    });

    it('422 DOSE_NOT_YET_DUE: a dose is not missed before its time', async () => {
      const response = await withoutWrites(t.api, () =>
        post('/doses/missed', { medicationId, scheduledFor: minutesFromNow(24 * 60) }),
      );
      expectProblem(response, 422, 'DOSE_NOT_YET_DUE');
    });

    it('422 OCCURRED_IN_FUTURE: a device clock a day ahead', async () => {
      expectProblem(
        await withoutWrites(t.api, () => taken(7, { occurredAt: minutesFromNow(24 * 60) })),
        422,
        'OCCURRED_IN_FUTURE',
      );
    });

    it('403 without patient data: another patient', async () => {
      const other = await testUser(t.api, 'patient');
      expectForbidden(await withoutWrites(t.api, () => taken(8, {}, other.auth)), p);
    });

    it('403 without patient data: an admin writes no clinical events', async () => {
      const admin = await testUser(t.api, 'admin');
      expectForbidden(await withoutWrites(t.api, () => taken(8, {}, admin.auth)), p);
    });
  });
});
