import {
  eventLineHash,
  fileIdOf,
  STORE_FILE_FORMAT,
  STORE_FILE_VERSION,
  StoreFileDigest,
  StoreFileInvalid,
  type AccessRecordLine,
  type EventLine,
  type PatientKeyLine,
  type StoreFileHeader,
  type StoreFileLine,
} from './store-file';

const SECTIONS = ['header', 'event', 'patient-key', 'access-record', 'end'] as const;
type Section = (typeof SECTIONS)[number];

const GENESIS = '0'.repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Recomputes an access record's hash from its content and predecessor. The
 * access log's canonical form belongs to @caretrail/access-log, which this
 * library may not import: the caller passes its function.
 */
export type AccessRecordHasher = (record: AccessRecordLine) => string;

/**
 * Checks an export file line by line, in one pass and bounded memory (a
 * stream's head per stream, a chain's head per chain): the order of the
 * sections, every field's type, the counts the header announced, each
 * event's hash recomputed and linked to its stream's previous event,
 * versions without gaps, the access log's chains, destroyed keys for every
 * erased patient, and the digest of the end line. Anything else is a
 * `StoreFileInvalid` naming the line.
 */
export class StoreFileChecker {
  private readonly digest = new StoreFileDigest();
  private readonly streams = new Map<string, { version: number; hash: string }>();
  private readonly chains = new Map<number, string>();
  private readonly erased = new Map<string, number>();
  private readonly keyed = new Set<string>();
  private section: Section | null = null;
  private counted = 0;
  private lastKey = '';
  private lastAccessId = 0;
  private ended = false;
  header: StoreFileHeader | null = null;
  fileId = '';

  constructor(private readonly accessRecordHash: AccessRecordHasher) {}

  /** The number of the next line (1-based). */
  get nextLine(): number {
    return this.digest.lines + 1;
  }

  /** Checks one line (without its newline) and returns it parsed. */
  check(text: string): StoreFileLine {
    const line = this.nextLine;
    if (this.ended) throw new StoreFileInvalid(line, 'nothing may follow the end line');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new StoreFileInvalid(line, 'not a JSON object');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new StoreFileInvalid(line, 'not a JSON object');
    const record = parsed as StoreFileLine;
    const fail = (reason: string): never => {
      throw new StoreFileInvalid(line, reason);
    };
    this.enter(record.kind, fail);
    switch (record.kind) {
      case 'header':
        this.checkHeader(record, fail);
        this.fileId = fileIdOf(text);
        break;
      case 'event':
        this.checkEvent(record, fail);
        break;
      case 'patient-key':
        this.checkKey(record, fail);
        break;
      case 'access-record':
        this.checkAccessRecord(record, fail);
        break;
      case 'end':
        if (record.lines !== this.digest.lines)
          fail(`the end line counts ${record.lines} lines, the file has ${this.digest.lines} before it`);
        if (record.digest !== this.digest.end().digest)
          fail('the digest does not match the lines before it: the file was changed after it was exported');
        this.ended = true;
        return record;
    }
    this.digest.add(text);
    return record;
  }

  /** Call when the input ends: a file without its end line is incomplete. */
  finish(): void {
    if (!this.ended)
      throw new StoreFileInvalid(
        this.nextLine,
        `the file ends after line ${this.digest.lines} without its end line: it is incomplete (truncated)`,
      );
  }

  private enter(kind: unknown, fail: (reason: string) => never): void {
    const index = SECTIONS.indexOf(kind as Section);
    if (index < 0) fail(`unknown kind ${JSON.stringify(kind)}`);
    const current = this.section === null ? -1 : SECTIONS.indexOf(this.section);
    if (current === -1 && kind !== 'header') fail('the file must start with its header line');
    if (index < current || (index === 0 && current === 0))
      fail(`a "${String(kind)}" line cannot follow "${this.section}" lines`);
    if (index === current) {
      this.counted++;
      return;
    }
    // Leaving a section: it held exactly what the header announced.
    if (this.section !== null && this.section !== 'header') this.checkCount(this.section, fail);
    for (const skipped of SECTIONS.slice(current + 1, index))
      if (skipped !== 'header') this.checkCount(skipped, fail, 0);
    this.section = kind as Section;
    this.counted = 1;
    if (index > SECTIONS.indexOf('patient-key')) this.checkErasedKeysOnce(fail);
  }

  private checkCount(section: Section, fail: (reason: string) => never, counted = this.counted): void {
    const counts = this.header!.counts;
    const expected =
      section === 'event' ? counts.events : section === 'patient-key' ? counts.patientKeys : counts.accessRecords;
    if (section !== 'end' && counted !== expected)
      fail(`the header announced ${expected} "${section}" lines, the file has ${counted}`);
  }

  private checkHeader(header: StoreFileHeader, fail: (reason: string) => never): void {
    if (header.format !== STORE_FILE_FORMAT)
      fail(`not a CareTrail store export (format ${JSON.stringify(header.format)})`);
    if (header.version !== STORE_FILE_VERSION)
      fail(
        `format version ${JSON.stringify(header.version)} is not supported (this release reads ${STORE_FILE_VERSION})`,
      );
    const counts = header.counts as Record<string, unknown> | undefined;
    for (const name of ['events', 'patientKeys', 'accessRecords'])
      if (!isCount(counts?.[name])) fail(`counts.${name} must be a non-negative integer`);
    if (!isCount(header.headPosition)) fail('headPosition must be a non-negative integer');
    if (typeof header.exportId !== 'string' || !UUID.test(header.exportId)) fail('exportId must be a UUID');
    this.header = header;
  }

