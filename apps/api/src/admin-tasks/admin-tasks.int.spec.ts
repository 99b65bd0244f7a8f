import type { Response } from 'supertest';
import { withAdminClient } from '@caretrail/event-store/testing';
import { testUser } from '../testing/care-setup';
import { startTestApi, type TestApi } from '../testing/test-api';

type Line = { progress?: string; done?: boolean; result?: Record<string, unknown>; problem?: Record<string, unknown> };

/** The NDJSON answer of a task, line by line. */
function lines(response: Response): Line[] {
  return (response.body as string)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line);
}

describe('the command line tasks, inside the server (/admin)', () => {
  let api: TestApi;
  let admin: string;
  let adminId: string;
  const UNTIL = '2026-11-28T18:00:00.000Z';

  beforeAll(async () => {
    process.env['ANALYTICS_PSEUDONYM_KEY'] = 'a pseudonym key for the admin task tests';
    api = await startTestApi('postgres');
    ({ auth: admin, userId: adminId } = await testUser(api, 'admin'));
  });
  afterAll(async () => {
    delete process.env['ANALYTICS_PSEUDONYM_KEY'];
    await api?.close();
  });

  const task = (path: string, body: unknown) =>
    api.http
      .post(path)
      .set('Authorization', admin)
      .send(body as object)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done(null, text));
      });

  it('seeds in this process, with its progress as NDJSON, sealing personal data as the API does', async () => {
    const response = await task('/admin/seed', { patients: 3, days: 20, seed: 'inside', until: UNTIL });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const answer = lines(response);
    expect(answer.at(-2)).toEqual({ progress: expect.stringMatching(/^seed: \d+ events appended in/), done: true });
    const result = answer.at(-1)!.result!;
    expect(result).toMatchObject({ patients: 3, days: 20, seed: 'inside', refused: {}, until: UNTIL });
    expect((await api.store.status()).headPosition).toBeGreaterThanOrEqual(result['events'] as number);
    const enrolled = await withAdminClient((client) =>
      client.query(`SELECT data FROM "${api.sql.schema}".events WHERE event_type = 'PatientEnrolled' LIMIT 1`),
    );
    expect(enrolled.rows[0].data.name.given).toEqual({ $enc: expect.stringMatching(/^v1:s:/) });

    // The same seed again: refused in the answer, which had already begun.
    const again = lines(await task('/admin/seed', { patients: 3, days: 20, seed: 'inside', until: UNTIL }));
    expect(again.at(-1)).toEqual({
      problem: expect.objectContaining({ status: 409, code: 'ALREADY_SEEDED' }),
    });
  });

  it('answers the time travel, the report and the replay of the command line', async () => {
    const seeded = lines(await task('/admin/seed', { patients: 2, days: 10, seed: 'travel', until: UNTIL }));
    const patientId = seeded.at(-1)!.result!['firstPatientId'] as string;

    const asOf = await api.http
      .get(`/admin/patients/${patientId}/as-of?as-of=${new Date().toISOString()}&view=plan,outcomes`)
      .set('Authorization', admin)
      .expect(200);
    expect(asOf.body).toMatchObject({ patientId, asOfBasis: 'recorded', plan: { patientId }, outcomes: {} });
    expect(asOf.body.events).toBeGreaterThan(0);
    expect(asOf.body).not.toHaveProperty('adherence');

    const report = lines(
      await task('/admin/reports/effectiveness', { from: '2026-01-01', to: '2026-12-31', format: 'json' }),
    );
    const rendered = report.at(-1)!.result!;
    expect(JSON.parse(rendered['text'] as string)).toMatchObject({ title: 'Treatment effectiveness' });
    expect(rendered['patients']).toBeGreaterThan(0);

    const replayed = lines(
      await task('/admin/replays', { to: new Date().toISOString(), into: 'inside', models: ['adherence'] }),
    );
    expect(replayed.at(-1)!.result).toMatchObject({
      status: 'complete',
      tables: [expect.stringContaining('replay_inside_adherence')],
    });
  });

  it('records each task in the access log before answering', async () => {
    await task('/admin/seed', { patients: 1, days: 5, seed: 'logged', until: UNTIL });
    const log = await api.http
      .get(`/audit?user=${adminId}&order=desc&limit=50`)
      .set('Authorization', admin)
      .expect(200);
    const routes = (log.body.items as Array<{ route: string; category: string; action: string }>).map((r) => [
      r.route,
      r.category,
      r.action,
    ]);
    expect(routes).toEqual(
      expect.arrayContaining([
        ['/admin/seed', 'sample data', 'create'],
        ['/admin/replays', 'read models', 'control'],
        ['/admin/reports/effectiveness', 'analytics', 'export'],
        ['/admin/patients/:patientId/as-of', 'history', 'query'],
      ]),
    );
  });

  it('is for admins only, and refuses bad options before it begins', async () => {
    const therapist = (await testUser(api, 'therapist')).auth;
    expect((await api.http.post('/admin/seed').set('Authorization', therapist).send({})).status).toBe(403);
    expect(
      (await api.http.get('/admin/patients/p-1/as-of?as-of=2026-01-01T00:00:00Z').set('Authorization', therapist))
        .status,
    ).toBe(403);
    const bad = await api.http.post('/admin/seed').set('Authorization', admin).send({ patients: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      code: 'INVALID_TASK_OPTIONS',
      detail: '--patients must be a whole number from 1 to 1,000,000 (got 0)',
    });
    const unknown = await api.http.post('/admin/replays').set('Authorization', admin).send({ into: 'x', drop: true });
    expect(unknown.status).toBe(400);
  });
});
