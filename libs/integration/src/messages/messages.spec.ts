import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventTypes, personalDataFields, type EventType } from '@caretrail/domain';
import { sampleEvents } from '@caretrail/domain/testing';
import { EventHandlingFailed } from '@caretrail/event-store';
import { messageValidators, recorded } from '../testing/message-checks';
import { asyncApiDocument, messageSchemaFiles } from './asyncapi';
import { messageDefinitions, type JsonSchema } from './message-schemas';
import { toMessage } from './to-message';
import { areas, topicName } from './topics';

const options = { topicPrefix: 'caretrail', source: '/caretrail' };
const strict = messageValidators('strict');
const published = messageValidators('published');

function get(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined),
      value,
    );
}

/** Every dotted path a schema lists (through nullable and array wrappers). */
function schemaPaths(schema: JsonSchema, prefix = ''): string[] {
  const anyOf = schema['anyOf'] as JsonSchema[] | undefined;
  if (anyOf) return anyOf.flatMap((s) => schemaPaths(s, prefix));
  if (schema['type'] === 'array') return schemaPaths(schema['items'] as JsonSchema, prefix);
  const properties = schema['properties'] as Record<string, JsonSchema> | undefined;
  if (!properties) return [];
  return Object.entries(properties).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...schemaPaths(child, path)];
  });
}

describe('integration messages', () => {
  it.each(eventTypes)('publishes %s with CloudEvents headers and a body its schema describes exactly', (type) => {
    const event = recorded(sampleEvents[type]);
    const message = toMessage(event, options);
    const body = JSON.parse(message.value);

    expect(message.key).toBe(sampleEvents[type].data.patientId);
    expect(message.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: event.eventId,
      ce_source: '/caretrail',
      ce_type: `caretrail.${type}.v${messageDefinitions[type].version}`,
      ce_subject: sampleEvents[type].data.patientId,
      'content-type': 'application/json',
    });
    expect(strict.headers(message.headers)).toEqual([]);
    expect(strict.body(type, body)).toEqual([]);
    expect(published.body(type, body)).toEqual([]);
  });

  it.each(eventTypes)('never publishes the personal data of %s (names, contact details, free text)', (type) => {
    const listed = schemaPaths(messageDefinitions[type].data);
    for (const path of personalDataFields[type]) {
      expect(listed).not.toContain(path);
      // Nor anything inside it (a personal object such as `name` is dropped whole).
      expect(listed.filter((p) => p.startsWith(`${path}.`))).toEqual([]);
    }
    const value = toMessage(recorded(sampleEvents[type]), options).value;
    for (const path of personalDataFields[type]) {
      const personal = get(sampleEvents[type].data, path);
      const texts = (Array.isArray(personal) ? personal : [personal]).flatMap((v) =>
        typeof v === 'string'
          ? [v]
          : typeof v === 'object' && v !== null
            ? Object.values(v).filter((x): x is string => typeof x === 'string')
            : [],
      );
      for (const text of texts) expect(value).not.toContain(JSON.stringify(text));
    }
  });

  it('drops a field the schema does not list, even when the event carries it', () => {
    const event = recorded(sampleEvents.DoseTaken, {
      data: { ...sampleEvents.DoseTaken.data, deviceNote: 'left at work' },
    });
    expect(JSON.parse(toMessage(event, options).value)).not.toHaveProperty('deviceNote');
  });

  it('routes each type to its area, and a correction to the topic of the event it amends', () => {
    const topic = (type: EventType, data = sampleEvents[type].data) =>
      toMessage(recorded({ ...sampleEvents[type], data } as never), options).topic;
    expect(topic('PatientEnrolled')).toBe('caretrail.plan.v1');
    expect(topic('TherapyPrescribed')).toBe('caretrail.plan.v1');
    expect(topic('MedicationPrescribed')).toBe('caretrail.medication.v1');
    expect(topic('DoseTaken')).toBe('caretrail.medication.v1');
    expect(topic('SessionMissed')).toBe('caretrail.sessions.v1');
    expect(topic('SideEffectReported')).toBe('caretrail.safety.v1');
    expect(topic('OutcomeMeasured')).toBe('caretrail.outcomes.v1');
    expect(topic('CaseReviewHeld')).toBe('caretrail.collaboration.v1');
    expect(topic('EntryEnteredInError')).toBe('caretrail.medication.v1'); // amends a DoseTaken
    expect(topic('EntryCorrected', { ...sampleEvents.EntryCorrected.data, eventType: 'SessionAttended' })).toBe(
      'caretrail.sessions.v1',
    );
  });

  it('publishes a stored older version in the current shape (SideEffectReported v1 has no FIBSER)', () => {
    const { fibser: _f, urgent: _u, ...v1 } = { ...sampleEvents.SideEffectReported.data, severity: 'severe' as const };
    const message = toMessage(recorded(sampleEvents.SideEffectReported, { schemaVersion: 1, data: v1 }), options);
    const body = JSON.parse(message.value);
    expect(body).toMatchObject({ fibser: null, urgent: true, severity: 'severe' });
    expect(strict.body('SideEffectReported', body)).toEqual([]);
  });

  it('refuses, naming the event, what it cannot publish: an unknown type, or no patient', () => {
    const unknown = recorded(sampleEvents.DoseTaken, { type: 'DoseTeleported' });
    expect(() => toMessage(unknown, options)).toThrow(EventHandlingFailed);
    expect(() => toMessage(unknown, options)).toThrow(/unknown event type DoseTeleported/);
    const { patientId: _p, ...orphan } = sampleEvents.DoseTaken.data;
    expect(() => toMessage(recorded(sampleEvents.DoseTaken, { data: orphan }), options)).toThrow(/no patientId/);
  });

  it('uses the moment it happened as ce_time and keeps the recording time apart', () => {
    const event = recorded(sampleEvents.DoseTaken, {
      occurredAt: '2026-03-01T07:00:00+01:00',
      recordedAt: '2026-03-02T08:00:00.123Z',
    });
    expect(toMessage(event, options).headers).toMatchObject({
      ce_time: '2026-03-01T06:00:00.000Z',
      ce_recordedat: '2026-03-02T08:00:00.123Z',
    });
  });

  it('carries the stream, the stream version and the global position as extension attributes', () => {
    const event = recorded(sampleEvents.DoseTaken, {
      streamId: 'doses-p-1-2026-03-01',
      streamVersion: 2,
      position: 4711,
    });
    expect(toMessage(event, options).headers).toMatchObject({
      ce_streamid: 'doses-p-1-2026-03-01',
      ce_streamversion: '2',
      ce_position: '4711',
    });
  });
});

