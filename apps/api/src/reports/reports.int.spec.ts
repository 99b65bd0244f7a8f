import { expectInvalid, expectProblem, testUser } from '../testing/care-setup';
import { startTestApi, type TestApi } from '../testing/test-api';

/** GET /reports/effectiveness (docs/analytics.md, "Over HTTP"), on the real PostgreSQL. */
describe('the effectiveness report for analysts', () => {
  let api: TestApi;
  let admin: string;
  let analyst: { userId: string; auth: string };
  let seededAt: string;

  beforeAll(async () => {
    process.env['ANALYTICS_PSEUDONYM_KEY'] = 'a pseudonym key for the report tests';
    api = await startTestApi('postgres');
    admin = (await testUser(api, 'admin')).auth;
    analyst = await testUser(api, 'analyst');
    seededAt = new Date(Date.now() - 1000).toISOString();
    await api.http
      .post('/admin/seed')
      .set('Authorization', admin)
      .send({ patients: 12, days: 120, seed: 'report', until: '2026-11-28T18:00:00.000Z' })
      .expect(200);
  });
  afterAll(async () => {
    delete process.env['ANALYTICS_PSEUDONYM_KEY'];
    await api?.close();
  });

  const report = (query: string, auth = analyst.auth) =>
    api.http.get(`/reports/effectiveness${query}`).set('Authorization', auth);

  it('answers the HTML report as a file, with its charts', async () => {
    const response = await report('?format=html').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['content-disposition']).toBe('attachment; filename="effectiveness.html"');
    expect(response.text).toContain('<svg');
  });

  it('answers the same bytes as the command line’s report for the same options, in every format', async () => {
    for (const format of ['md', 'json', 'csv']) {
      const mine = await report(`?format=${format}&from=2026-01-01&to=2026-12-31`).expect(200);
      const task = await api.http
        .post('/admin/reports/effectiveness')
        .set('Authorization', admin)
        .send({ from: '2026-01-01', to: '2026-12-31', format })
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => done(null, text));
        });
      const lines = (task.body as string).split('\n').filter((line) => line !== '');
      const result = (JSON.parse(lines.at(-1)!) as { result: { text: string } }).result;
      expect({ format, text: mine.text }).toEqual({ format, text: result.text });
    }
  });

  it('narrows to one dimension or one cohort, and to the log as it stood at asOf', async () => {
    const json = async (query: string) => JSON.parse((await report(`?format=json${query}`).expect(200)).text);
    const whole = await json('');
    expect(whole.patients).toBeGreaterThan(0);
    const tracks = await json('&cohort=track');
    expect(tracks.cohorts.length).toBeGreaterThan(0);
    expect(tracks.cohorts.every((c: { dimension: string }) => c.dimension === 'track')).toBe(true);
    const integrated = await json('&cohort=track:integrated');
    expect(integrated.cohorts.map((c: { value: string }) => c.value)).toEqual(['integrated']);
    const before = await json(`&asOf=${encodeURIComponent(seededAt)}`);
    expect(before.patients).toBe(0);
  });

  it('is for analysts only', async () => {
    for (const role of ['therapist', 'admin', 'patient'] as const) {
      expectProblem(await report('', (await testUser(api, role)).auth), 403, 'FORBIDDEN');
    }
    expect((await api.http.get('/reports/effectiveness')).status).toBe(401);
  });

  it('refuses bad options naming the field', async () => {
    expectInvalid(await report('?format=pdf'), 'format', 'isIn');
    expectInvalid(await report('?cohort=drug'), 'cohort', 'matches');
    expectInvalid(await report('?asOf=yesterday'), 'asOf', 'isIso8601');
    expectInvalid(await report('?minCohort=0'), 'minCohort', 'min');
    expectProblem(await report('?from=2026-06-30&to=2026-01-01'), 400, 'INVALID_TASK_OPTIONS');
  });

  it('records every report in the access log', async () => {
    await report('?format=csv').expect(200);
    const log = await api.http
      .get(`/audit?user=${analyst.userId}&order=desc&limit=50`)
      .set('Authorization', admin)
      .expect(200);
    expect(log.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ route: '/reports/effectiveness', category: 'analytics', action: 'export' }),
      ]),
    );
  });
});
