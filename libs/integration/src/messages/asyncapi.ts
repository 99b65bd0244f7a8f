import { eventTypes, type EventType } from '@caretrail/domain';
import { messageDefinitions, type JsonSchema } from './message-schemas';
import { cloudEventType, CLOUDEVENTS_SPEC_VERSION, CONTENT_TYPE, schemaId, TRACEPARENT_HEADER } from './to-message';
import { areaDescriptions, areas, topicName, typesOnArea } from './topics';

export interface AsyncApiOptions {
  topicPrefix: string;
  partitions: number;
  replicationFactor: number;
  /** CloudEvents `source` of this installation. */
  source: string;
  /** Broker address shown under `servers`. */
  brokers: string;
}

/** The defaults the committed document (docs/asyncapi/asyncapi.json) is generated with. */
export const documentedDefaults: AsyncApiOptions = {
  topicPrefix: 'caretrail',
  partitions: 3,
  replicationFactor: 1,
  source: '/caretrail',
  brokers: '127.0.0.1:9092',
};

const KAFKA_BINDING_VERSION = '0.5.0';
const JSON_SCHEMA_DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** The JSON Schema of one message body, as published in docs/asyncapi/schemas/. */
export function messageSchema(type: EventType): JsonSchema {
  const definition = messageDefinitions[type];
  return {
    $schema: JSON_SCHEMA_DRAFT_07,
    $id: schemaId(type),
    title: cloudEventType(type),
    description: definition.summary,
    ...definition.data,
  };
}

/** File name (under docs/asyncapi/schemas/) to schema, for every message type. */
export function messageSchemaFiles(): Record<string, JsonSchema> {
  return Object.fromEntries(eventTypes.map((type) => [`${cloudEventType(type)}.json`, messageSchema(type)]));
}

/** The CloudEvents binary-mode headers every message carries. */
export function cloudEventHeadersSchema(): JsonSchema {
  const text = (description: string): JsonSchema => ({ type: 'string', minLength: 1, description });
  return {
    type: 'object',
    description:
      'CloudEvents 1.0, Kafka protocol binding, binary content mode: attributes are record headers, the body is the data.',
    properties: {
      ce_specversion: { type: 'string', const: CLOUDEVENTS_SPEC_VERSION },
      ce_id: text('The event id: unique, stable across redeliveries. De-duplicate on it (delivery is at-least-once).'),
      ce_source: text('URI reference naming the CareTrail installation.'),
      ce_type: text('caretrail.<EventType>.v<message version>.'),
      ce_subject: text('The patient id (also the record key).'),
      ce_time: { type: 'string', format: 'date-time', description: 'When it happened (RFC 3339, UTC).' },
      ce_dataschema: text('URN of the body schema ($id of the JSON Schema).'),
      ce_recordedat: {
        type: 'string',
        format: 'date-time',
        description: 'Extension: when CareTrail recorded it (RFC 3339, UTC).',
      },
      ce_streamid: text('Extension: the CareTrail stream the event belongs to (a write answer’s streamId).'),
      ce_streamversion: {
        type: 'string',
        pattern: '^[1-9][0-9]*$',
        description:
          'Extension: the event’s version in its stream, 1, 2, 3, ...: a version skipped within a stream is a message not yet received, one on a topic you do not consume (MedicationPrescribed is in the care plan’s stream), or an administrative event that is never published.',
      },
      ce_position: {
        type: 'string',
        pattern: '^[1-9][0-9]*$',
        description:
          'Extension: the event’s global position in the CareTrail log (a write answer’s position; read models report the position they reflect). Positions have gaps and are not delivered in numeric order across patients.',
      },
      'content-type': { type: 'string', const: CONTENT_TYPE },
      [TRACEPARENT_HEADER]: {
        type: 'string',
        pattern: '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
        description:
          'W3C Trace Context of the relay’s publish span, a child of the span that wrote the event (the CloudEvents distributed-tracing extension): continue the trace from it. Absent when the write was not traced.',
      },
    },
    required: [
      'ce_specversion',
      'ce_id',
      'ce_source',
      'ce_type',
      'ce_subject',
      'ce_time',
      'ce_dataschema',
      'ce_recordedat',
      'ce_streamid',
      'ce_streamversion',
      'ce_position',
      'content-type',
    ],
  };
}

/** The AsyncAPI 3 document: every topic, every message, its headers and schema. */
export function asyncApiDocument(options: AsyncApiOptions = documentedDefaults): JsonSchema {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const area of areas) {
    const types = typesOnArea(area);
    const topic = topicName(options.topicPrefix, area);
    channels[area] = {
      address: topic,
      title: topic,
      description:
        areaDescriptions[area] + ' Corrections (EntryCorrected, EntryEnteredInError) of these events travel here too.',
      messages: Object.fromEntries(types.map((type) => [type, { $ref: `#/components/messages/${type}` }])),
      bindings: {
        kafka: {
          topic,
          partitions: options.partitions,
          replicas: options.replicationFactor,
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
    operations[`publish-${area}`] = {
      action: 'send',
      title: `CareTrail publishes to ${topic}`,
      summary: 'Published by the relay in the order of the event log, after the write committed (at-least-once).',
      channel: { $ref: `#/channels/${area}` },
      messages: types.map((type) => ({ $ref: `#/channels/${area}/messages/${type}` })),
    };
  }

  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = { CloudEventHeaders: cloudEventHeadersSchema() };
  for (const type of eventTypes) {
    const ceType = cloudEventType(type);
    const definition = messageDefinitions[type];
    schemas[ceType] = { title: ceType, description: definition.summary, ...definition.data };
    messages[type] = {
      name: ceType,
      title: type,
      summary: definition.summary,
      contentType: CONTENT_TYPE,
      headers: {
        allOf: [
          { $ref: '#/components/schemas/CloudEventHeaders' },
          { type: 'object', properties: { ce_type: { const: ceType }, ce_dataschema: { const: schemaId(type) } } },
        ],
      },
      payload: { $ref: `#/components/schemas/${ceType}` },
      correlationId: { description: 'The event id, for de-duplication.', location: '$message.header#/ce_id' },
      bindings: {
        kafka: {
          key: {
            type: 'string',
            description: 'The patient id: one patient’s messages of a topic share a partition and stay in order.',
          },
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
  }

  return {
    asyncapi: '3.0.0',
    id: 'urn:caretrail:integration-events',
    info: {
      title: 'CareTrail integration events',
      version: '1.0.0',
      description: [
        'Events of the CareTrail event log, published to Kafka for other systems. One topic per area; key = patient id;',
        'CloudEvents 1.0 headers in binary mode; JSON bodies described by JSON Schema (draft-07).',
        '',
        'Delivery is at-least-once: a message can arrive again (same `ce_id`, same body) after a relay restart or a broker',
        'outage; de-duplicate on `ce_id`. Within a topic, one patient’s messages arrive in the order CareTrail recorded them.',
        '',
        'No personal data travels: no names, no contact details, no free text (notes, reasons, symptoms, answers).',
        'Ids are pseudonymous; a system that needs more reads it through the CareTrail API with its own authorisation.',
        '',
        'Evolution: within a message version, changes are additive only (a new optional field); consumers must ignore',
        'unknown fields. A breaking change is a new version (`caretrail.<Type>.v2`) or a new type. See docs/kafka.md.',
      ].join('\n'),
    },
    defaultContentType: CONTENT_TYPE,
    servers: {
      kafka: {
        host: options.brokers,
        protocol: 'kafka',
        description: 'The broker of this installation (KAFKA_BROKERS).',
      },
    },
    channels,
    operations,
    components: { messages, schemas },
  };
}
