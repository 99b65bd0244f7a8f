/**
 * Corrections (docs/domain.md, "Choices": corrections; docs/read-models.md): an EntryCorrected / EntryEnteredInError event names the
 * event it amends by id and type; read models apply them to the facts they keep. The write side
 * does not check that an amended value fits the target's schema, so every model validates an
 * amended fact before it keeps it and ignores a change that would break it.
 */
import type { DomainEvent, EventType, FieldChange, JsonValue } from '@caretrail/domain';

/**
 * An entry's identity is not amendable (docs/domain.md): mark it entered in error and record the
 * right one. The write side only blocks `patientId`; read models also ignore the entity ids.
 */
const IDENTITY_FIELDS = new Set([
  'patientId',
  'carePlanId',
  'medicationId',
  'sessionId',
  'consultationId',
  'sideEffectId',
  'goalId',
  'userId',
  'noteId',
  'caseReviewId',
  'supersedes',
  'supersedesMissed',
]);

/** `stream` is the target's stream (checked by the write side): for one-entity streams it names the entity. */
export type Correction =
  | { kind: 'amend'; targetId: string; targetType: string; stream: string; changes: FieldChange[] }
  | { kind: 'void'; targetId: string; targetType: string; stream: string };

/** The correction an event carries, if it is one. Redacted replays null `changes`: nothing to amend then. */
export function correctionOf(event: DomainEvent): Correction | null {
  if (event.type === 'EntryEnteredInError')
    return { kind: 'void', targetId: event.data.eventId, targetType: event.data.eventType, stream: event.data.stream };
  if (event.type === 'EntryCorrected') {
    const changes = Array.isArray(event.data.changes) ? event.data.changes : [];
    return {
      kind: 'amend',
      targetId: event.data.eventId,
      targetType: event.data.eventType,
      stream: event.data.stream,
      changes,
    };
  }
  return null;
}

/** Whether a correction event amends one of the given event types (for `keysOf`). */
export function correctsOneOf(event: DomainEvent, types: ReadonlySet<EventType>): boolean {
  const correction = correctionOf(event);
  return correction !== null && types.has(correction.targetType as EventType);
}

function setPath(target: unknown, keys: readonly string[], value: JsonValue): unknown {
  const [key, ...rest] = keys;
  if (key === undefined) return value;
  if (Array.isArray(target)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= target.length) return target;
    const copy = [...target];
    copy[index] = setPath(copy[index], rest, value);
    return copy;
  }
  const object = typeof target === 'object' && target !== null ? (target as Record<string, unknown>) : {};
  return { ...object, [key]: setPath(object[key], rest, value) };
}

/**
 * Applies the field changes (dotted paths into the target's `data`) to a kept fact of the same
 * shape. A change to an identity field, or one after which `isValid` fails, is ignored.
 */
export function amend<T>(fact: T, changes: readonly FieldChange[], isValid: (candidate: T) => boolean): T {
  let current = fact;
  for (const change of changes) {
    if (typeof change?.field !== 'string' || change.field === '') continue;
    const keys = change.field.split('.');
    if (keys.some((k) => IDENTITY_FIELDS.has(k))) continue;
    const candidate = setPath(current, keys, change.value) as T;
    if (isValid(candidate)) current = candidate;
  }
  return current;
}

export function changesField(changes: readonly FieldChange[], field: string): boolean {
  return changes.some((c) => c.field === field || c.field.startsWith(`${field}.`));
}

/** The entity id in a one-entity stream name such as `session-<patientId>-<sessionId>` (see libs/domain shared/streams.ts). */
export function entityOfStream(stream: string, category: string, patientId: string): string | null {
  const prefix = `${category}-${patientId}-`;
  return typeof stream === 'string' && stream.startsWith(prefix) && stream.length > prefix.length
    ? stream.slice(prefix.length)
    : null;
}
