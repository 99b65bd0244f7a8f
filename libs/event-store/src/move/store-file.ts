import { createHash } from 'node:crypto';
import { EventStoreError } from '../errors';

/**
 * The file `store export` writes and `store import` reads (docs/architecture.md,
 * "Backups"): NDJSON, one JSON object a line, in this order:
 *
 * 1. the header (`kind: "header"`): format, version, the source, the counts;
 * 2. every event in the source's global order, as stored: positions, the
 *    transaction id its hash covers, instants, hashes, and `data` and
 *    `metadata` as jsonb's canonical text (strings), so that the hash
 *    recomputes byte for byte without the database;
 * 3. every patient key by patient id: the 32-byte key in base64, or null with
 *    `destroyedAt` for an erased patient;
 * 4. every access record by id, with its chain and hashes;
 * 5. the end (`kind: "end"`): the number of lines before it and a SHA-256
 *    over their bytes, each with its newline.
 */
export const STORE_FILE_FORMAT = 'caretrail-store';
export const STORE_FILE_VERSION = 1;

export interface StoreFileHeader {
  kind: 'header';
  format: typeof STORE_FILE_FORMAT;
  version: typeof STORE_FILE_VERSION;
  exportId: string;
  exportedAt: string;
  source: { backend: 'postgres' | 'pglite'; schema: string; migrations: string[] };
  counts: { events: number; patientKeys: number; accessRecords: number };
  /** The highest position in the log (0 when empty). */
  headPosition: number;
}

export interface EventLine {
  kind: 'event';
  position: number;
  /** The transaction id the event's hash covers: the one it was first written under. */
  transactionId: string;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  /** jsonb's canonical text of the stored data. */
  data: string;
  /** jsonb's canonical text of the stored metadata. */
  metadata: string;
  recordedAt: string;
  occurredAt: string | null;
  previousHash: string | null;
  hash: string;
}

export interface PatientKeyLine {
  kind: 'patient-key';
  patientId: string;
  /** base64 of the 32-byte key; null once destroyed (erased). */
  key: string | null;
  createdAt: string;
  destroyedAt: string | null;
}

export interface AccessRecordLine {
  kind: 'access-record';
  id: number;
  chain: number;
  recordedAt: string;
  userId: string | null;
  role: string | null;
  patientId: string | null;
  category: string;
  action: string;
  outcome: string;
  status: number;
  method: string;
  route: string;
  clientAddress: string | null;
  correlationId: string;
  detail: Record<string, unknown>;
  previousHash: string;
  hash: string;
}

export interface EndLine {
  kind: 'end';
  /** Lines before this one, the header included. */
  lines: number;
  /** SHA-256 (hex) over those lines, each with its newline. */
  digest: string;
}

export type StoreFileLine = StoreFileHeader | EventLine | PatientKeyLine | AccessRecordLine | EndLine;

/** The file is not a complete, intact export: `line` names where (1-based). */
export class StoreFileInvalid extends EventStoreError {
  readonly code = 'store-file-invalid';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'StoreFileInvalid';
  }
}

/** The identity of an export: SHA-256 of its header line (an import resumes only the same file). */
export function fileIdOf(headerLine: string): string {
  return createHash('sha256').update(headerLine, 'utf8').digest('hex');
}

/**
 * The event's hash as the `event_hash` SQL function computes it (migration
 * 0001), from the line alone: the fields joined by U+001F, instants in UTC
 * to the millisecond without a zone.
 */
export function eventLineHash(event: Omit<EventLine, 'kind' | 'hash'>): string {
  return createHash('sha256')
    .update(
      [
        event.previousHash ?? '',
        String(event.position),
        event.transactionId,
        event.streamId,
        String(event.streamVersion),
        event.eventId,
        event.type,
        String(event.schemaVersion),
        event.data,
        event.metadata,
        utcMillis(event.recordedAt),
        event.occurredAt === null ? '' : utcMillis(event.occurredAt),
      ].join('\u001f'),
      'utf8',
    )
    .digest('hex');
}

function utcMillis(instant: string): string {
  return new Date(instant).toISOString().slice(0, 23);
}

/** Writes lines and keeps the digest the end line carries. */
export class StoreFileDigest {
  private readonly hash = createHash('sha256');
  lines = 0;

  /** The line's text with its newline, counted into the digest. */
  add(line: string): string {
    const text = `${line}\n`;
    this.hash.update(text, 'utf8');
    this.lines++;
    return text;
  }

  end(): EndLine {
    return { kind: 'end', lines: this.lines, digest: this.hash.digest('hex') };
  }
}
