import { createHash } from 'node:crypto';

/** What a request did with patient data. */
export const accessActions = ['create', 'read', 'query', 'export', 'erase', 'control'] as const;
export type AccessAction = (typeof accessActions)[number];

/** Whether authorisation let the request through (a 401 or 403 is a denial; a 422 was allowed and failed). */
export const accessOutcomes = ['allowed', 'denied'] as const;
export type AccessOutcome = (typeof accessOutcomes)[number];

/** One touch of patient data, as the application records it. */
export interface AccessRecordInput {
  /** The API server's clock, ISO 8601 UTC with milliseconds. */
  recordedAt: string;
  userId: string | null;
  role: string | null;
  patientId: string | null;
  /** The kind of data touched: "care plan", "doses", "history", ... */
  category: string;
  action: AccessAction;
  outcome: AccessOutcome;
  /** The HTTP status of the answer. */
  status: number;
  method: string;
  /** The route pattern, e.g. `/patients/:patientId/doses/taken`. */
  route: string;
  clientAddress: string | null;
  correlationId: string;
  /** Patients a list returned, filters of an audit query, ... */
  detail: Record<string, unknown>;
}

/** A stored record: its place in the log and in the hash chain. */
export interface AccessRecord extends AccessRecordInput {
  id: number;
  previousHash: string;
  hash: string;
}

/** The predecessor of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The canonical JSON of a record's content: object keys sorted at every
 * level, no whitespace, absent optional values as null. The writer and the
 * verifier both build it from the record's fields, so it is what gets
 * hashed, never a serialisation that could differ between them.
 */
export function canonicalContent(record: AccessRecordInput): string {
  return canonicalJson({
    action: record.action,
    category: record.category,
    clientAddress: record.clientAddress,
    correlationId: record.correlationId,
    detail: record.detail,
    method: record.method,
    outcome: record.outcome,
    patientId: record.patientId,
    recordedAt: record.recordedAt,
    role: record.role,
    route: record.route,
    status: record.status,
    userId: record.userId,
  });
}

/** sha256(previous hash, hex || canonical JSON of the content), hex. */
export function accessRecordHash(previousHash: string, record: AccessRecordInput): string {
  return createHash('sha256')
    .update(previousHash + canonicalContent(record), 'utf8')
    .digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new TypeError('access records hold finite numbers only');
  return JSON.stringify(value);
}
