import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Field-level encryption of personal data (names, contact details, free
 * text) for crypto-shredding: each patient's fields are sealed with that
 * patient's data key; destroying the key erases them everywhere the
 * ciphertext went (events, backups, copies) without touching the hash chain.
 *
 * Envelope (docs/erasure.md), one JSON string in place of the field's value:
 *
 *   {"$enc": "v1:<kind>:<iv>:<tag>:<ciphertext>"}
 *
 * - v1: AES-256-GCM, 96-bit random IV, 128-bit tag; iv, tag and ciphertext
 *   in base64url without padding.
 * - kind: what the plaintext was, so an erased field keeps its type:
 *   `s` a string, `a` an array, `j` any other JSON value.
 * - ciphertext: the UTF-8 JSON text of the value.
 * - additional authenticated data: `caretrail:v1:<kind>:<patientId>:<eventType>:<path>`,
 *   so a sealed field cannot be moved to another patient, event type or field
 *   without decryption failing.
 */

export const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';
const VERSION = 'v1';

export type SealedKind = 's' | 'a' | 'j';

/** A sealed field as stored: an object with one `$enc` string. */
export interface SealedField {
  $enc: string;
}

/** What a field was sealed for: bound into the cipher as additional authenticated data. */
export interface SealContext {
  patientId: string;
  eventType: string;
  /** Dotted path of the field inside the event's data. */
  path: string;
}

/** The value an erased field reads as: clinical facts stay, identity and free text do not. */
export const ERASED_TEXT = '[erased]';

/** Decryption failed with the key present: the envelope was altered or moved. */
export class SealedFieldTampered extends Error {
  constructor(readonly context: SealContext) {
    super(
      `personal data at ${context.eventType}.${context.path} of patient ${context.patientId} does not decrypt: altered or moved`,
    );
    this.name = 'SealedFieldTampered';
  }
}

/** A new random data key for one patient. */
export function generateDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

export function isSealedField(value: unknown): value is SealedField {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { $enc?: unknown }).$enc === 'string' &&
    Object.keys(value).length === 1
  );
}

function kindOf(value: unknown): SealedKind {
  return typeof value === 'string' ? 's' : Array.isArray(value) ? 'a' : 'j';
}

function aad(kind: SealedKind, context: SealContext): Buffer {
  return Buffer.from(`caretrail:${VERSION}:${kind}:${context.patientId}:${context.eventType}:${context.path}`, 'utf8');
}

/** Seals one field's value (any JSON value) under a patient's data key. */
export function sealField(key: Uint8Array, value: unknown, context: SealContext): SealedField {
  if (key.length !== DATA_KEY_BYTES) throw new RangeError(`a data key has ${DATA_KEY_BYTES} bytes`);
  const kind = kindOf(value);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(kind, context));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return {
    $enc: [VERSION, kind, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join(
      ':',
    ),
  };
}

/** The kind recorded in an envelope, or undefined when it is not one this code reads. */
export function sealedKind(field: SealedField): SealedKind | undefined {
  const [version, kind] = field.$enc.split(':', 2);
  return version === VERSION && (kind === 's' || kind === 'a' || kind === 'j') ? kind : undefined;
}

/**
 * Opens a sealed field. With no key (destroyed: the patient was erased)
 * the field reads as erased, keeping its kind: a string becomes
 * ERASED_TEXT, an array becomes empty, anything else null. With the key,
 * a field that does not authenticate throws SealedFieldTampered.
 */
export function openField(key: Uint8Array | null, field: SealedField, context: SealContext): unknown {
  const parts = field.$enc.split(':');
  const [version, kind, iv, tag, ciphertext] = parts;
  if (parts.length !== 5 || version !== VERSION || (kind !== 's' && kind !== 'a' && kind !== 'j')) {
    throw new SealedFieldTampered(context);
  }
  if (key === null) return erasedValue(kind);
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv!, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(kind, context));
    decipher.setAuthTag(Buffer.from(tag!, 'base64url'));
    const plaintext = Buffer.concat([
      decipher.update(Buffer.from(ciphertext!, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
    return JSON.parse(plaintext) as unknown;
  } catch {
    throw new SealedFieldTampered(context);
  }
}

export function erasedValue(kind: SealedKind): unknown {
  return kind === 's' ? ERASED_TEXT : kind === 'a' ? [] : null;
}
