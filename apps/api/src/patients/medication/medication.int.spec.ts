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

describe('medication endpoints', () => {
  const t = useTestApi({ enrol: false });
  let p: TestPatient;
  /** Prescribed 30 days ago, still active. */
  let medicationId: string;

  const sertraline = {
    drug: { name: 'Sertraline', rxNormCode: '36437' },
    strength: { value: 50, unit: 'mg' },
    schedule: { timesPerDay: 1, daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], times: ['08:00'] },
    startsAt: '2026-03-01T00:00:00Z',
  };
  const adjustment = { strength: { value: 100, unit: 'mg' }, schedule: sertraline.schedule, effectiveFrom: daysAgo(1) };

  beforeAll(async () => {
    p = await enrolTestPatient(t.api);
    medicationId = (await prescribe(p, { startsAt: daysAgo(30) }).expect(201)).body.id;
  });

  const post = (patient: TestPatient, path: string, body: unknown, auth = patient.prescriber.auth) =>
    t.api.http
      .post(`/patients/${patient.patientId}${path}`)
      .set('Authorization', auth)
      .send(body as object);
  const prescribe = (patient: TestPatient, overrides: object = {}, auth = patient.prescriber.auth) =>
    post(patient, '/medications', { ...sertraline, ...overrides }, auth);
  const withSchedule = (schedule: object) => ({ ...sertraline, schedule: { ...sertraline.schedule, ...schedule } });

  describe('refuse a malformed body with 400, naming the field and the rule, and write nothing', () => {
    it.each<[string, string, unknown, string, string]>([
      ['no drug', '/medications', { ...sertraline, drug: undefined }, 'drug', 'isDefined'],
      ['an empty drug name', '/medications', { ...sertraline, drug: { name: '' } }, 'drug.name', 'isLength'],
      [
        'a 201-character drug name',
        '/medications',
        { ...sertraline, drug: { name: 'x'.repeat(201) } },
        'drug.name',
        'isLength',
      ],
      [
        'a drug name with a NUL character',
        '/medications',
        { ...sertraline, drug: { name: 'Sertra\u0000line' } },
        'drug.name',
        'wellFormedText',
      ],
      [
        'an RxNorm code with letters',
        '/medications',
        { ...sertraline, drug: { name: 'Sertraline', rxNormCode: 'RX36437' } },
        'drug.rxNormCode',
        'matches',
      ],
      [
        'an unknown field inside drug',
        '/medications',
        { ...sertraline, drug: { name: 'Sertraline', form: 'tablet' } },
        'drug.form',
        'whitelist',
      ],
      [
        'a zero dose',
        '/medications',
        { ...sertraline, strength: { value: 0, unit: 'mg' } },
        'strength.value',
        'isPositive',
      ],
      [
        'a negative dose',
        '/medications',
        { ...sertraline, strength: { value: -50, unit: 'mg' } },
        'strength.value',
        'isPositive',
      ],
      [
        'a dose beyond any plausible strength',
        '/medications',
        { ...sertraline, strength: { value: 5e6, unit: 'mg' } },
        'strength.value',
        'max',
      ],
      [
        'a dose as a string',
        '/medications',
        { ...sertraline, strength: { value: '50', unit: 'mg' } },
        'strength.value',
        'isNumber',
      ],
      [
        'a unit that is a sentence',
        '/medications',
        { ...sertraline, strength: { value: 50, unit: 'milligrams per kilogram of body weight' } },
        'strength.unit',
        'matches',
      ],
      ['no schedule', '/medications', { ...sertraline, schedule: undefined }, 'schedule', 'isDefined'],
      ['zero doses a day', '/medications', withSchedule({ timesPerDay: 0, times: [] }), 'schedule.timesPerDay', 'min'],
      [
        '25 doses a day',
        '/medications',
        withSchedule({ timesPerDay: 25, times: undefined }),
        'schedule.timesPerDay',
        'max',
      ],
      [
        '1.5 doses a day',
        '/medications',
        withSchedule({ timesPerDay: 1.5, times: undefined }),
        'schedule.timesPerDay',
        'isInt',
      ],
      ['no day of the week', '/medications', withSchedule({ daysOfWeek: [] }), 'schedule.daysOfWeek', 'arrayMinSize'],
      [
        'eight days a week',
        '/medications',
        withSchedule({ daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'mon'] }),
        'schedule.daysOfWeek',
        'arrayMaxSize',
      ],
      [
        'Monday twice',
        '/medications',
        withSchedule({ daysOfWeek: ['mon', 'mon'] }),
        'schedule.daysOfWeek',
        'arrayUnique',
      ],
      ['a day spelled out', '/medications', withSchedule({ daysOfWeek: ['monday'] }), 'schedule.daysOfWeek', 'isIn'],
      ['a time of 8am', '/medications', withSchedule({ times: ['8am'] }), 'schedule.times', 'matches'],
      ['a time of 24:00', '/medications', withSchedule({ times: ['24:00'] }), 'schedule.times', 'matches'],
      [
        'two times for one daily dose',
        '/medications',
        withSchedule({ times: ['08:00', '20:00'] }),
        'schedule.times',
        'matchesTimesPerDay',
      ],
      [
        'an unknown field inside schedule',
        '/medications',
        withSchedule({ withFood: true }),
        'schedule.withFood',
        'whitelist',
      ],
      [
        'a start on 30 February',
        '/medications',
        { ...sertraline, startsAt: '2026-02-30T00:00:00Z' },
        'startsAt',
        'isIso8601',
      ],
      [
        'a start that is a calendar date',
        '/medications',
        { ...sertraline, startsAt: '2026-03-01' },
        'startsAt',
        'matches',
      ],
      [
        '2001-character instructions',
        '/medications',
        { ...sertraline, instructions: 'x'.repeat(2001) },
        'instructions',
        'isLength',
      ],
      [
        'a client-chosen medication id',
        '/medications',
        { ...sertraline, medicationId: 'med-1' },
        'medicationId',
        'whitelist',
      ],
      [
        'a client-set prescriber',
        '/medications',
        { ...sertraline, prescriberId: 'someone' },
        'prescriberId',
        'whitelist',
      ],
      [
        'an adjustment without effective date',
        '/medications/med-1/adjustments',
        { ...adjustment, effectiveFrom: undefined },
        'effectiveFrom',
        'isDefined',
      ],
      [
        'an adjustment to a negative dose',
        '/medications/med-1/adjustments',
        { ...adjustment, strength: { value: -1, unit: 'mg' } },
        'strength.value',
        'isPositive',
      ],
      [
        'an adjustment without schedule',
        '/medications/med-1/adjustments',
        { ...adjustment, schedule: undefined },
        'schedule',
        'isDefined',
      ],
      [
        'an unknown discontinuation reason',
        '/medications/med-1/discontinuation',
        { reason: 'bored' },
        'reason',
        'isIn',
      ],
      [
        'a stop time without offset',
        '/medications/med-1/discontinuation',
        { reason: 'other', stoppedAt: '2026-03-01T08:00:00' },
        'stoppedAt',
        'matches',
      ],
      [
        'a medication id in the path that is not an id',
        '/medications/not%20an%20id/discontinuation',
        { reason: 'other' },
        'medicationId',
        'matches',
      ],
    ])('%s', async (_, path, body, field, rule) => {
      expectInvalid(await withoutWrites(t.api, () => post(p, path, body)), field, rule);
    });
  });

  describe('writes', () => {
    it('prescribes with a server-made id, adjusts the dose, discontinues, and then refuses to adjust', async () => {
      const patient = await enrolTestPatient(t.api);
      const prescribed = await prescribe(patient, {
        drug: { name: 'Bupropion' },
        strength: { value: 150, unit: 'mg' },
        schedule: { timesPerDay: 2, daysOfWeek: ['sun', 'mon'] },
        startsAt: daysAgo(10),
      }).expect(201);
      const { id } = prescribed.body;
      const created = await lastEvent(t.api, prescribed.body.streamId);
      expect(created).toMatchObject({
        type: 'MedicationPrescribed',
        data: {
          medicationId: id,
          drug: { name: 'Bupropion', rxNormCode: null },
          schedule: { timesPerDay: 2, daysOfWeek: ['mon', 'sun'], times: null },
          prescriberId: patient.prescriber.userId,
        },
      });

      await post(patient, `/medications/${id}/adjustments`, { ...adjustment, reason: 'Partial response.' }).expect(201);
      expect(await lastEvent(t.api, prescribed.body.streamId)).toMatchObject({
        type: 'DoseAdjusted',
        data: { supersedes: created.eventId, strength: { value: 100, unit: 'mg' } },
      });

      await post(patient, `/medications/${id}/discontinuation`, {
        reason: 'side-effects',
        reasonDetail: 'Insomnia.',
      }).expect(201);
      expect(await lastEvent(t.api, prescribed.body.streamId)).toMatchObject({
        type: 'MedicationDiscontinued',
        data: { reason: 'side-effects' },
      });
      const response = await withoutWrites(t.api, () => post(patient, `/medications/${id}/adjustments`, adjustment));
      expectProblem(response, 409, 'MEDICATION_ALREADY_DISCONTINUED');
    });

    it('a back-dated adjustment while a later one is pending: the prescriber keeps or cancels it, explicitly', async () => {
      const patient = await enrolTestPatient(t.api);
      const { id } = (await prescribe(patient, { startsAt: daysAgo(10) }).expect(201)).body;
      // A titration from 5 days ahead, then a cut back-dated to 3 days ago, recorded now.
      const titration = {
        ...adjustment,
        strength: { value: 100, unit: 'mg' },
        effectiveFrom: minutesFromNow(5 * 24 * 60),
      };
      const titrated = (await post(patient, `/medications/${id}/adjustments`, titration).expect(201)).body;
      const cut = { ...adjustment, strength: { value: 25, unit: 'mg' }, effectiveFrom: daysAgo(3) };
      const undecided = await withoutWrites(t.api, () => post(patient, `/medications/${id}/adjustments`, cut));
      expectProblem(undecided, 409, 'PENDING_ADJUSTMENTS_DECISION_REQUIRED');
      const kept = (
        await post(patient, `/medications/${id}/adjustments`, { ...cut, pendingAdjustments: 'keep' }).expect(201)
      ).body;

      const planAt = async (position: number) =>
        (
          await t.api.http
            .get(`/patients/${patient.patientId}/plan?minPosition=${position}`)
            .set('Authorization', patient.prescriber.auth)
            .expect(200)
        ).body.data.medications[0];
      // Now: the cut (25 mg) applies; the titration (100 mg in 5 days) is next and names its event id.
      expect(await planAt(kept.position)).toMatchObject({
        strength: { value: 25 },
        nextAdjustment: { adjustmentId: titrated.eventIds[0], strength: { value: 100 } },
      });

      const cancellation = `/medications/${id}/adjustments/${titrated.eventIds[0]}/cancellation`;
      const cancelled = (await post(patient, cancellation, { reason: 'Tolerating 25 mg.' }).expect(201)).body;
      expect(await lastEvent(t.api, cancelled.streamId)).toMatchObject({
        type: 'DoseAdjustmentCancelled',
        data: { medicationId: id, adjustmentId: titrated.eventIds[0], prescriberId: patient.prescriber.userId },
      });
      expect(await planAt(cancelled.position)).toMatchObject({ strength: { value: 25 }, nextAdjustment: null });
      expectProblem(await withoutWrites(t.api, () => post(patient, cancellation, {})), 409, 'ADJUSTMENT_NOT_PENDING');
      expectProblem(
        await withoutWrites(t.api, () =>
          post(patient, `/medications/${id}/adjustments/no-such-adjustment/cancellation`, {}),
        ),
        404,
        'ADJUSTMENT_NOT_FOUND',
      );
      // Only the team's prescriber cancels.
      expectForbidden(
        await withoutWrites(t.api, () => post(patient, cancellation, {}, patient.therapist.auth)),
        patient,
      );
    });

    it('answers a retried prescription with the same id and writes it once', async () => {
      const send = () =>
        t.api.http
          .post(`/patients/${p.patientId}/medications`)
          .set('Authorization', p.prescriber.auth)
          .set('Idempotency-Key', 'rx-42')
          .send(sertraline);
      const first = await send().expect(201);
      const retry = await withoutWrites(t.api, () => send());
      expect(retry.status).toBe(201);
      expect(retry.body.id).toBe(first.body.id);
    });
  });

  describe('domain refusals', () => {
    it('403 without patient data: a therapist on the team does not prescribe', async () => {
      expectForbidden(await withoutWrites(t.api, () => prescribe(p, {}, p.therapist.auth)), p);
    });

    it('403 names the rule, and says the same for a patient on no team of the caller and one who does not exist', async () => {
      const rule = "Only a prescriber on this patient's care team may prescribe medication.";
      const asTherapist = await prescribe(p, {}, p.therapist.auth);
      expect(asTherapist.body.detail).toBe(`You are not permitted to do this for this patient. ${rule}`);
      const outsider = await testUser(t.api, 'prescriber');
      const outside = await prescribe(p, {}, outsider.auth);
      const unknown = await post({ ...p, patientId: 'no-such-patient' }, '/medications', sertraline, outsider.auth);
      expectForbidden(outside, p);
      expect(unknown.body.detail).toBe(outside.body.detail);
      expect(outside.body.detail).toContain(rule);
    });

    it('403 without patient data: a prescriber outside the care team', async () => {
      const outsider = await testUser(t.api, 'prescriber');
      expectForbidden(
        await withoutWrites(t.api, () =>
          post(p, `/medications/${medicationId}/discontinuation`, { reason: 'other' }, outsider.auth),
        ),
        p,
      );
    });

    it('403 without patient data: the patient does not stop their own medication', async () => {
      expectForbidden(
        await withoutWrites(t.api, () =>
          post(p, `/medications/${medicationId}/discontinuation`, { reason: 'patient-choice' }, p.patient.auth),
        ),
        p,
      );
    });

    it('404 MEDICATION_NOT_FOUND: adjusting a medication never prescribed', async () => {
      expectProblem(
        await withoutWrites(t.api, () => post(p, '/medications/no-such-med/adjustments', adjustment)),
        404,
        'MEDICATION_NOT_FOUND',
      );
    });

    it('422 DATE_BEFORE_MEDICATION_START: an adjustment takes effect after the start', async () => {
      const response = await withoutWrites(t.api, () =>
        post(p, `/medications/${medicationId}/adjustments`, { ...adjustment, effectiveFrom: daysAgo(60) }),
      );
      expectProblem(response, 422, 'DATE_BEFORE_MEDICATION_START');
    });

    it('422 OCCURRED_IN_FUTURE: a prescription is not dated ahead', async () => {
      expectProblem(
        await withoutWrites(t.api, () => prescribe(p, { occurredAt: minutesFromNow(24 * 60) })),
        422,
        'OCCURRED_IN_FUTURE',
      );
    });

    it('422 THERAPY_ONLY_TRACK_HAS_NO_MEDICATION', async () => {
      const patient = await enrolTestPatient(t.api, { track: 'therapy-only' });
      expectProblem(await withoutWrites(t.api, () => prescribe(patient)), 422, 'THERAPY_ONLY_TRACK_HAS_NO_MEDICATION');
    });
  });
});