describe('the AsyncAPI document', () => {
  const document = asyncApiDocument() as {
    asyncapi: string;
    channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
    operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
    components: { messages: Record<string, { payload: { $ref: string } }>; schemas: Record<string, unknown> };
  };

  it('describes one topic per area and every message type on the topic it travels on', () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(Object.values(document.channels).map((c) => c.address)).toEqual(areas.map((a) => topicName('caretrail', a)));
    const onChannels = new Set(Object.values(document.channels).flatMap((c) => Object.keys(c.messages)));
    expect([...onChannels].sort()).toEqual([...eventTypes].sort());
    for (const type of eventTypes) {
      const { topic } = toMessage(recorded(sampleEvents[type]), options);
      const area = areas.find((a) => topicName('caretrail', a) === topic)!;
      expect(Object.keys(document.channels[area]!.messages)).toContain(type);
    }
  });

  it('resolves every reference it makes', () => {
    const resolve = (ref: string): unknown =>
      ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], document);
    for (const operation of Object.values(document.operations)) {
      expect(operation.action).toBe('send');
      expect(resolve(operation.channel.$ref)).toBeDefined();
      for (const m of operation.messages) expect(resolve(m.$ref)).toBeDefined();
    }
    for (const channel of Object.values(document.channels))
      for (const m of Object.values(channel.messages)) expect(resolve(m.$ref)).toBeDefined();
    for (const message of Object.values(document.components.messages))
      expect(resolve(message.payload.$ref)).toBeDefined();
  });

  // The repo keeps the generated contract where integrators look for it.
  // After changing the table: UPDATE_ASYNCAPI=1 node infra/scripts/jest.mjs libs/integration/jest.config.js messages
  it('is committed in docs/asyncapi, up to date with the message table', () => {
    const dir = join(__dirname, '../../../../docs/asyncapi');
    const files: Record<string, unknown> = { 'asyncapi.json': document };
    for (const [name, schema] of Object.entries(messageSchemaFiles())) files[`schemas/${name}`] = schema;
    if (process.env['UPDATE_ASYNCAPI'] === '1') {
      rmSync(join(dir, 'schemas'), { recursive: true, force: true });
      mkdirSync(join(dir, 'schemas'), { recursive: true });
      for (const [name, content] of Object.entries(files))
        writeFileSync(join(dir, name), `${JSON.stringify(content, null, 2)}\n`);
    }
    for (const [name, content] of Object.entries(files)) {
      expect(
        existsSync(join(dir, name)) ? JSON.parse(readFileSync(join(dir, name), 'utf8')) : `${name} is missing`,
      ).toEqual(content);
    }
    expect(readdirSync(join(dir, 'schemas')).sort()).toEqual(Object.keys(messageSchemaFiles()).sort());
  });
});
