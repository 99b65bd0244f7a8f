import { expectProblem, testUser } from '../../testing/care-setup';
import { useTestApi } from '../../testing/harness';

describe('rate limits', () => {
  describe('per client address', () => {
    const t = useTestApi({
      enrol: false,
      env: { RATE_LIMIT: 'on', RATE_LIMIT_PER_ADDRESS: '5', RATE_LIMIT_PER_PRINCIPAL: '1000' },
    });

    it('answers requests without a token beyond the limit with 429 problem+json and Retry-After', async () => {
      const answers = [];
      for (let i = 0; i < 7; i++) answers.push(await t.api.http.get('/patients/p-1/plan'));
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
      expectProblem(answers[5]!, 429, 'TOO_MANY_REQUESTS');
      expect(Number(answers[5]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    });
  });

  describe('per client address, before routing and before the body is read', () => {
    const t = useTestApi({
      enrol: false,
      env: { RATE_LIMIT: 'on', RATE_LIMIT_PER_ADDRESS: '4', RATE_LIMIT_PER_PRINCIPAL: '1000' },
    });

    it('counts unknown paths and refused bodies too, and refuses whatever comes next', async () => {
      await t.api.http.get('/nowhere').expect(404);
      await t.api.http.get('/nowhere/else').expect(404);
      await t.api.http.post('/patients').set('Content-Type', 'text/plain').send('hello').expect(415);
      await t.api.http.post('/patients').set('Content-Type', 'application/json').send('{"a":1,"a":2}').expect(400);
      expectProblem(await t.api.http.get('/nowhere'), 429, 'TOO_MANY_REQUESTS');
      expectProblem(await t.api.http.get('/health'), 429, 'TOO_MANY_REQUESTS');
    });
  });

  describe('per authenticated user', () => {
    const t = useTestApi({
      enrol: false,
      env: { RATE_LIMIT: 'on', RATE_LIMIT_PER_ADDRESS: '1000', RATE_LIMIT_PER_PRINCIPAL: '3' },
    });

    it("counts one user's requests together and leaves other users alone", async () => {
      const busy = await testUser(t.api, 'admin');
      const other = await testUser(t.api, 'admin');
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await t.api.http.get('/admin/projections').set('Authorization', busy.auth)).status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      await t.api.http.get('/admin/projections').set('Authorization', other.auth).expect(200);
    });
  });

  describe('RATE_LIMIT=off', () => {
    const t = useTestApi({ enrol: false, env: { RATE_LIMIT: 'off', RATE_LIMIT_PER_ADDRESS: '1' } });

    it('limits nothing', async () => {
      for (let i = 0; i < 3; i++) await t.api.http.get('/health').expect(200);
    });
  });
});