  private checkEvent(event: EventLine, fail: (reason: string) => never): void {
    if (!isPositive(event.position)) fail('position must be a positive integer');
    if (event.position > this.header!.headPosition)
      fail(`position ${event.position} is past the header's headPosition`);
    if (typeof event.transactionId !== 'string' || !DECIMAL.test(event.transactionId))
      fail('transactionId must be a decimal transaction id');
    for (const name of ['streamId', 'type', 'data', 'metadata'] as const)
      if (typeof event[name] !== 'string' || event[name].length === 0) fail(`${name} must be a non-empty string`);
    if (typeof event.eventId !== 'string' || !UUID.test(event.eventId)) fail('eventId must be a UUID');
    if (!isPositive(event.streamVersion)) fail('streamVersion must be a positive integer');
    if (!isPositive(event.schemaVersion)) fail('schemaVersion must be a positive integer');
    if (!isInstant(event.recordedAt)) fail('recordedAt must be an instant in UTC with milliseconds');
    if (event.occurredAt !== null && !isInstant(event.occurredAt))
      fail('occurredAt must be null or an instant in UTC with milliseconds');
    const head = this.streams.get(event.streamId);
    const expectedVersion = (head?.version ?? 0) + 1;
    if (event.streamVersion !== expectedVersion)
      fail(`${event.streamId} version ${event.streamVersion} follows version ${expectedVersion - 1}`);
    if (event.previousHash !== (head?.hash ?? null))
      fail(`the previous hash of ${event.streamId} version ${event.streamVersion} is not its predecessor's hash`);
    if (typeof event.hash !== 'string' || !HEX64.test(event.hash)) fail('hash must be 64 hex digits');
    if (eventLineHash(event) !== event.hash)
      fail(`the hash of ${event.streamId} version ${event.streamVersion} does not match its content`);
    this.streams.set(event.streamId, { version: event.streamVersion, hash: event.hash });
    if (event.type === 'PatientDataErased') {
      const patientId = patientIdOf(event.data);
      if (patientId !== null) this.erased.set(patientId, this.nextLine);
    }
  }

  private checkKey(key: PatientKeyLine, fail: (reason: string) => never): void {
    if (typeof key.patientId !== 'string' || key.patientId.length === 0 || key.patientId.length > 200)
      fail('patientId must be 1 to 200 characters');
    if (key.patientId <= this.lastKey) fail('patient keys must be in patient id order, each once');
    this.lastKey = key.patientId;
    if (!isInstant(key.createdAt)) fail('createdAt must be an instant in UTC with milliseconds');
    if (key.key === null) {
      if (!isInstant(key.destroyedAt)) fail('a destroyed key needs destroyedAt');
    } else {
      if (typeof key.key !== 'string' || Buffer.from(key.key, 'base64').length !== 32)
        fail('key must be 32 bytes in base64, or null');
      if (key.destroyedAt !== null) fail('a key with destroyedAt must be null');
      const erasedAt = this.erased.get(key.patientId);
      if (erasedAt !== undefined) fail(`${key.patientId} was erased (line ${erasedAt}): their key must stay destroyed`);
    }
    this.keyed.add(key.patientId);
  }

  private checkAccessRecord(record: AccessRecordLine, fail: (reason: string) => never): void {
    if (!isPositive(record.id) || record.id <= this.lastAccessId) fail('access record ids must increase');
    this.lastAccessId = record.id;
    if (!Number.isInteger(record.chain) || record.chain < 0 || record.chain > 1023) fail('chain must be 0 to 1023');
    if (!isInstant(record.recordedAt)) fail('recordedAt must be an instant in UTC with milliseconds');
    if (typeof record.hash !== 'string' || !HEX64.test(record.hash)) fail('hash must be 64 hex digits');
    const previous = this.chains.get(record.chain) ?? GENESIS;
    if (record.previousHash !== previous)
      fail(`access record ${record.id} does not link to the previous record of chain ${record.chain}`);
    if (typeof record.detail !== 'object' || record.detail === null) fail('detail must be an object');
    if (this.accessRecordHash(record) !== record.hash)
      fail(`the hash of access record ${record.id} does not match its content`);
    this.chains.set(record.chain, record.hash);
  }

  private erasedChecked = false;

  /** Once the keys are over: every erased patient has a destroyed key, so none can be made for them. */
  private checkErasedKeysOnce(fail: (reason: string) => never): void {
    if (this.erasedChecked) return;
    this.erasedChecked = true;
    for (const [patientId, line] of this.erased)
      if (!this.keyed.has(patientId))
        fail(`${patientId} was erased (line ${line}) but the file holds no destroyed key for them`);
  }
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isPositive(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

function isInstant(value: unknown): value is string {
  return typeof value === 'string' && INSTANT.test(value) && !Number.isNaN(Date.parse(value));
}

function patientIdOf(data: string): string | null {
  const parsed = JSON.parse(data) as { patientId?: unknown };
  return typeof parsed.patientId === 'string' ? parsed.patientId : null;
}
