import { useTestApi } from '../testing/harness';
import { startTestApiBeside, type TestApi } from '../testing/test-api';

/**
 * Many clients writing to one patient at once, on PostgreSQL
 * (docs/architecture.md, "Write side").
 */
describe('concurrent writes to one stream', () => {
  const t = useTestApi();
  const goals = () => `/patients/${t.p.patientId}/goals`;

  it('accepts every write without If-Match that is still valid on the newer state', async () => {
    const answers = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        t.api.http
          .post(goals())
          .set('Authorization', t.p.therapist.auth)
          .send({ description: `Goal ${i}.` }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
    const versions = answers.map((answer) => Number(answer.body.version));
    expect(new Set(versions).size).toBe(32);
  });

  it('answers every request with one Idempotency-Key with the first answer, writing once', async () => {
    const before = await t.api.store.streamVersion(`careplan-${t.p.patientId}`);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        t.api.http
          .post(goals())
          .set('Authorization', t.p.therapist.auth)
          .set('Idempotency-Key', 'one-goal-many-tries')
          .send({ description: 'Sleep before midnight.' }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect(await t.api.store.streamVersion(`careplan-${t.p.patientId}`)).toBe(before + 1);
  });

  it('refuses an Idempotency-Key sent again with another body', async () => {
    const send = (description: string) =>
      t.api.http
        .post(goals())
        .set('Authorization', t.p.therapist.auth)
        .set('Idempotency-Key', 'key-for-one-request')
        .send({ description });
    expect((await send('Walk daily.')).status).toBe(201);
    const reused = await send('Run daily.');
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ code: 'idempotency-key-reused' });
    expect((await send('Walk daily.')).status).toBe(201);
  });

  describe('from two API processes on one store', () => {
    let second: TestApi;
    beforeAll(async () => {
      second = await startTestApiBeside(t.api);
    });
    afterAll(() => second.close());
    /** Requests alternate between the two processes. */
    const via = (i: number): TestApi => (i % 2 === 0 ? t.api : second);

    it('accepts every write without If-Match: a race lost to the other process is decided again', async () => {
      const answers = await Promise.all(
        Array.from({ length: 32 }, (_, i) =>
          via(i)
            .http.post(goals())
            .set('Authorization', t.p.therapist.auth)
            .send({ description: `Shared goal ${i}.` }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
      expect(new Set(answers.map((answer) => Number(answer.body.version))).size).toBe(32);
    });

    it('answers every request with one Idempotency-Key with the first answer, whichever process got it', async () => {
      const before = await t.api.store.streamVersion(`careplan-${t.p.patientId}`);
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          via(i)
            .http.post(goals())
            .set('Authorization', t.p.therapist.auth)
            .set('Idempotency-Key', 'one-goal-two-processes')
            .send({ description: 'Call a friend weekly.' }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
      expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
      expect(await t.api.store.streamVersion(`careplan-${t.p.patientId}`)).toBe(before + 1);
    });
  });
});
