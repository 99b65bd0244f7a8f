import { isEventType, personalDataFields } from '@caretrail/domain';
import type { StoredEvent } from '@caretrail/event-store';
import { isSealedField, openField, sealField, type PatientKeyStore } from '@caretrail/security';

type JsonObject = { [key: string]: unknown };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads keys only: what decryption needs. */
export type PatientKeyReader = Pick<PatientKeyStore, 'get'>;

/**
 * Seals every personal-data field of a domain event (the domain's
 * `personalDataFields[type]`) under the patient's key, before it is stored.
 * Null and absent fields stay as they are (they hold nothing); an event with
 * nothing to seal needs no key. Types outside the domain are returned as
 * they are. The key is made on first use; once a patient was erased it is
 * refused (PatientKeyDestroyed), so no new personal data is accepted for them.
 */
export async function encryptEventData(
  type: string,
  data: Record<string, unknown>,
  keys: Pick<PatientKeyStore, 'getOrCreate'>,
): Promise<Record<string, unknown>> {
  if (!isEventType(type)) return data;
  const paths = personalDataFields[type].filter((path) => valueAt(data, path) !== null);
  if (paths.length === 0) return data;
  const patientId = data['patientId'];
  if (typeof patientId !== 'string' || patientId === '')
    throw new Error(`a ${type} event with personal data names no patientId`);
  const key = await keys.getOrCreate(patientId);
  const sealed = structuredClone(data);
  for (const path of paths) {
    const { parent, last } = parentOf(sealed, path);
    if (parent && last !== undefined) parent[last] = sealField(key, parent[last], { patientId, eventType: type, path });
  }
  return sealed;
}

/**
 * The stored event with its personal data readable again: every sealed field
 * opened with the patient's key, or, once the key was destroyed, read as
 * erased ("[erased]" for text, [] for a list, null otherwise; the clinical
 * facts around it are untouched). Fields stored before encryption existed
 * are plaintext and pass through. This is the one function every reader of
 * stored events calls: the write path (its loader), the projections, the history
 * view, time travel, exports.
 */
export async function decryptEventData(event: StoredEvent, keys: PatientKeyReader): Promise<StoredEvent> {
  return (await decryptEvents([event], keys))[0]!;
}

/** decryptEventData for many events: each patient's key is fetched once. */
export async function decryptEvents(events: readonly StoredEvent[], keys: PatientKeyReader): Promise<StoredEvent[]> {
  const sealed = events.map((event) => hasSealedField(event.data));
  if (!sealed.includes(true)) return [...events];
  const patients = new Set<string>();
  events.forEach((event, i) => {
    if (sealed[i]) patients.add(patientIdOf(event));
  });
  const keyOf = new Map<string, Uint8Array | null>();
  await Promise.all([...patients].map(async (patientId) => keyOf.set(patientId, await keys.get(patientId))));
  return events.map((event, i) => {
    if (!sealed[i]) return event;
    const patientId = patientIdOf(event);
    const data = openAll(event.data, '', keyOf.get(patientId) ?? null, patientId, event.type) as Record<
      string,
      unknown
    >;
    return { ...event, data };
  });
}

function patientIdOf(event: StoredEvent): string {
  const patientId = event.data['patientId'];
  return typeof patientId === 'string' ? patientId : '';
}

/** Whether any object inside `value` (not inside arrays: fields are sealed at object paths only) is sealed. */
function hasSealedField(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const item of Object.values(value)) {
    if (isObject(item) && (isSealedField(item) || hasSealedField(item))) return true;
  }
  return false;
}

/** A copy of `value` with every sealed field opened; untouched branches are shared, not copied. */
function openAll(value: unknown, path: string, key: Uint8Array | null, patientId: string, eventType: string): unknown {
  if (!isObject(value)) return value;
  if (isSealedField(value)) return openField(key, value, { patientId, eventType, path });
  let copy: JsonObject | undefined;
  for (const [name, item] of Object.entries(value)) {
    if (!isObject(item)) continue;
    const opened = openAll(item, path ? `${path}.${name}` : name, key, patientId, eventType);
    if (opened !== item) (copy ??= { ...value })[name] = opened;
  }
  return copy ?? value;
}

function valueAt(data: JsonObject, path: string): unknown {
  const { parent, last } = parentOf(data, path);
  return parent && last !== undefined && parent[last] !== undefined ? parent[last] : null;
}

function parentOf(data: JsonObject, path: string): { parent: JsonObject | undefined; last: string | undefined } {
  const keys = path.split('.');
  const last = keys.pop();
  let node: unknown = data;
  for (const key of keys) node = isObject(node) ? node[key] : undefined;
  return { parent: isObject(node) ? node : undefined, last };
}
