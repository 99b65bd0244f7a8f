import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parseArgs } from 'node:util';
import {
  AccessLog,
  csvHeader,
  csvLine,
  ndjsonLine,
  type AccessLogFilter,
  type ExportFormat,
} from '@caretrail/access-log';
import {
  DataDirectoryLocked,
  eventStoreConfigFromEnv,
  PgliteDatabase,
  PostgresDatabase,
  type SqlDatabase,
} from '@caretrail/event-store';
import { adminToken, apiBaseUrl, operator, ServerFailed } from './local-or-server';
import { ISO_INSTANT } from '@caretrail/domain';

export const AUDIT_EXPORT_USAGE = `  npm run cli -- audit export [--format csv|ndjson] [--from <instant>] [--to <instant>]
                              [--patient <id>] [--user <id>] [--out <file>]
      Streams the access log (oldest first) through the running API
      (CARETRAIL_API_URL, default http://127.0.0.1:$PORT) as an admin: with
      CARETRAIL_TOKEN, else a token signed by the local key in DATA_DIR. When
      no server answers it reads the database itself: PostgreSQL
      (DATABASE_URL) directly, the embedded store only if no process holds
      DATA_DIR. The export is itself recorded in the access log.`;

type Print = (line: string) => void;

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

interface ExportRequest {
  format: ExportFormat;
  filter: AccessLogFilter;
  out: string | undefined;
}

/** `audit export`; returns the exit code. `stdout` receives the export when no --out is given. */
export async function auditExport(
  argv: string[],
  out: Print,
  err: Print,
  stdout: Writable = process.stdout,
): Promise<number> {
  const request = parse(argv, err);
  if (typeof request === 'number') return request;
  const target = (): Writable => (request.out ? createWriteStream(request.out) : stdout);

  const fromServer = await exportFromServer(request, target, err);
  if (fromServer !== 'no-server') return fromServer;
  return exportFromDatabase(request, target, out, err);
}

function parse(argv: string[], err: Print): ExportRequest | number {
  let values: Partial<Record<'format' | 'from' | 'to' | 'patient' | 'user' | 'out', string>>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        format: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        patient: { type: 'string' },
        user: { type: 'string' },
        out: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    err((error as Error).message);
    return 2;
  }
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'ndjson') {
    err('--format must be csv or ndjson');
    return 2;
  }
  for (const name of ['from', 'to'] as const) {
    const value = values[name];
    if (value !== undefined && (!ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value)))) {
      err(`--${name} must be an instant with its offset, e.g. 2026-03-01T00:00:00Z`);
      return 2;
    }
  }
  for (const name of ['patient', 'user'] as const) {
    const value = values[name];
    if (value !== undefined && !ID.test(value)) {
      err(`--${name} must be 1 to 64 letters, digits, "-" or "_"`);
      return 2;
    }
  }
  const filter: AccessLogFilter = {
    ...(values.patient === undefined ? {} : { patientId: values.patient }),
    ...(values.user === undefined ? {} : { userId: values.user }),
    ...(values.from === undefined ? {} : { from: values.from }),
    ...(values.to === undefined ? {} : { to: values.to }),
  };
  return { format, filter, out: values.out };
}

async function exportFromServer(
  request: ExportRequest,
  target: () => Writable,
  err: Print,
): Promise<number | 'no-server'> {
  const base = apiBaseUrl();
  const query = new URLSearchParams({ format: request.format, order: 'asc' });
  const { patientId, userId, from, to } = request.filter;
  if (patientId) query.set('patient', patientId);
  if (userId) query.set('user', userId);
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  let response: Response;
  try {
    const token = await adminToken();
    response = await fetch(`${base}/audit?${query.toString()}`, { headers: { Authorization: `Bearer ${token}` } });
  } catch (error) {
    if (error instanceof ServerFailed) {
      err(error.message);
      return 2;
    }
    return 'no-server';
  }
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => ({}))) as { detail?: string };
    err(`GET /audit answered ${response.status}: ${body.detail ?? 'no detail'}`);
    return 1;
  }
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), target());
  return 0;
}

/**
 * No server answered. PostgreSQL is shared safely by any number of
 * processes; the embedded store is opened only when no process holds its
 * data directory (the lock refuses otherwise). Nothing is migrated: the
 * command reads, and appends its own access record.
 */
async function exportFromDatabase(
  request: ExportRequest,
  target: () => Writable,
  out: Print,
  err: Print,
): Promise<number> {
  const config = eventStoreConfigFromEnv();
  let database: SqlDatabase;
  if (config.databaseUrl) {
    database = new PostgresDatabase({
      connectionString: config.databaseUrl,
      schema: config.schema,
      poolSize: 2,
      applicationName: 'caretrail-cli',
    });
  } else {
    try {
      database = await PgliteDatabase.open({ dataDir: config.dataDir ?? './data', schema: config.schema });
    } catch (error) {
      if (error instanceof DataDirectoryLocked) {
        err(`No server answers, and ${error.message} Export through that server (CARETRAIL_API_URL) or stop it first.`);
        return 1;
      }
      throw error;
    }
  }
  try {
    const log = new AccessLog(database);
    const user = operator();
    await log.append({
      recordedAt: new Date().toISOString(),
      userId: user,
      role: 'admin',
      patientId: request.filter.patientId ?? null,
      category: 'access log',
      action: 'export',
      outcome: 'allowed',
      status: 200,
      method: 'CLI',
      route: 'audit export',
      clientAddress: null,
      correlationId: randomUUID(),
      detail: { filters: { ...request.filter, format: request.format }, via: 'database' },
    });
    const sink = target();
    if (request.format === 'csv') sink.write(csvHeader());
    for await (const record of log.stream(request.filter, 'asc')) {
      if (!sink.write(request.format === 'csv' ? csvLine(record) : ndjsonLine(record))) await once(sink, 'drain');
    }
    if (request.out) {
      const finished = once(sink, 'finish');
      sink.end();
      await finished;
      out(`Exported the access log to ${request.out} (read from the database: no server answered).`);
    }
    return 0;
  } finally {
    await database.close();
  }
}
