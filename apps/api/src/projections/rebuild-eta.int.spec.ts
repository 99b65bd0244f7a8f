import { appendArgs, patientHistory } from '@caretrail/integration/testing';
import { ProjectionHost, type ProjectionStatus } from '@caretrail/projections';
import { adherenceModel, type ReadModel } from '@caretrail/read-models';
import { testUser, type TestUser } from '../testing/care-setup';
import { until } from '../testing/parked-events';
import { startTestApi, type TestApi } from '../testing/test-api';

const PATIENTS = 60;

/**
 * The adherence model with a couple of milliseconds of work per event: a rebuild of the log here
 * then lasts seconds on any machine, past the second its holder needs to measure a rate.
 */
const slowAdherence: ReadModel<unknown> = {
  ...(adherenceModel as ReadModel<unknown>),
  keysOf: (e) => {
    const busyUntil = Date.now() + 2;
    while (Date.now() < busyUntil) {
      // working
    }
    return adherenceModel.keysOf(e);
  },
};

/*
 * `rebuild.etaSeconds` in GET /admin/projections (docs/read-models.md, "Parked events"): null while
 * no holder of the new generation has measured a rate, then the events left over that rate. The
 * API runs no read models; another host holds the shards and reports its rate in its leases.
 */
describe('GET /admin/projections during a rebuild: etaSeconds (postgres)', () => {
  let api: TestApi;
  let admin: TestUser;
  let projector: ProjectionHost | undefined;

  beforeAll(async () => {
    api = await startTestApi('postgres', { RUN_PROJECTIONS: 'false' });
    admin = await testUser(api, 'admin');
    for (let i = 0; i < PATIENTS; i++) {
      for (const event of patientHistory(`eta-${i}`)) await api.store.append(...appendArgs(event));
    }
  }, 120_000);
  afterAll(async () => {
    await projector?.stop();
    await api.close();
  });

  const adherence = async (): Promise<ProjectionStatus> => {
    const { body } = await api.http.get('/admin/projections').set('Authorization', admin.auth).expect(200);
    return (body as ProjectionStatus[]).find((m) => m.name === 'adherence')!;
  };

  it('is null until the rebuild’s holders have measured a rate, then the seconds left', async () => {
    await api.http.post('/admin/projections/adherence/rebuild').set('Authorization', admin.auth).expect(202);
    const requested = await adherence();
    expect(requested.rebuild).toMatchObject({ generation: 2, etaSeconds: null });

    projector = new ProjectionHost(api.store, api.sql, [slowAdherence], {
      batchSize: 20,
      reconcileMs: 200,
      leaseMs: 1500,
    });
    await projector.start();
    let running: ProjectionStatus | undefined;
    await until(
      async () => {
        running = await adherence();
        if (running.rebuild === null) throw new Error('the rebuild finished before it reported an ETA');
        return running.rebuild.etaSeconds !== null;
      },
      'the rebuild reports an ETA',
      60_000,
    );
    expect(running!.rebuild!.shards.every((s) => s.owner === projector!.member)).toBe(true);
    expect(running!.rebuild!.etaSeconds).toBeGreaterThan(0);
    expect(Number.isInteger(running!.rebuild!.etaSeconds)).toBe(true);
  });
});
