import {
  daysAgo,
  enrolTestPatient,
  expectForbidden,
  expectInvalid,
  expectProblem,
  lastEvent,
  minutesFromNow,
  prescribeTestMedication,
  testUser,
  withoutWrites,
  type TestPatient,
} from '../../testing/care-setup';
import { useTestApi } from '../../testing/harness';

describe('side-effect endpoints', () => {
  const t = useTestApi({ enrol: false });
  let p: TestPatient;
  let medicationId: string;
  /** Reported by the patient, not yet reviewed or resolved. */
  let sideEffectId: string;

  beforeAll(async () => {
    p = await enrolTestPatient(t.api);
    medicationId = await prescribeTestMedication(t.api, p, daysAgo(14));
    sideEffectId = (await report({ symptom: 'Headache', severity: 'mild' }).expect(201)).body.id;
  });

  const post = (path: string, body: unknown, auth = p.patient.auth) =>
    t.api.http
      .post(`/patients/${p.patientId}${path}`)
      .set('Authorization', auth)
      .send(body as object);
  const report = (body: object, auth = p.patient.auth) => post('/side-effects', body, auth);

  const nausea = { symptom: 'Nausea', severity: 'moderate', fibser: { frequency: 3, intensity: 2, burden: 2 } };

  describe('refuse a malformed body with 400, naming the field and the rule, and write nothing', () => {
    it.each<[string, string, unknown, string, string]>([
      ['no symptom', '/side-effects', { ...nausea, symptom: undefined }, 'symptom', 'isDefined'],
      ['an empty symptom', '/side-effects', { ...nausea, symptom: '' }, 'symptom', 'isLength'],
      ['a 501-character symptom', '/side-effects', { ...nausea, symptom: 'x'.repeat(501) }, 'symptom', 'isLength'],
      ['a blank symptom', '/side-effects', { ...nausea, symptom: '   ' }, 'symptom', 'notBlank'],
      [
        'a symptom with an unpaired surrogate',
        '/side-effects',
        { ...nausea, symptom: 'Rash \uDC00' },
        'symptom',
        'wellFormedText',
      ],
      ['an unknown severity', '/side-effects', { ...nausea, severity: 'extreme' }, 'severity', 'isIn'],
      [
        'FIBSER frequency 7',
        '/side-effects',
        { ...nausea, fibser: { ...nausea.fibser, frequency: 7 } },
        'fibser.frequency',
        'max',
      ],
      [
        'FIBSER intensity -1',
        '/side-effects',
        { ...nausea, fibser: { ...nausea.fibser, intensity: -1 } },
        'fibser.intensity',
        'min',
      ],
      [
        'FIBSER burden 2.5',
        '/side-effects',
        { ...nausea, fibser: { ...nausea.fibser, burden: 2.5 } },
        'fibser.burden',
        'isInt',
      ],
      [
        'FIBSER burden as a string',
        '/side-effects',
        { ...nausea, fibser: { ...nausea.fibser, burden: '5' } },
        'fibser.burden',
        'isInt',
      ],
      [
        'FIBSER without burden',
        '/side-effects',
        { ...nausea, fibser: { frequency: 1, intensity: 1 } },
        'fibser.burden',
        'isDefined',
      ],
      ['FIBSER as a word', '/side-effects', { ...nausea, fibser: 'high' }, 'fibser', 'isObject'],
      [
        'an unknown FIBSER item',
        '/side-effects',
        { ...nausea, fibser: { ...nausea.fibser, global: 3 } },
        'fibser.global',
        'whitelist',
      ],
      [
        'a suspected medication id with spaces',
        '/side-effects',
        { ...nausea, suspectedMedicationId: 'the pills' },
        'suspectedMedicationId',
        'matches',
      ],
      ['a client-set urgent flag', '/side-effects', { ...nausea, urgent: false }, 'urgent', 'whitelist'],
      ['a client-chosen id', '/side-effects', { ...nausea, sideEffectId: 'se-1' }, 'sideEffectId', 'whitelist'],
      [
        'an onset without offset',
        '/side-effects',
        { ...nausea, occurredAt: '2026-03-01T08:00:00' },
        'occurredAt',
        'matches',
      ],
      ['a review with an unknown action', '/side-effects/se-1/reviews', { action: 'ignore' }, 'action', 'isIn'],
      [
        'a review with a 4001-character note',
        '/side-effects/se-1/reviews',
        { action: 'monitor', note: 'x'.repeat(4001) },
        'note',
        'isLength',
      ],
      [
        'a review dated by the client',
        '/side-effects/se-1/reviews',
        { action: 'monitor', occurredAt: '2026-03-01T08:00:00Z' },
        'occurredAt',
        'whitelist',
      ],
      ['a resolution with an empty note', '/side-effects/se-1/resolution', { note: '' }, 'note', 'isLength'],
      [
        'a resolution on 29 February 2026',
        '/side-effects/se-1/resolution',
        { occurredAt: '2026-02-29T10:00:00Z' },
        'occurredAt',
        'isIso8601',
      ],
      [
        'a side-effect id in the path that is not an id',
        '/side-effects/not%20an%20id/resolution',
        {},
        'sideEffectId',
        'matches',
      ],
    ])('%s', async (_, path, body, field, rule) => {
      expectInvalid(await withoutWrites(t.api, () => post(path, body)), field, rule);
    });
  });

  describe('writes', () => {
    it.each<[string, object, boolean]>([
      ['severe', { symptom: 'Rash', severity: 'severe' }, true],
      [
        'FIBSER burden 5',
        { symptom: 'Insomnia', severity: 'mild', fibser: { frequency: 4, intensity: 3, burden: 5 } },
        true,
      ],
      [
        'FIBSER burden 4',
        { symptom: 'Insomnia', severity: 'moderate', fibser: { frequency: 4, intensity: 3, burden: 4 } },
        false,
      ],
      ['no FIBSER, mild', { symptom: 'Dry mouth', severity: 'mild' }, false],
    ])('reports a side effect that is %s with urgent = %s', async (_, body, urgent) => {
      const response = await report({ ...body, suspectedMedicationId: medicationId }).expect(201);
      expect(response.body.streamId).toBe(`sideeffect-${p.patientId}-${response.body.id}`);
      expect(await lastEvent(t.api, response.body.streamId)).toMatchObject({
        type: 'SideEffectReported',
        data: { urgent, suspectedMedicationId: medicationId, reportedBy: { userId: p.patientId, role: 'patient' } },
      });
    });

    it('is reviewed by the prescriber, resolved by the patient, and not resolved twice', async () => {
      const { id } = (await report(nausea).expect(201)).body;
      const reviewed = await post(
        `/side-effects/${id}/reviews`,
        { action: 'dose-adjusted', note: 'Halved.' },
        p.prescriber.auth,
      ).expect(201);
      expect(await lastEvent(t.api, reviewed.body.streamId)).toMatchObject({
        type: 'SideEffectReviewed',
        data: { action: 'dose-adjusted', reviewedBy: { userId: p.prescriber.userId } },
      });
      await post(`/side-effects/${id}/resolution`, { note: 'Gone.' }).expect(201);
      expectProblem(
        await withoutWrites(t.api, () => post(`/side-effects/${id}/resolution`, {})),
        409,
        'SIDE_EFFECT_ALREADY_RESOLVED',
      );
    });
  });

  describe('domain refusals', () => {
    it('404 SIDE_EFFECT_NOT_FOUND: reviewing a report that does not exist', async () => {
      const response = await withoutWrites(t.api, () =>
        post('/side-effects/no-such-report/reviews', { action: 'monitor' }, p.prescriber.auth),
      );
      expectProblem(response, 404, 'SIDE_EFFECT_NOT_FOUND');
    });

    it('404 MEDICATION_NOT_FOUND: suspecting a medication the patient was never prescribed', async () => {
      expectProblem(
        await withoutWrites(t.api, () => report({ ...nausea, suspectedMedicationId: 'no-such-med' })),
        404,
        'MEDICATION_NOT_FOUND',
      );
    });

    it('422 OCCURRED_IN_FUTURE: an onset tomorrow', async () => {
      expectProblem(
        await withoutWrites(t.api, () => report({ ...nausea, occurredAt: minutesFromNow(24 * 60) })),
        422,
        'OCCURRED_IN_FUTURE',
      );
    });

    it('403 without patient data: a therapist does not review side effects', async () => {
      expectForbidden(
        await withoutWrites(t.api, () =>
          post(`/side-effects/${sideEffectId}/reviews`, { action: 'monitor' }, p.therapist.auth),
        ),
        p,
      );
    });

    it('403 without patient data: a prescriber outside the care team', async () => {
      const outsider = await testUser(t.api, 'prescriber');
      expectForbidden(
        await withoutWrites(t.api, () =>
          post(`/side-effects/${sideEffectId}/reviews`, { action: 'monitor' }, outsider.auth),
        ),
        p,
      );
    });

    it('403 without patient data: another patient', async () => {
      const other = await testUser(t.api, 'patient');
      expectForbidden(await withoutWrites(t.api, () => report(nausea, other.auth)), p);
    });
  });
});
