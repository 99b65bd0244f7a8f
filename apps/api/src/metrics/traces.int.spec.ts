import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { allTopics } from '@caretrail/integration';
import { consume, testKafkaBrokers, uniqueTopicPrefix, until } from '@caretrail/integration/testing';
import { spanContextOf, startTracing, type Tracing } from '@caretrail/observability';
import { lastEvent } from '../testing/care-setup';
import { useTestApi } from '../testing/harness';

/**
 * One traced command from the HTTP request to Kafka and the read models
 * (docs/deployment.md, Traces), with an in-memory exporter in this process:
 * the API hosts the relay (real broker) and runs the read models.
 */
describe('traces', () => {
  const exporter = new InMemorySpanExporter();
  const brokers = testKafkaBrokers();
  const prefix = uniqueTopicPrefix('traces');
  const saved = { ...process.env };
  let tracing: Tracing;
  beforeAll(() => {
    tracing = startTracing('api', { exporter, immediate: true })!;
    // The relay host reads its settings from the process's environment.
    Object.assign(process.env, {
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_RELAY: 'on',
      KAFKA_LOG_LEVEL: 'nothing',
    });
  });
  const t = useTestApi();
  afterAll(async () => {
    process.env = saved;
    await tracing.shutdown();
  });

  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  const named = (prefix: string) => spans().filter((span) => span.name.startsWith(prefix));

  it('carries one trace from the request through the command and the append to the event, Kafka and the projector', async () => {
    const consumer = await consume(brokers, allTopics(prefix));
    try {
      const clientTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
      const response = await t.api.http
        .post(`/patients/${t.p.patientId}/goals`)
        .set('Authorization', t.p.therapist.auth)
        .set('traceparent', `00-${clientTrace}-00f067aa0ba902b7-01`)
        .send({ description: `Walk daily with ${t.p.givenName}` })
        .expect(201);

      // HTTP → command → append, one trace, each the parent of the next.
      await until(() => named('POST /patients/:patientId/goals').length === 1, 'the request span ended');
      const http = named('POST /patients/:patientId/goals')[0]!;
      const command = named('command SetTreatmentGoal').find((s) => s.spanContext().traceId === clientTrace)!;
      const append = named('event-store append').find(
        (s) => s.parentSpanContext?.spanId === command.spanContext().spanId,
      )!;
      expect(http.kind).toBe(SpanKind.SERVER);
      expect(http.spanContext().traceId).toBe(clientTrace);
      expect(http.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
      expect(command.parentSpanContext?.spanId).toBe(http.spanContext().spanId);
      expect(append.spanContext().traceId).toBe(clientTrace);

      // The stored event names the command's span.
      const event = await lastEvent(t.api, response.body.streamId);
      expect(event.metadata.traceparent).toBe(`00-${clientTrace}-${command.spanContext().spanId}-01`);

      // The relay's message continues it: its traceparent is the publish span, a child of the command's.
      await until(() => consumer.messages.some((m) => m.headers['ce_id'] === event.eventId), 'the event is on Kafka');
      const message = consumer.messages.find((m) => m.headers['ce_id'] === event.eventId)!;
      const published = spanContextOf(message.headers['traceparent']);
      expect(published?.traceId).toBe(clientTrace);
      const publish = spans().find((s) => s.spanContext().spanId === published?.spanId)!;
      expect(publish.kind).toBe(SpanKind.PRODUCER);
      expect(publish.parentSpanContext?.spanId).toBe(command.spanContext().spanId);

      // The projector's batch span links to the writing span.
      await until(
        () =>
          named('project current-plan').some((s) =>
            s.links.some((l) => l.context.spanId === command.spanContext().spanId),
          ),
        'the current plan applied the event in a linked span',
      );

      // No patient data in any span: ids and names stay out of attributes and names.
      const exported = JSON.stringify(spans().map((s) => [s.name, s.attributes]));
      expect(exported).not.toContain(t.p.patientId);
      expect(exported).not.toContain(t.p.givenName);
    } finally {
      await consumer.stop();
    }
  });
});
