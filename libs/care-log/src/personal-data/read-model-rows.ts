import {
  erasedValue,
  isSealedField,
  openField,
  sealField,
  type SealContext,
  type SealedKind,
} from '@caretrail/security';
import type { PatientKeyReader } from './personal-data-encryption';

/**
 * Personal data in read-model rows (docs/erasure.md, "Read models"): the
 * projections store the fields a read model lists (`personalFields`) sealed
 * under the patient's key, with the same envelope as events; readers open
 * them when they answer. A row then never holds a name or free text in
 * plaintext, so neither its table's files nor the WAL do, and destroying the
 * key erases the rows as it erases the events, without any VACUUM.
 */

/** Whose row it is: bound into every sealed field with the field's path, so a field cannot be moved. */
export interface ReadModelRowOwner {
  readModel: string;
  patientId: string;
}

type JsonObject = { [key: string]: unknown };
type Container = JsonObject | unknown[];

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The additional data's record slot names the read model, where an event's names its type. */
const contextOf = (owner: ReadModelRowOwner, path: string): SealContext => ({
  patientId: owner.patientId,
  eventType: `read-model:${owner.readModel}`,
  path,
});

const kindOf = (value: unknown): SealedKind => (typeof value === 'string' ? 's' : Array.isArray(value) ? 'a' : 'j');

const join = (path: string, name: string | number): string => (path === '' ? String(name) : `${path}.${name}`);

function childrenOf(node: unknown): Array<[string | number, unknown]> {
  if (Array.isArray(node)) return node.map((item, i) => [i, item]);
  return isObject(node) ? Object.entries(node) : [];
}

/** Every place in `doc` a pattern names (`*` = every key or element), with its concrete path. */
function locate(
  doc: unknown,
  patterns: readonly string[],
): Array<{ parent: Container; name: string | number; path: string }> {
  const found = new Map<string, { parent: Container; name: string | number; path: string }>();
  const walk = (node: unknown, segments: readonly string[], path: string): void => {
    const [head, ...rest] = segments;
    if (head === undefined) return;
    for (const [name, child] of childrenOf(node)) {
      if (head !== '*' && String(name) !== head) continue;
      const at = join(path, name);
      if (rest.length > 0) walk(child, rest, at);
      else if (child !== null && child !== undefined) found.set(at, { parent: node as Container, name, path: at });
    }
  };
  for (const pattern of patterns) walk(doc, pattern.split('.'), '');
  return [...found.values()];
}

/** Whether the row holds anything at its personal fields (then it needs the patient's key to be stored). */
export function holdsPersonalData(doc: unknown, personalFields: readonly string[]): boolean {
  return locate(doc, personalFields).some(({ parent, name }) => !isSealedField((parent as JsonObject)[name]));
}

/**
 * A copy of the row with every personal field sealed under the patient's key.
 * Without a key (the patient was erased) each field is written as erased
 * instead ("[erased]", [] or null, as events read), so nothing personal is
 * ever stored in the clear.
 */
export function sealReadModelRow<Doc>(
  doc: Doc,
  personalFields: readonly string[],
  key: Uint8Array | null,
  owner: ReadModelRowOwner,
): Doc {
  if (personalFields.length === 0) return doc;
  const copy = structuredClone(doc);
  for (const { parent, name, path } of locate(copy, personalFields)) {
    const value = (parent as JsonObject)[name];
    if (isSealedField(value)) continue;
    (parent as JsonObject)[name] = key ? sealField(key, value, contextOf(owner, path)) : erasedValue(kindOf(value));
  }
  return copy;
}

/** Whether anything in the row is sealed. */
export function hasSealedRowField(value: unknown): boolean {
  if (isSealedField(value)) return true;
  return childrenOf(value).some(([, child]) => typeof child === 'object' && child !== null && hasSealedRowField(child));
}

/**
 * The row with every sealed field opened (wherever it is: no schema needed),
 * or read as erased when the key is null. Untouched branches are shared.
 */
export function openReadModelRow<Doc>(doc: Doc, key: Uint8Array | null, owner: ReadModelRowOwner): Doc {
  const open = (value: unknown, path: string): unknown => {
    if (isSealedField(value)) return openField(key, value, contextOf(owner, path));
    if (typeof value !== 'object' || value === null) return value;
    let copy: Container | undefined;
    for (const [name, child] of childrenOf(value)) {
      if (typeof child !== 'object' || child === null) continue;
      const opened = open(child, join(path, name));
      if (opened === child) continue;
      copy ??= Array.isArray(value) ? [...(value as unknown[])] : { ...(value as JsonObject) };
      (copy as JsonObject)[name] = opened;
    }
    return copy ?? value;
  };
  return open(doc, '') as Doc;
}

/** openReadModelRow with the key fetched only when the row holds a sealed field. */
export async function openReadModelRowWith<Doc>(
  doc: Doc,
  keys: PatientKeyReader,
  owner: ReadModelRowOwner,
): Promise<Doc> {
  if (!hasSealedRowField(doc)) return doc;
  return openReadModelRow(doc, await keys.get(owner.patientId), owner);
}
