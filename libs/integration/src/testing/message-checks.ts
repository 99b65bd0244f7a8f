import Ajv from 'ajv';
import { randomUUID } from 'node:crypto';
import { currentSchemaVersion, eventTypes, type DomainEvent, type EventType } from '@caretrail/domain';
import type { StoredEvent } from '@caretrail/event-store';
import { cloudEventHeadersSchema, messageSchema } from '../messages/asyncapi';
import type { JsonSchema } from '../messages/message-schemas';

/**
 * JSON Schema validators for the published contract. `strict` closes every
 * object (no property the schema does not list), which the published
 * schemas leave open for evolution: a test validating strictly proves the
 * table describes every field the relay sends, and nothing more.
 */
export function messageValidators(mode: 'published' | 'strict' = 'strict'): {
  body(type: EventType, body: unknown): string[];
  headers(headers: Record<string, string>): string[];
} {
  const ajv = new Ajv({ allErrors: true });
  const body = new Map(
    eventTypes.map((type) => [
      type,
      ajv.compile(mode === 'strict' ? closed(messageSchema(type)) : messageSchema(type)),
    ]),
  );
  const headers = ajv.compile(cloudEventHeadersSchema());
  const errors = (validate: Ajv.ValidateFunction): string[] =>
    (validate.errors ?? []).map((e) => `${e.dataPath} ${e.message ?? ''}`);
  return {
    body(type, value) {
      const validate = body.get(type)!;
      return validate(value) ? [] : errors(validate);
    },
    headers(value) {
      return headers(value) ? [] : errors(headers);
    },
  };
}

function closed(schema: JsonSchema): JsonSchema {
  const copy: JsonSchema = JSON.parse(JSON.stringify(schema));
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const object = node as JsonSchema;
    if (object['type'] === 'object' && object['properties']) object['additionalProperties'] = false;
    Object.values(object).forEach(visit);
  };
  visit(copy);
  return copy;
}

/** A domain event as the store hands it back, without touching a database. */
export function recorded(event: DomainEvent, overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    eventId: randomUUID(),
    type: event.type,
    schemaVersion: currentSchemaVersion(event.type),
    streamId: `careplan-${(event.data as { patientId: string }).patientId}`,
    streamVersion: 1,
    position: 1,
    transactionId: '1',
    recordedAt: '2026-03-02T08:00:01.000Z',
    occurredAt: null,
    data: event.data as unknown as Record<string, unknown>,
    metadata: {},
    ...overrides,
  };
}
