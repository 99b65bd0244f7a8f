import { randomUUID } from 'node:crypto';
import { expectInvalid, expectProblem, testUser, type TestUser } from '../testing/care-setup';
import { parkADose, parkAnUnreadableOutcome, type ParkedDose } from '../testing/parked-events';
import { startTestApi, type TestApi } from '../testing/test-api';

const PARKED = '/admin/projections/adherence/parked';

describe.each(['postgres', 'pglite'] as const)('parked events over HTTP (%s)', (backend) => {
  let api: TestApi;
  let admin: TestUser;

  beforeAll(async () => {
    api = await startTestApi(backend, { PROJECTION_POISON_POLICY: 'park' });
    admin = await testUser(api, 'admin');
  });
  afterAll(() => api.close());

  const get = (path: string, auth = admin.auth) => api.http.get(path).set('Authorization', auth);
  const post = (path: string, body: object = {}, auth = admin.auth) =>
    api.http.post(path).set('Authorization', auth).send(body);

  const unreadableOutcome = () => parkAnUnreadableOutcome(api);

  async function accessRecords(route: string): Promise<Array<{ user_id: string; action: string; patient_id: string }>> {
    const { rows } = await api.sql.query<{ user_id: string; action: string; patient_id: string }>(
      `SELECT user_id, action, patient_id FROM "${api.sql.schema}".access_log WHERE route = $1 ORDER BY id`,
      [route],
    );
    return rows;
  }

  describe('a dose parked because its patient’s row is damaged', () => {
    let dose: ParkedDose;
    beforeAll(async () => {
      dose = await parkADose(api);
    });

    it('lists it with the event’s facts and the error, and counts it in the status', async () => {
      const { body } = await get(PARKED).expect(200);
      const entry = body.items.find((p: { eventId: string }) => p.eventId === dose.eventId);
      expect(entry).toEqual({
        eventId: dose.eventId,
        position: expect.any(Number),
        streamId: expect.stringContaining(dose.patient.patientId),
        patientId: dose.patient.patientId,
        type: 'DoseTaken',
        recordedAt: expect.any(String),
        error: expect.stringMatching(/^Cannot read properties of undefined/),
        parkedAt: expect.any(String),
        lastRetriedAt: null,
        state: 'parked',
        retryRequestedAt: null,
      });
      const status = await get('/admin/projections').expect(200);
      expect(status.body.find((m: { name: string }) => m.name === 'adherence').parkedCount).toBeGreaterThanOrEqual(1);
      expect(status.body.find((m: { name: string }) => m.name === 'registry')).toHaveProperty('parkedCount');
    });

    it('pages by position', async () => {
      const first = await get(`${PARKED}?limit=1`).expect(200);
      expect(first.body.items).toHaveLength(1);
      expect(first.body.nextAfter).toBe(first.body.items[0].position);
      const rest = await get(`${PARKED}?limit=200&after=${first.body.nextAfter}`).expect(200);
      expect(rest.body.items.every((p: { position: number }) => p.position > first.body.nextAfter)).toBe(true);
      expect(rest.body.nextAfter).toBeNull();
    });

    it('shows one with its event as the history shows it, personal data redacted, and audits the read', async () => {
      const { body } = await get(`${PARKED}/${dose.eventId}`).expect(200);
      expect(body).toMatchObject({ eventId: dose.eventId, state: 'parked', personalData: 'redacted' });
      expect(body.event).toMatchObject({
        eventId: dose.eventId,
        type: 'DoseTaken',
        actor: { userId: dose.patient.patientId, role: 'patient' },
        data: expect.objectContaining({ medicationId: dose.medicationId }),
      });
      expect(await accessRecords('/admin/projections/:name/parked/:eventId')).toContainEqual(
        expect.objectContaining({ user_id: admin.userId, action: 'query', patient_id: dose.patient.patientId }),
      );
    });

    it('retries it: the patient’s rows are re-derived from the log, the dose counts and leaves the list', async () => {
      const retried = await post(`${PARKED}/${dose.eventId}/retry`).expect(202);
      expect(retried.body).toEqual({
        retried: [dose.eventId],
        stillFailing: [],
        queued: [],
        withoutPatient: [],
        patientId: dose.patient.patientId,
      });
      await get(`${PARKED}/${dose.eventId}`).expect(404);
      const adherence = await get(`/patients/${dose.patient.patientId}/adherence`, dose.patient.therapist.auth).expect(
        200,
      );
      expect(JSON.stringify(adherence.body)).toContain(dose.medicationId);
      expect(adherence.body.data.medications[0].doses.allTime).toMatchObject({ taken: 1 });
      expect(await accessRecords('/admin/projections/:name/parked/:eventId/retry')).toContainEqual(
        expect.objectContaining({ user_id: admin.userId, action: 'control', patient_id: dose.patient.patientId }),
      );
    });

    it('answers 404 for an event that is not parked (any more)', async () => {
      expectProblem(await post(`${PARKED}/${dose.eventId}/retry`), 404, 'UNKNOWN_PARKED_EVENT');
      expectProblem(await post(`${PARKED}/${dose.eventId}/skip`, { reason: 'gone' }), 404, 'UNKNOWN_PARKED_EVENT');
    });
  });

  it('keeps an event that fails again, with the new error', async () => {
    const { eventId } = await unreadableOutcome();
    const retried = await post(`/admin/projections/registry/parked/${eventId}/retry`).expect(202);
    expect(retried.body).toMatchObject({
      retried: [],
      stillFailing: [{ eventId, error: expect.stringMatching(/iterable/) }],
    });
    const { body } = await get(`/admin/projections/registry/parked/${eventId}`).expect(200);
    expect(body).toMatchObject({ state: 'parked', error: expect.stringMatching(/iterable/) });
    expect(body.lastRetriedAt).not.toBeNull();
  });

  it('retries every parked event of a read model: those that apply leave, the others stay', async () => {
    const first = await parkADose(api);
    const second = await parkADose(api);
    const { body } = await post(`${PARKED}/retry`).expect(202);
    expect(body.retried).toEqual(expect.arrayContaining([first.eventId, second.eventId]));
    expect(body.stillFailing).toEqual([]);
    const after = await get(`${PARKED}?limit=200`).expect(200);
    expect(after.body.items.map((p: { eventId: string }) => p.eventId)).not.toEqual(
      expect.arrayContaining([first.eventId]),
    );

    const unreadable = await unreadableOutcome();
    const registry = await post('/admin/projections/registry/parked/retry').expect(202);
    expect(registry.body.stillFailing).toContainEqual({ eventId: unreadable.eventId, error: expect.any(String) });
  });

  it('skips an event with a reason: recorded, audited, listed as skipped, never retried', async () => {
    const { eventId, patientId } = await unreadableOutcome();
    const path = `/admin/projections/registry/parked/${eventId}`;
    const skipped = await post(`${path}/skip`, { reason: 'Imported with a malformed score; re-entered by hand.' });
    expect(skipped.status).toBe(200);
    expect(skipped.body).toMatchObject({
      eventId,
      state: 'skipped',
      skippedBy: admin.userId,
      skippedAt: expect.any(String),
      reason: 'Imported with a malformed score; re-entered by hand.',
    });
    const listed = await get('/admin/projections/registry/parked?limit=200').expect(200);
    expect(listed.body.items).toContainEqual(expect.objectContaining({ eventId, state: 'skipped' }));
    expect(await accessRecords('/admin/projections/:name/parked/:eventId/skip')).toContainEqual(
      expect.objectContaining({ user_id: admin.userId, action: 'control', patient_id: patientId }),
    );
    expectProblem(await post(`${path}/skip`, { reason: 'again' }), 409, 'PARKED_EVENT_SKIPPED');
    expectProblem(await post(`${path}/retry`), 409, 'PARKED_EVENT_SKIPPED');
    const all = await post('/admin/projections/registry/parked/retry').expect(202);
    expect([...all.body.retried, ...all.body.stillFailing.map((f: { eventId: string }) => f.eventId)]).not.toContain(
      eventId,
    );
  });

  it('answers 409 for an event parked without its patient (before they were recorded), and lists it apart', async () => {
    const eventId = randomUUID();
    const { rows } = await api.sql.query<{ active_generation: number }>(
      `SELECT active_generation FROM "${api.sql.schema}".projections WHERE name = 'registry'`,
    );
    // A row as migration 0010 leaves one parked before it when the log is not in this database.
    await api.sql.query(
      `INSERT INTO "${api.sql.schema}".parked_events (projection, generation, event_id, position, error)
       VALUES ('registry', $1, $2, 1, 'parked long ago')`,
      [rows[0]!.active_generation, eventId],
    );
    expectProblem(
      await post(`/admin/projections/registry/parked/${eventId}/retry`),
      409,
      'PARKED_EVENT_WITHOUT_PATIENT',
    );
    const all = await post('/admin/projections/registry/parked/retry').expect(202);
    expect(all.body.withoutPatient).toEqual([eventId]);
    expect(all.body.queued).toEqual([]);
    const { body } = await get(`/admin/projections/registry/parked/${eventId}`).expect(200);
    expect(body).toMatchObject({ state: 'parked', retryRequestedAt: null, lastRetriedAt: null });
  });

  it('refuses bad requests naming the field and the rule, and writes nothing', async () => {
    const eventId = randomUUID();
    const decisions = async () =>
      (
        await api.sql.query(
          `SELECT event_id, error, skipped_at, last_retried_at FROM "${api.sql.schema}".parked_events ORDER BY event_id`,
        )
      ).rows;
    const before = await decisions();
    expectProblem(await get('/admin/projections/nothing/parked'), 404, 'UNKNOWN_PROJECTION');
    expectProblem(
      await post(`/admin/projections/nothing/parked/${eventId}/skip`, { reason: 'x' }),
      404,
      'UNKNOWN_PROJECTION',
    );
    expectProblem(await post('/admin/projections/nothing/parked/retry'), 404, 'UNKNOWN_PROJECTION');
    expectProblem(await get(`${PARKED}/${eventId}`), 404, 'UNKNOWN_PARKED_EVENT');
    expectProblem(await post(`${PARKED}/${eventId}/retry`), 404, 'UNKNOWN_PARKED_EVENT');
    expectInvalid(await post(`${PARKED}/${eventId}/skip`, {}), 'reason', 'isDefined');
    expectInvalid(await post(`${PARKED}/${eventId}/skip`, { reason: '' }), 'reason', 'isLength');
    expectInvalid(await post(`${PARKED}/${eventId}/skip`, { reason: 'x'.repeat(501) }), 'reason', 'isLength');
    expectInvalid(await post(`${PARKED}/not-a-uuid/skip`, { reason: 'x' }), 'eventId', 'isUuid');
    expectInvalid(await get(`${PARKED}?limit=0`), 'limit', 'min');
    expectInvalid(await get(`${PARKED}?after=-1`), 'after', 'min');
    expectInvalid(await get(`/admin/projections/Bad!/parked`), 'name', 'matches');
    expect(await decisions()).toEqual(before);
  });

  it('is for admins only', async () => {
    const therapist = await testUser(api, 'therapist');
    expectProblem(await get(PARKED, therapist.auth), 403);
    expectProblem(await post(`${PARKED}/retry`, {}, therapist.auth), 403);
    expectProblem(await api.http.get(PARKED), 401);
  });
});
