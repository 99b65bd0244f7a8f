import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AccessLog } from '@caretrail/access-log';
import type { EventStore, SqlDatabase } from '@caretrail/event-store';
import {
  ParkedEventSkipped,
  ProjectionHost,
  UnknownParkedEvent,
  UnknownProjection,
  type ParkedEvent,
  type RetryOutcome,
} from '@caretrail/projections';
import { readModels } from '@caretrail/read-models';
import { openStore, UsageError, type CliIo } from './cli-io';
import { operator } from './local-or-server';
import {
  defaultServer,
  onServerOrLocal,
  parsedOrUsage,
  ServerRefused,
  tableLines,
  type ServerControl,
} from './projections';

export const PARKED_USAGE = `  npm run cli -- projections parked <name> [--json]
  npm run cli -- projections parked <name> retry <eventId|all>
  npm run cli -- projections parked <name> skip <eventId> --reason <why>
      Events a read model parked (PROJECTION_POISON_POLICY=park; docs/read-models.md,
      "Parked events"): list them, retry one or all (the process holding the patient's
      shard re-derives their rows; what it has not done within a few seconds is queued),
      or skip one with a reason. Through the server's admin API like the other
      projections commands, or on the store itself when no server answers.`;

export type ParkedArgs =
  | { sub: 'list'; name: string; json: boolean }
  | { sub: 'retry'; name: string; eventId: string | 'all' }
  | { sub: 'skip'; name: string; eventId: string; reason: string };

