import { isEventType, personalDataFields, upcast, type EventType } from '@caretrail/domain';
import { EventHandlingFailed, type StoredEvent } from '@caretrail/event-store';
import type { IntegrationMessage } from '../publisher/event-publisher';
import { messageDefinitions, type JsonSchema } from './message-schemas';
import { areaFor, topicName } from './topics';

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const CONTENT_TYPE = 'application/json';
/** W3C Trace Context (the CloudEvents distributed-tracing extension's attribute): set by the relay when traced. */
export const TRACEPARENT_HEADER = 'traceparent';

export interface MessageOptions {
  /** Topic prefix: topics are `<prefix>.<area>.v1`. */
  topicPrefix: string;
  /** CloudEvents `source` (a URI reference naming this CareTrail installation). */
  source: string;
}

/** `caretrail.DoseTaken.v1`: the CloudEvents type of a message. */
export function cloudEventType(type: EventType): string {
  return `caretrail.${type}.v${messageDefinitions[type].version}`;
}

/** The `$id` of a message's JSON Schema, also sent as `ce_dataschema`. */
export function schemaId(type: EventType): string {
  return `urn:caretrail:message:${type}:v${messageDefinitions[type].version}`;
}

/**
 * Turns a recorded event into its integration message: upcast to the current
 * shape, then copy only the fields the message schema lists, skipping the
 * domain's personal-data paths on the way (the schemas never list them; the
 * second check keeps a mistake in the table from leaking free text).
 * Throws EventHandlingFailed for an event it cannot publish (an unknown type
 * from a newer writer, no patient id): the relay retries instead of skipping.
 */
export function toMessage(event: StoredEvent, options: MessageOptions): IntegrationMessage {
  try {
    if (!isEventType(event.type))
      throw new Error(`unknown event type ${event.type}: is this relay older than the writer?`);
    const domainEvent = upcast(event.type, event.schemaVersion, event.data);
    const type = domainEvent.type;
    const data = domainEvent.data as unknown as Record<string, unknown>;
    const patientId = data['patientId'];
    if (typeof patientId !== 'string' || patientId === '') throw new Error('the event names no patientId');
    const body = project(data, messageDefinitions[type].data, '', personalPaths[type] ?? new Set());
    const headers: Record<string, string> = {
      ce_specversion: CLOUDEVENTS_SPEC_VERSION,
      ce_id: event.eventId,
      ce_source: options.source,
      ce_type: cloudEventType(type),
      ce_subject: patientId,
      ce_time: toRfc3339(
        event.occurredAt ?? (typeof data['occurredAt'] === 'string' ? data['occurredAt'] : null) ?? event.recordedAt,
      ),
      ce_dataschema: schemaId(type),
      ce_recordedat: toRfc3339(event.recordedAt),
      // Extensions that tie a message to the log (docs/kafka.md): gaps show per stream, and a write's
      // answer (streamId, version, position) names the message it produced.
      ce_streamid: event.streamId,
      ce_streamversion: String(event.streamVersion),
      ce_position: String(event.position),
      'content-type': CONTENT_TYPE,
    };
    return {
      topic: topicName(options.topicPrefix, areaFor(type, data)),
      key: patientId,
      headers,
      value: JSON.stringify(body),
    };
  } catch (error) {
    if (error instanceof EventHandlingFailed) throw error;
    throw new EventHandlingFailed(event, error);
  }
}

const personalPaths: Readonly<Record<string, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries(personalDataFields).map(([type, paths]) => [type, new Set(paths)]),
);

/** Copies what the schema lists, nothing else; `excluded` paths (dotted, inside data) are dropped. */
function project(value: unknown, schema: JsonSchema, path: string, excluded: ReadonlySet<string>): unknown {
  const anyOf = schema['anyOf'] as JsonSchema[] | undefined;
  if (anyOf) {
    if (value === null) return null;
    const branch = anyOf.find((s) => s['type'] !== 'null');
    return branch ? project(value, branch, path, excluded) : value;
  }
  if (schema['type'] === 'object' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, propertySchema] of Object.entries(properties)) {
      const childPath = path ? `${path}.${key}` : key;
      if (excluded.has(childPath) || !(key in source)) continue;
      out[key] = project(source[key], propertySchema, childPath, excluded);
    }
    return out;
  }
  if (schema['type'] === 'array' && Array.isArray(value)) {
    const items = schema['items'] as JsonSchema;
    return value.map((item) => project(item, items, path, excluded));
  }
  return value;
}

function toRfc3339(instant: string): string {
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? instant : new Date(ms).toISOString();
}
