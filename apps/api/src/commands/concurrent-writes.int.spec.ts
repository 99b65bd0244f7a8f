import type { Response } from 'supertest';
import { useTestApi } from '../testing/harness';
import { startTestApiBeside, type TestApi } from '../testing/test-api';

/**
 * Many clients writing to one patient at once, on PostgreSQL
 * (docs/architecture.md, "Write side").
 */
describe('concurrent writes to one stream', () => {
  const t = useTestApi();
  const carePlan = () => `careplan-${t.p.patientId}`;

  /** Sets a goal through one API process, with an Idempotency-Key when given. */
  const setGoal = (api: TestApi, description: string, idempotencyKey?: string) => {
    const post = api.http.post(`/patients/${t.p.patientId}/goals`).set('Authorization', t.p.therapist.auth);
    return (idempotencyKey === undefined ? post : post.set('Idempotency-Key', idempotencyKey)).send({ description });
  };

  /** Every one of `count` requests, sent at once through `via(i)`, must be created, each at a version of its own. */
  const expectEveryWriteAccepted = async (count: number, via: (i: number) => TestApi) => {
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => setGoal(via(i), `Goal ${i}.`)));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
    expect(new Set(answers.map((answer) => Number(answer.body.version))).size).toBe(count);
  };

  /** 50 requests with one key, sent at once through `via(i)`: one write, every answer the first one. */
  const expectOneAnswerPerKey = async (key: string, via: (i: number) => TestApi) => {
    const before = await t.api.store.streamVersion(carePlan());
    const answers: Response[] = await Promise.all(
      Array.from({ length: 50 }, (_, i) => setGoal(via(i), 'Sleep before midnight.', key)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect(await t.api.store.streamVersion(carePlan())).toBe(before + 1);
  };

  it('accepts every write without If-Match that is still valid on the newer state', async () => {
    await expectEveryWriteAccepted(32, () => t.api);
  });

  it('answers every request with one Idempotency-Key with the first answer, writing once', async () => {
    await expectOneAnswerPerKey('one-goal-many-tries', () => t.api);
  });

  it('refuses an Idempotency-Key sent again with another body', async () => {
    expect((await setGoal(t.api, 'Walk daily.', 'key-for-one-request')).status).toBe(201);
    const reused = await setGoal(t.api, 'Run daily.', 'key-for-one-request');
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await setGoal(t.api, 'Walk daily.', 'key-for-one-request')).status).toBe(201);
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
      await expectEveryWriteAccepted(32, via);
    });

    it('answers every request with one Idempotency-Key with the first answer, whichever process got it', async () => {
      await expectOneAnswerPerKey('one-goal-two-processes', via);
    });
  });
});
