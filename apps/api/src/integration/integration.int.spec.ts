import { allTopics } from '@caretrail/integration';
import { consume, testKafkaBrokers, uniqueTopicPrefix, until } from '@caretrail/integration/testing';
import { enrolTestPatient, testUser } from '../testing/care-setup';
import { startTestApi, type TestApi } from '../testing/test-api';

/** The embedded default: one process serves HTTP and relays the log to Kafka. */
describe('the API hosting the Kafka relay (embedded store)', () => {
  const brokers = testKafkaBrokers();
  const prefix = uniqueTopicPrefix('api');
  const saved = { ...process.env };
  let api: TestApi;

  beforeAll(async () => {
    Object.assign(process.env, {
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_RELAY: 'auto',
      KAFKA_LOG_LEVEL: 'nothing',
    });
    api = await startTestApi('pglite');
  });
  afterAll(async () => {
    await api?.close();
    process.env = saved;
  });

  it('publishes what a command wrote, without the patient’s name, and reports its lag to admins', async () => {
    const consumer = await consume(brokers, allTopics(prefix));
    try {
      const patient = await enrolTestPatient(api);
      const written = await api.store.readStream(`careplan-${patient.patientId}`);
      expect(written.length).toBeGreaterThanOrEqual(3);
      await until(
        () => consumer.messages.filter((m) => m.key === patient.patientId).length === written.length,
        'the care-plan events are on Kafka',
      );
      const plan = consumer.messages.filter((m) => m.key === patient.patientId);
      expect(plan.map((m) => [m.topic, m.headers['ce_id'], m.headers['ce_type']])).toEqual(
        written.map((e) => [`${prefix}.plan.v1`, e.eventId, `caretrail.${e.type}.v1`]),
      );
      expect(plan[0]!.headers['ce_type']).toBe('caretrail.PatientEnrolled.v1');
      expect(plan.some((m) => m.value.includes(patient.givenName))).toBe(false);

      const admin = await testUser(api, 'admin');
      const status = await api.http.get('/integration/relay').set('Authorization', admin.auth).expect(200);
      expect(status.body).toMatchObject({ name: 'kafka-relay', leader: true, lagEvents: 0, lastError: null });
      await api.http.get('/integration/relay').set('Authorization', patient.therapist.auth).expect(403);

      // The relay's shards beside the read models': the one embedded process holds all of them.
      const work = await api.http.get('/admin/projections').set('Authorization', admin.auth).expect(200);
      const relay = (work.body as Array<{ kind: string; name: string; shards: Array<{ owner: string | null }> }>).find(
        (w) => w.kind === 'relay',
      );
      expect(relay).toMatchObject({ name: 'kafka-relay', shardCount: 16 });
      expect(relay!.shards).toHaveLength(16);
      expect(new Set(relay!.shards.map((s) => s.owner)).size).toBe(1);
      expect(relay!.shards[0]!.owner).toEqual(expect.any(String));
    } finally {
      await consumer.stop();
    }
  });

  it('serves the AsyncAPI document of this installation’s topics without a token', async () => {
    const response = await api.http.get('/asyncapi.json').expect(200);
    expect(response.body.asyncapi).toBe('3.0.0');
    expect(Object.values(response.body.channels as Record<string, { address: string }>).map((c) => c.address)).toEqual(
      allTopics(prefix),
    );
    expect(response.body.components.messages.DoseTaken.payload).toEqual({
      $ref: '#/components/schemas/caretrail.DoseTaken.v1',
    });
  });
});