/** Parses `projections parked ...` (the words after `parked`); throws UsageError with what to type instead. */
export function parseParkedArgs(argv: string[], known: readonly string[] = readModels.map((m) => m.name)): ParkedArgs {
  let values: { json?: boolean; reason?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, reason: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [name, sub, eventId, ...extra] = positionals;
  if (name === undefined)
    throw new UsageError(`projections parked needs the name of a read model: ${known.join(', ')}`);
  if (!known.includes(name))
    throw new UsageError(`There is no read model named "${name}": use one of ${known.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`);
  if (sub === undefined) {
    if (values.reason !== undefined) throw new UsageError('--reason applies to skip only');
    return { sub: 'list', name, json: values.json === true };
  }
  if (values.json) throw new UsageError('--json applies to the list only');
  if (sub !== 'retry' && sub !== 'skip') throw new UsageError(`Unknown parked command "${sub}": use retry or skip`);
  if (eventId === undefined)
    throw new UsageError(`projections parked ${name} ${sub} needs an event id${sub === 'retry' ? ' or all' : ''}`);
  if (eventId !== 'all' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(eventId))
    throw new UsageError(`"${eventId}" is not an event id (a UUID)`);
  if (sub === 'retry') {
    if (values.reason !== undefined) throw new UsageError('--reason applies to skip only');
    return { sub, name, eventId };
  }
  if (eventId === 'all') throw new UsageError('skip takes one event id: each skip records its own reason');
  const reason = values.reason?.trim() ?? '';
  if (reason.length < 1 || reason.length > 500)
    throw new UsageError('skip needs --reason, 1 to 500 characters: why the event stays unapplied');
  return { sub, name, eventId, reason };
}

/** What the command needs of wherever the read models are: the server's admin routes or a host of its own. */
export interface ParkedControl {
  readonly where: string;
  list(name: string, after?: number): Promise<{ items: ParkedEvent[]; nextAfter: number | null }>;
  retry(name: string, eventId: string | 'all'): Promise<RetryOutcome>;
  skip(name: string, eventId: string, reason: string): Promise<ParkedEvent>;
  close(): Promise<void>;
}

/** The server's `/admin/projections/{name}/parked` routes. */
export class ServerParked implements ParkedControl {
  constructor(private readonly server: ServerControl) {}

  get where(): string {
    return this.server.where;
  }

  list(name: string, after?: number): Promise<{ items: ParkedEvent[]; nextAfter: number | null }> {
    return this.server.call('GET', `${parkedPath(name)}?limit=200${after === undefined ? '' : `&after=${after}`}`);
  }

  retry(name: string, eventId: string | 'all'): Promise<RetryOutcome> {
    return this.server.call(
      'POST',
      eventId === 'all' ? `${parkedPath(name)}/retry` : `${parkedPath(name)}/${eventId}/retry`,
    );
  }

  skip(name: string, eventId: string, reason: string): Promise<ParkedEvent> {
    return this.server.call('POST', `${parkedPath(name)}/${eventId}/skip`, { reason });
  }

  async close(): Promise<void> {
    // Nothing to release: each call is a request of its own.
  }
}

const parkedPath = (name: string) => `/admin/projections/${encodeURIComponent(name)}/parked`;

/**
 * A projection host of this process on the store opened here, never started: it lists and skips
 * in the tables, and a retry records requests that the process holding each shard carries out
 * (a projector on PostgreSQL, or the API once it starts on the embedded store). Each command is
 * recorded in the access log as the API records its routes (docs/audit.md), by the operator.
 */
export class LocalParked implements ParkedControl {
  private readonly host: ProjectionHost;

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlDatabase,
    private readonly by = operator(),
  ) {
    this.host = new ProjectionHost(store, sql, readModels);
  }

  get where(): string {
    return this.sql.backend === 'pglite' ? 'the embedded store (no server running)' : 'PostgreSQL directly';
  }

  async list(name: string, after?: number): Promise<{ items: ParkedEvent[]; nextAfter: number | null }> {
    const items = await this.host.parkedEvents(name, { limit: 200, ...(after === undefined ? {} : { after }) });
    await this.record('query', 'list', null, { projection: name });
    return { items, nextAfter: items.length === 200 ? items.at(-1)!.position : null };
  }

  async retry(name: string, eventId: string | 'all'): Promise<RetryOutcome> {
    const patientId = eventId === 'all' ? null : (await this.host.parkedEvent(name, eventId)).patientId;
    const outcome = await this.host.retryParked(name, eventId, this.by);
    await this.record('control', 'retry', patientId, { projection: name, eventId }, 202);
    return outcome;
  }

  async skip(name: string, eventId: string, reason: string): Promise<ParkedEvent> {
    const skipped = await this.host.skipParked(name, eventId, this.by, reason);
    await this.record('control', 'skip', skipped.patientId, { projection: name, eventId });
    return skipped;
  }

  private async record(
    action: 'query' | 'control',
    command: string,
    patientId: string | null,
    detail: Record<string, unknown>,
    status = 200,
  ): Promise<void> {
    await new AccessLog(this.sql).append({
      recordedAt: new Date().toISOString(),
      userId: this.by,
      role: 'admin',
      patientId,
      category: 'read models',
      action,
      outcome: 'allowed',
      status,
      method: 'CLI',
      route: `projections parked ${command}`,
      clientAddress: null,
      correlationId: randomUUID(),
      detail: { ...detail, via: 'database' },
    });
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

export interface ParkedDeps {
  server?: ParkedControl;
  openLocal?: (io: CliIo) => Promise<ParkedControl | null>;
}

/** `npm run cli -- projections parked ...` (the words after `parked`); returns the exit code. */
export async function parkedCommand(argv: string[], io: CliIo, deps: ParkedDeps = {}): Promise<number> {
  const args = parsedOrUsage(() => parseParkedArgs(argv), PARKED_USAGE, io);
  if (args === null) return 2;
  let server = deps.server;
  if (!server) {
    const admin = defaultServer(io);
    if (admin === null) return 2;
    server = new ServerParked(admin);
  }
  return onServerOrLocal(
    server,
    () => (deps.openLocal ?? openLocalParked)(io),
    (control) => runOn(control, args, io),
    (error) => refused(error, io),
  );
}

async function openLocalParked(io: CliIo): Promise<ParkedControl | null> {
  const opened = await openStore(io, 'projections parked');
  return opened && new LocalParked(opened.store, opened.sql);
}

/** What the server or the host refused: exit code 1 with its reason. */
function refused(error: unknown, io: CliIo): number {
  if (
    error instanceof ServerRefused ||
    error instanceof UnknownProjection ||
    error instanceof UnknownParkedEvent ||
    error instanceof ParkedEventSkipped
  ) {
    io.err(error.message);
    return 1;
  }
  throw error;
}

async function runOn(control: ParkedControl, args: ParkedArgs, io: CliIo): Promise<number> {
  switch (args.sub) {
    case 'list': {
      const items: ParkedEvent[] = [];
      let after: number | undefined;
      do {
        const page = await control.list(args.name, after);
        items.push(...page.items);
        after = page.nextAfter ?? undefined;
      } while (after !== undefined);
      io.out(args.json ? JSON.stringify(items, null, 2) : parkedTable(args.name, items, control.where));
      return 0;
    }
    case 'retry': {
      const outcome = await control.retry(args.name, args.eventId);
      io.out(retryLines(outcome).join('\n'));
      return outcome.stillFailing.length > 0 ? 1 : 0;
    }
    case 'skip': {
      const skipped = await control.skip(args.name, args.eventId, args.reason);
      io.out(`${skipped.eventId} skipped by ${skipped.skippedBy} at ${skipped.skippedAt}: it stays unapplied.`);
      return 0;
    }
  }
}

function retryLines(outcome: RetryOutcome): string[] {
  const lines = [
    ...outcome.retried.map((eventId) => `${eventId} applied`),
    ...outcome.stillFailing.map(({ eventId, error }) => `${eventId} failed again: ${error}`),
    ...outcome.queued.map(
      (eventId) => `${eventId} queued: the process holding its patient's shard retries it when it runs`,
    ),
    ...outcome.withoutPatient.map((eventId) => `${eventId} not retried: parked without its patient (skip it)`),
  ];
  return lines.length > 0 ? lines : ['Nothing is parked: nothing to retry.'];
}

function parkedTable(name: string, items: readonly ParkedEvent[], where: string): string {
  if (items.length === 0) return `${name} has no parked events (${where}).`;
  const header = ['position', 'event', 'type', 'patient', 'state', 'retry asked', 'error'];
  const rows = items.map((p) => [
    String(p.position),
    p.eventId,
    p.type ?? '-',
    p.patientId ?? '-',
    p.state === 'skipped' ? `skipped by ${p.skippedBy}` : 'parked',
    p.retryRequestedAt ?? '-',
    p.state === 'skipped' ? `(${p.reason}) ${p.error}` : p.error,
  ]);
  return [`Parked events of ${name} on ${where}:`, ...tableLines(header, rows)].join('\n');
}
