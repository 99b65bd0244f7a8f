import type { ProjectionStatus } from '@caretrail/projections';
import { testUser, type TestUser } from '../testing/care-setup';
import { parkADose, parkAnUnreadableOutcome, until } from '../testing/parked-events';
import { startProjectorProcess, type ProjectorProcess } from '../testing/projector-process';
import { startTestApi, type TestApi } from '../testing/test-api';

const PARKED = '/admin/projections/adherence/parked';

/*
 * The production layout (docs/deployment.md): the API runs no read models (RUN_PROJECTIONS=false)
 * and a projector process holds every shard. A retry through the API is recorded as a request
 * that the projector carries out between its batches (docs/read-models.md, "Parked events").
 */
describe('parked-event retries across processes (postgres)', () => {
  let api: TestApi;
  let admin: TestUser;
  let projector: ProjectorProcess;
  const projectorEnv = (): NodeJS.ProcessEnv => ({
    DATABASE_URL: api.env['DATABASE_URL'],
    DATABASE_SCHEMA: api.env['DATABASE_SCHEMA'],
    PROJECTION_POISON_POLICY: 'park',
  });

  beforeAll(async () => {
    api = await startTestApi('postgres', {
      RUN_PROJECTIONS: 'false',
      PROJECTION_POISON_POLICY: 'park',
      // Long enough for a loaded machine; the queued case waits it out once.
      PARKED_RETRY_WAIT_MS: '8000',
    });
    admin = await testUser(api, 'admin');
    projector = await startProjectorProcess(projectorEnv());
  }, 120_000);
  afterAll(async () => {
    await projector.stop();
    await api.close();
  });

  const get = (path: string, auth = admin.auth) => api.http.get(path).set('Authorization', auth);
  const post = (path: string) => api.http.post(path).set('Authorization', admin.auth).send({});

  /** The requests recorded for an event: who asked, who carried it out, and what became of it. */
  const requestsFor = async (eventId: string) =>
    (
      await api.sql.query<{ requested_by: string; carried_out_by: string | null; outcome: string | null }>(
        `SELECT requested_by, carried_out_by, outcome FROM "${api.sql.schema}".parked_event_retries
         WHERE event_id = $1 ORDER BY id`,
        [eventId],
      )
    ).rows;

  const adherenceOf = async (dose: Awaited<ReturnType<typeof parkADose>>) =>
    (await get(`/patients/${dose.patient.patientId}/adherence`, dose.patient.therapist.auth).expect(200)).body;

  it('the projector holds every shard, and carries out a retry asked of the API: the dose applies', async () => {
    await until(async () => {
      const status = (await get('/admin/projections').expect(200)).body as ProjectionStatus[];
      return status.length > 0 && status.every((m) => m.shards.every((s) => s.owner === projector.member));
    }, 'the projector holds every shard');
    const dose = await parkADose(api);

    const { body } = await post(`${PARKED}/${dose.eventId}/retry`).expect(202);

    expect(body).toEqual({
      retried: [dose.eventId],
      stillFailing: [],
      queued: [],
      withoutPatient: [],
      patientId: dose.patient.patientId,
    });
    expect(await requestsFor(dose.eventId)).toEqual([
      { requested_by: admin.userId, carried_out_by: projector.member, outcome: 'applied' },
    ]);
    await get(`${PARKED}/${dose.eventId}`).expect(404);
    const adherence = await adherenceOf(dose);
    expect(adherence.data.medications[0].doses.allTime).toMatchObject({ taken: 1 });
  });

  it('answers an event that fails again in the projector as still failing, with the new error', async () => {
    const { eventId } = await parkAnUnreadableOutcome(api);

    const { body } = await post(`/admin/projections/registry/parked/${eventId}/retry`).expect(202);

    expect(body).toMatchObject({
      retried: [],
      stillFailing: [{ eventId, error: expect.stringMatching(/iterable/) }],
      queued: [],
    });
    expect(await requestsFor(eventId)).toEqual([
      { requested_by: admin.userId, carried_out_by: projector.member, outcome: 'still-failing' },
    ]);
    const parked = await get(`/admin/projections/registry/parked/${eventId}`).expect(200);
    expect(parked.body).toMatchObject({
      state: 'parked',
      retryRequestedAt: null,
      error: expect.stringMatching(/iterable/),
    });
    expect(parked.body.lastRetriedAt).not.toBeNull();
  });

  it('queues a retry while no process holds the shard, and the next projector carries it out', async () => {
    const dose = await parkADose(api);
    await projector.stop();

    const first = await post(`${PARKED}/${dose.eventId}/retry`).expect(202);
    expect(first.body).toMatchObject({ retried: [], stillFailing: [], queued: [dose.eventId] });
    const listed = await get(`${PARKED}?limit=200`).expect(200);
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ eventId: dose.eventId, state: 'parked', retryRequestedAt: expect.any(String) }),
    );
    // Asking again joins the pending request.
    await post(`${PARKED}/retry`).expect(202);
    expect(await requestsFor(dose.eventId)).toEqual([
      { requested_by: admin.userId, carried_out_by: null, outcome: null },
    ]);

    projector = await startProjectorProcess(projectorEnv());
    await until(
      async () => (await get(`${PARKED}/${dose.eventId}`)).status === 404,
      'the new projector carries out the queued retry',
      60_000,
    );
    expect(await requestsFor(dose.eventId)).toEqual([
      { requested_by: admin.userId, carried_out_by: projector.member, outcome: 'applied' },
    ]);
    const adherence = await adherenceOf(dose);
    expect(adherence.data.medications[0].doses.allTime).toMatchObject({ taken: 1 });
  });
});
