import { enrolTestPatient, expectForbidden, expectInvalid, testUser, type TestPatient } from '../testing/care-setup';
import { useTestApi } from '../testing/harness';

type Entry = { patientId: string; name: { given: string; family: string } | null; erased: boolean; flags: string[] };

/** The caseload by name (docs/read-models.md, "Caseload"), on the real store. */
describe('GET /patients and GET /patients/{id}', () => {
  const t = useTestApi({ enrol: false });
  let a: TestPatient;
  let b: TestPatient;

  const get = (path: string, auth: string) => t.api.http.get(path).set('Authorization', auth);

  beforeAll(async () => {
    a = await enrolTestPatient(t.api);
    b = await enrolTestPatient(t.api);
    // The same therapist on both teams: a caseload of two.
    await t.api.http
      .post(`/patients/${b.patientId}/care-team`)
      .set('Authorization', b.therapist.auth)
      .send({ userId: a.therapist.userId, role: 'therapist', chosenByPatient: true })
      .expect(201);
  });

  const caseload = async (query = '', auth = a.therapist.auth): Promise<{ total: number; items: Entry[] }> => {
    for (;;) {
      const response = await get(`/patients${query}`, auth).expect(200);
      if (response.body.total > 0 || query.includes('name=')) return response.body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('lists the patients on the caller’s care teams by name, with track and flags', async () => {
    const body = await caseload();
    const ids = body.items.map((item) => item.patientId);
    expect(ids).toEqual(expect.arrayContaining([a.patientId]));
    const entry = body.items.find((item) => item.patientId === a.patientId)!;
    expect(entry).toMatchObject({
      name: { given: a.givenName, family: 'Lovelace' },
      erased: false,
      track: 'integrated',
      flags: expect.any(Array),
    });
  });

  it('searches by name and pages', async () => {
    await caseload();
    const found = await caseload(`?name=${a.givenName.toUpperCase()}`);
    expect(found.items.map((item) => item.patientId)).toEqual([a.patientId]);
    const none = await caseload('?name=nobody-called-this');
    expect(none).toMatchObject({ total: 0, items: [] });
    const firstPage = await get('/patients?limit=1&offset=0', a.therapist.auth).expect(200);
    expect(firstPage.body.items).toHaveLength(1);
    expect(firstPage.body.limit).toBe(1);
  });

  it('never lists patients of other teams', async () => {
    const stranger = await testUser(t.api, 'therapist');
    const response = await get('/patients', stranger.auth).expect(200);
    expect(response.body).toMatchObject({ total: 0, items: [] });
    expect(JSON.stringify(response.body)).not.toContain(a.givenName);
  });

  it('refuses patients, admins and analysts the caseload, and a bad query naming the field', async () => {
    for (const role of ['admin', 'analyst'] as const) {
      expect((await get('/patients', (await testUser(t.api, role)).auth)).status).toBe(403);
    }
    expect((await get('/patients', a.patient.auth)).status).toBe(403);
    expectInvalid(await get('/patients?limit=0', a.therapist.auth), 'limit', 'min');
    expectInvalid(await get('/patients?name=', a.therapist.auth), 'name', 'minLength');
  });

  it('answers one patient with demographics and a summary, to their team and themselves', async () => {
    for (const auth of [a.therapist.auth, a.patient.auth]) {
      const response = await get(`/patients/${a.patientId}`, auth).expect(200);
      expect(response.body).toMatchObject({
        patientId: a.patientId,
        name: { given: a.givenName, family: 'Lovelace' },
        erased: false,
        summary: { carePlan: expect.objectContaining({ track: 'integrated' }), careTeam: expect.any(Array) },
      });
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });

  it('refuses one patient outside the caller’s teams exactly like an unknown one', async () => {
    const outsider = await testUser(t.api, 'therapist');
    expectForbidden(await get(`/patients/${a.patientId}`, outsider.auth), a);
    expectForbidden(await get('/patients/no-such-patient', outsider.auth), a);
  });

  it('audits every read, naming the patients a page showed', async () => {
    await caseload();
    await get(`/patients/${a.patientId}`, a.therapist.auth).expect(200);
    const admin = await testUser(t.api, 'admin');
    const audit = await get(`/audit?user=${a.therapist.userId}&limit=200`, admin.auth).expect(200);
    const records = JSON.stringify(audit.body);
    expect(records).toContain('personal data');
    expect(records).toContain(a.patientId);
  });

  it('shows an erased patient as erased, in the caseload and the patient view', async () => {
    const admin = await testUser(t.api, 'admin');
    await t.api.http
      .post(`/patients/${b.patientId}/erasure`)
      .set('Authorization', admin.auth)
      .send({ reason: 'GDPR Art. 17 request' })
      .expect(202);
    const body = await caseload();
    const erased = body.items.find((item) => item.patientId === b.patientId)!;
    expect(erased).toMatchObject({ name: null, erased: true });
    expect(JSON.stringify(body)).not.toContain(b.givenName);
    const one = await get(`/patients/${b.patientId}`, a.therapist.auth).expect(200);
    expect(one.body).toMatchObject({ name: null, contact: null, erased: true });
  });
});
