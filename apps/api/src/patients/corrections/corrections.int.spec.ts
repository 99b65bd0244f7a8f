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

describe('correction endpoints', () => {
  const t = useTestApi({ enrol: false });
  let p: TestPatient;
  /** A PHQ-9 the patient recorded: its event id and stream. */
  let outcome: { eventId: string; stream: string };
  /** The enrolment event on the care-plan stream. */
  let enrolment: { eventId: string; stream: string };

  const phq9 = { instrument: 'PHQ-9', items: [1, 1, 1, 1, 1, 1, 1, 1, 1], total: 9 };

  const recordOutcome = async (patient: TestPatient): Promise<{ eventId: string; stream: string }> => {
    const response = await t.api.http
      .post(`/patients/${patient.patientId}/outcomes`)
      .set('Authorization', patient.patient.auth)
      .send(phq9)
      .expect(201);
    return { eventId: response.body.eventIds[0], stream: response.body.streamId };
  };

  beforeAll(async () => {
    p = await enrolTestPatient(t.api);
    outcome = await recordOutcome(p);
    const stream = `careplan-${p.patientId}`;
    const enrolled = (await t.api.store.readStream(stream)).find((e) => e.type === 'PatientEnrolled')!;
    enrolment = { eventId: enrolled.eventId, stream };
  });

  const post = (path: string, body: unknown, auth = p.patient.auth) =>
    t.api.http
      .post(`/patients/${p.patientId}${path}`)
      .set('Authorization', auth)
      .send(body as object);
  const correct = (target: { eventId: string; stream: string }, body: object, auth?: string) =>
    post(`/entries/${target.eventId}/corrections`, { stream: target.stream, ...body }, auth);
  const markInError = (target: { eventId: string; stream: string }, body: object, auth?: string) =>
    post(`/entries/${target.eventId}/entered-in-error`, { stream: target.stream, ...body }, auth);

  const change = { field: 'items', value: [1, 1, 1, 1, 1, 1, 1, 1, 2] };
  const valid = { stream: 'outcomes-p-1-2026', changes: [change], reason: 'Tapped the wrong answer.' };

  describe('refuse a malformed body with 400, naming the field and the rule, and write nothing', () => {
    it.each<[string, string, unknown, string, string]>([
      ['no stream', 'corrections', { ...valid, stream: undefined }, 'stream', 'isDefined'],
      ['a stream of an unknown kind', 'corrections', { ...valid, stream: 'events-123' }, 'stream', 'matches'],
      [
        'a stream name of 300 characters',
        'corrections',
        { ...valid, stream: `doses-${'x'.repeat(294)}` },
        'stream',
        'maxLength',
      ],
      ['no changes', 'corrections', { ...valid, changes: undefined }, 'changes', 'isDefined'],
      ['an empty list of changes', 'corrections', { ...valid, changes: [] }, 'changes', 'arrayMinSize'],
      [
        '21 changes',
        'corrections',
        { ...valid, changes: Array.from({ length: 21 }, (_, i) => ({ field: `f${i}`, value: i })) },
        'changes',
        'arrayMaxSize',
      ],
      [
        'a field path with an empty segment',
        'corrections',
        { ...valid, changes: [{ field: 'strength..value', value: 1 }] },
        'changes.0.field',
        'matches',
      ],
      ['a change without field', 'corrections', { ...valid, changes: [{ value: 1 }] }, 'changes.0.field', 'isDefined'],
      [
        'a change without value',
        'corrections',
        { ...valid, changes: [{ field: 'total' }] },
        'changes.0.value',
        'isDefined',
      ],
      [
        'a value of 5000 characters',
        'corrections',
        { ...valid, changes: [{ field: 'symptom', value: 'x'.repeat(5000) }] },
        'changes.0.value',
        'boundedJson',
      ],
      [
        'a value holding a NUL character deep inside',
        'corrections',
        { ...valid, changes: [{ field: 'note', value: { a: ['\u0000'] } }] },
        'changes.0.value',
        'wellFormedText',
      ],
      ['a reason with a bell character', 'corrections', { ...valid, reason: 'Oops\u0007' }, 'reason', 'wellFormedText'],
      ['the same field twice', 'corrections', { ...valid, changes: [change, change] }, 'changes', 'arrayUnique'],
      [
        'an unknown field inside a change',
        'corrections',
        { ...valid, changes: [{ ...change, op: 'replace' }] },
        'changes.0.op',
        'whitelist',
      ],
      ['a change that is a string', 'corrections', { ...valid, changes: ['items=2'] }, 'changes.0', 'nestedValidation'],
      ['no reason', 'corrections', { ...valid, reason: undefined }, 'reason', 'isDefined'],
      ['a 1001-character reason', 'corrections', { ...valid, reason: 'x'.repeat(1001) }, 'reason', 'isLength'],
      ['a client-set event type', 'corrections', { ...valid, eventType: 'OutcomeMeasured' }, 'eventType', 'whitelist'],
      [
        'a date without offset',
        'corrections',
        { ...valid, occurredAt: '2026-03-01T08:00:00' },
        'occurredAt',
        'matches',
      ],
      [
        'a void without the stream id',
        'entered-in-error',
        { stream: 'careplan', reason: 'Wrong patient.' },
        'stream',
        'matches',
      ],
      [
        'a void with an empty reason',
        'entered-in-error',
        { stream: 'outcomes-p-1-2026', reason: '' },
        'reason',
        'isLength',
      ],
      [
        'a void with changes',
        'entered-in-error',
        { stream: 'outcomes-p-1-2026', reason: 'Wrong.', changes: [change] },
        'changes',
        'whitelist',
      ],
    ])('%s', async (_, action, body, field, rule) => {
      expectInvalid(await withoutWrites(t.api, () => post(`/entries/${outcome.eventId}/${action}`, body)), field, rule);
    });

    it('an event id in the path that is not an id', async () => {
      expectInvalid(
        await withoutWrites(t.api, () => post('/entries/not%20an%20id/corrections', valid)),
        'eventId',
        'matches',
      );
    });
  });

  describe('writes', () => {
    it('the patient amends their own questionnaire: appended to its stream, naming it', async () => {
      const value = { answers: [1, 2], note: { why: 'misread' } };
      const response = await correct(outcome, {
        changes: [
          { field: 'items', value },
          { field: 'note', value: null },
        ],
        reason: 'Misread question 9.',
      }).expect(201);
      expect(response.body.streamId).toBe(outcome.stream);
      expect(await lastEvent(t.api, outcome.stream)).toMatchObject({
        type: 'EntryCorrected',
        data: {
          eventId: outcome.eventId,
          eventType: 'OutcomeMeasured',
          changes: [
            { field: 'items', value },
            { field: 'note', value: null },
          ],
        },
      });
    });

    it('a therapist amends the enrolment', async () => {
      await correct(
        enrolment,
        { changes: [{ field: 'name.family', value: 'King' }], reason: 'Married name.' },
        p.therapist.auth,
      ).expect(201);
      expect(await lastEvent(t.api, enrolment.stream)).toMatchObject({
        type: 'EntryCorrected',
        data: { eventType: 'PatientEnrolled' },
      });
    });

    it('marks an entry entered in error, once', async () => {
      const target = await recordOutcome(p);
      await markInError(target, { reason: 'Filled in by a relative.' }).expect(201);
      expect(await lastEvent(t.api, target.stream)).toMatchObject({
        type: 'EntryEnteredInError',
        data: { eventId: target.eventId },
      });
      expectProblem(
        await withoutWrites(t.api, () => markInError(target, { reason: 'Again.' })),
        409,
        'ENTRY_ALREADY_ENTERED_IN_ERROR',
      );
    });
  });

  describe('domain refusals', () => {
    it('404 CORRECTION_TARGET_NOT_FOUND: an event id not in the named stream', async () => {
      const response = await withoutWrites(t.api, () =>
        correct({ eventId: enrolment.eventId, stream: outcome.stream }, { changes: [change], reason: 'x' }),
      );
      expectProblem(response, 404, 'CORRECTION_TARGET_NOT_FOUND');
    });

    it("404 CORRECTION_TARGET_NOT_FOUND: another patient's stream, refused before it is read", async () => {
      const other = await enrolTestPatient(t.api);
      const theirs = await recordOutcome(other);
      expectProblem(
        await withoutWrites(t.api, () => correct(theirs, { changes: [change], reason: 'x' }, p.therapist.auth)),
        404,
        'CORRECTION_TARGET_NOT_FOUND',
      );
    });

    it('422 CORRECTION_TARGET_NOT_CORRECTABLE: a correction is not corrected; amend the original', async () => {
      const first = await correct(outcome, { changes: [{ field: 'total', value: 10 }], reason: 'Sum.' }).expect(201);
      const response = await withoutWrites(t.api, () =>
        correct(
          { eventId: first.body.eventIds[0], stream: outcome.stream },
          { changes: [{ field: 'reason', value: 'x' }], reason: 'x' },
        ),
      );
      expectProblem(response, 422, 'CORRECTION_TARGET_NOT_CORRECTABLE');
    });

    it("422 INVALID_VALUE: an entry's identity is not amendable", async () => {
      const response = await withoutWrites(t.api, () =>
        correct(outcome, { changes: [{ field: 'patientId', value: 'someone-else' }], reason: 'x' }),
      );
      expectProblem(response, 422, 'INVALID_VALUE');
    });

    it('403 without patient data: the patient amends only what they record themselves', async () => {
      expectForbidden(
        await withoutWrites(t.api, () =>
          correct(enrolment, { changes: [{ field: 'name.family', value: 'X' }], reason: 'x' }),
        ),
        p,
      );
    });

    it('403 without patient data: another patient', async () => {
      const other = await testUser(t.api, 'patient');
      expectForbidden(await withoutWrites(t.api, () => markInError(outcome, { reason: 'x' }, other.auth)), p);
    });

    it('403 without patient data: a clinician outside the care team', async () => {
      const outsider = await testUser(t.api, 'therapist');
      expectForbidden(await withoutWrites(t.api, () => markInError(outcome, { reason: 'x' }, outsider.auth)), p);
    });
  });
});
