import { enrolTestPatient, testUser } from '../testing/care-setup';
import { startTestApi, type TestApi } from '../testing/test-api';

describe('GET /admin/integrity', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('postgres');
    await enrolTestPatient(api);
  });
  afterAll(() => api?.close());

  it('verifies the chains for an admin', async () => {
    const admin = await testUser(api, 'admin');
    const response = await api.http.get('/admin/integrity/verify').set('Authorization', admin.auth).expect(200);
    expect(response.body).toMatchObject({ ok: true, firstBreak: null });
    expect(response.body.eventsChecked).toBeGreaterThan(0);
    const anchor = await api.http.get('/admin/integrity/anchor?upTo=1').set('Authorization', admin.auth).expect(200);
    expect(anchor.body).toMatchObject({ position: 1, events: 1, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('is for admins only, and refuses a malformed position', async () => {
    const therapist = await testUser(api, 'therapist');
    expect((await api.http.get('/admin/integrity/verify').set('Authorization', therapist.auth)).status).toBe(403);
    const admin = await testUser(api, 'admin');
    expect((await api.http.get('/admin/integrity/anchor?upTo=minus').set('Authorization', admin.auth)).status).toBe(400);
  });
});
