import { setTimeout as sleep } from 'node:timers/promises';
import { enrolTestPatient, expectForbidden, testUser, type TestPatient } from '../testing/care-setup';
import { useTestApi } from '../testing/harness';

const DAY = 86_400_000;
const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

describe('read models over HTTP', () => {
  const t = useTestApi({ enrol: false });
  let p: TestPatient;
  let medicationId: string;
  let lastPosition: number;

  beforeAll(async () => {
    p = await enrolTestPatient(t.api);
    const prescribed = await t.api.http
      .post(`/patients/${p.patientId}/medications`)
      .set('Authorization', p.prescriber.auth)
      .send({
        drug: { name: 'Sertraline' },
        strength: { value: 50, unit: 'mg' },
        schedule: { timesPerDay: 1, daysOfWeek: EVERY_DAY },
        startsAt: new Date(Date.now() - 3 * DAY).toISOString(),
      })
      .expect(201);
    medicationId = prescribed.body.id;
    const slot = new Date(Math.floor((Date.now() - DAY) / DAY) * DAY + 8 * 3_600_000).toISOString();
    const dose = await t.api.http
      .post(`/patients/${p.patientId}/doses/taken`)
      .set('Authorization', p.patient.auth)
      .send({ medicationId, scheduledFor: slot, occurredAt: slot })
      .expect(201);
    lastPosition = dose.body.position;
  });

  const get = (path: string, auth: string) => t.api.http.get(path).set('Authorization', auth);

  it('answers the plan with the position it reflects, once it has caught up with the write', async () => {
    const response = await get(`/patients/${p.patientId}/plan?minPosition=${lastPosition}`, p.therapist.auth).expect(
      200,
    );
    expect(response.body.position).toBeGreaterThanOrEqual(lastPosition);
    expect(JSON.stringify(response.body.data)).toContain('Sertraline');
  });

  it('answers adherence, collaboration and outcomes to the patient too', async () => {
    for (const view of ['adherence', 'collaboration', 'outcomes']) {
      const response = await get(`/patients/${p.patientId}/${view}?minPosition=${lastPosition}`, p.patient.auth);
      expect({ view, status: response.status }).toEqual({ view, status: 200 });
      expect(response.body.patientId).toBe(p.patientId);
    }
    const adherence = await get(`/patients/${p.patientId}/adherence`, p.patient.auth).expect(200);
    expect(JSON.stringify(adherence.body.data)).toContain(medicationId);
  });

  it('refuses readers outside the care team and other patients alike', async () => {
    const outsider = await testUser(t.api, 'therapist');
    const otherPatient = await testUser(t.api, 'patient');
    const admin = await testUser(t.api, 'admin');
    for (const caller of [outsider, otherPatient, admin]) {
      expectForbidden(await get(`/patients/${p.patientId}/plan`, caller.auth), p);
    }
    expectForbidden(await get(`/patients/no-such-patient/plan`, outsider.auth), p);
  });

  it('answers 503 with Retry-After when the read model cannot reach the requested position in time', async () => {
    const response = await get(
      `/patients/${p.patientId}/plan?minPosition=${lastPosition + 1_000_000}`,
      p.therapist.auth,
    ).expect(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body).toMatchObject({ code: 'READ_MODEL_BEHIND' });
  });

  it('refuses a malformed minPosition naming the field', async () => {
    const response = await get(`/patients/${p.patientId}/plan?minPosition=soon`, p.therapist.auth).expect(400);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'minPosition' })]));
  });

  it('lists a clinician’s caseload in the registry, and only theirs', async () => {
    const mine = await get(`/registry?minPosition=${lastPosition}`, p.therapist.auth).expect(200);
    expect(
      mine.body.items.map((i: { patientId: string }) => i.patientId).concat(mine.body.total === 0 ? [] : []),
    ).toEqual(expect.any(Array));
    const stranger = await testUser(t.api, 'therapist');
    const theirs = await get('/registry', stranger.auth).expect(200);
    expect(theirs.body).toMatchObject({ total: 0, items: [] });
    expect((await get('/registry', p.patient.auth)).status).toBe(403);
    expect((await get('/registry?limit=0', p.therapist.auth)).status).toBe(400);
  });

  describe('admin', () => {
    it('shows every read model’s status to admins only', async () => {
      const admin = await testUser(t.api, 'admin');
      const status = await get('/admin/projections', admin.auth).expect(200);
      expect(status.body.map((s: { name: string }) => s.name).sort()).toEqual([
        'adherence',
        'collaboration',
        'current-plan',
        'registry',
      ]);
      expect(status.body[0]).toEqual(
        expect.objectContaining({
          state: expect.any(String),
          checkpoint: expect.any(Object),
          lagEvents: expect.any(Number),
          headPosition: expect.any(Number),
          kind: 'read-model',
          shardCount: 16,
        }),
      );
      // One process holds every shard here; each shard shows its holder, checkpoint and lag.
      const shards = status.body[0].shards as Array<{ shard: number; owner: string | null; checkpoint: object }>;
      expect(shards.map((s) => s.shard)).toEqual([...Array(16).keys()]);
      expect(new Set(shards.map((s) => s.owner)).size).toBe(1);
      expect(shards[0]).toEqual(
        expect.objectContaining({
          owner: expect.any(String),
          checkpoint: expect.any(Object),
          lagEvents: expect.any(Number),
        }),
      );
      expect((await get('/admin/projections', p.therapist.auth)).status).toBe(403);
    });

    it('rebuilds a read model while queries keep answering from the old copy', async () => {
      const admin = await testUser(t.api, 'admin');
      const before = await get(`/patients/${p.patientId}/adherence`, p.patient.auth).expect(200);
      const started = await t.api.http
        .post('/admin/projections/adherence/rebuild')
        .set('Authorization', admin.auth)
        .expect(202);
      expect((await get(`/patients/${p.patientId}/adherence`, p.patient.auth)).status).toBe(200);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const [status] = (await get('/admin/projections', admin.auth)).body.filter(
          (s: { name: string }) => s.name === 'adherence',
        );
        if (status.generation === started.body.generation && status.rebuild === null) break;
        if (Date.now() > deadline) throw new Error(`rebuild did not finish: ${JSON.stringify(status)}`);
        await sleep(100);
      }
      const after = await get(`/patients/${p.patientId}/adherence`, p.patient.auth).expect(200);
      expect(after.body.data).toEqual(before.body.data);
    });

    it('pauses and resumes, and names unknown read models', async () => {
      const admin = await testUser(t.api, 'admin');
      await t.api.http.post('/admin/projections/collaboration/pause').set('Authorization', admin.auth).expect(202);
      const paused = (await get('/admin/projections', admin.auth)).body.find(
        (s: { name: string }) => s.name === 'collaboration',
      );
      expect(paused.state).toBe('paused');
      await t.api.http.post('/admin/projections/collaboration/resume').set('Authorization', admin.auth).expect(202);
      const unknown = await t.api.http
        .post('/admin/projections/no-such-model/rebuild')
        .set('Authorization', admin.auth)
        .expect(404);
      expect(unknown.body).toMatchObject({ code: 'UNKNOWN_PROJECTION' });
      expect(
        (await t.api.http.post('/admin/projections/adherence/rebuild').set('Authorization', p.prescriber.auth)).status,
      ).toBe(403);
    });
  });
});
