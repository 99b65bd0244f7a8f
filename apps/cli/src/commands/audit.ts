import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyAccessChain, type AccessChainReport } from '@caretrail/access-log';
import { anchorLog, verifyEventChain, type ChainReport, type LogAnchor } from '@caretrail/event-store';
import { withStoreOrServer } from './local-or-server';

export const AUDIT_USAGE = `  npm run cli -- audit verify [--anchor <file>]
      Walks the hash chains of the event log and of the access log and
      reports the first broken link (exit 1 when the store was tampered with). With
      --anchor, also recomputes an anchor saved earlier and compares.
  npm run cli -- audit anchor [--out <file>] [--up-to <position>]
      Prints (or saves) a digest of the log to keep outside the database.`;

type Print = (line: string) => void;

/** `audit verify` and `audit anchor`; returns the exit code. */
export async function audit(argv: string[], out: Print, err: Print): Promise<number> {
  const [sub, ...rest] = argv;
  let values: { anchor?: string; out?: string; 'up-to'?: string };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { anchor: { type: 'string' }, out: { type: 'string' }, 'up-to': { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    err((error as Error).message);
    return 2;
  }
  if (sub === 'verify') return verify(values.anchor, out, err);
  if (sub === 'anchor') {
    const upTo = values['up-to'] === undefined ? undefined : Number(values['up-to']);
    if (upTo !== undefined && (!Number.isSafeInteger(upTo) || upTo < 0)) {
      err('--up-to must be a position (a non-negative integer)');
      return 2;
    }
    const { result } = await anchor(upTo);
    const text = JSON.stringify({ ...result, takenAt: new Date().toISOString() }, null, 2);
    if (values.out) writeFileSync(values.out, `${text}\n`);
    out(text);
    return 0;
  }
  err(`Unknown audit command "${sub ?? ''}".\n${AUDIT_USAGE}`);
  return 2;
}

async function verify(anchorFile: string | undefined, out: Print, err: Print): Promise<number> {
  let saved: LogAnchor | undefined;
  if (anchorFile) {
    try {
      saved = JSON.parse(readFileSync(anchorFile, 'utf8')) as LogAnchor;
    } catch (error) {
      err(`Cannot read the anchor ${anchorFile}: ${(error as Error).message}`);
      return 2;
    }
    if (typeof saved.digest !== 'string' || !Number.isSafeInteger(saved.position)) {
      err(`${anchorFile} is not an anchor written by "audit anchor"`);
      return 2;
    }
  }
  const { result } = await withStoreOrServer<{ events: ChainReport; accessLog: AccessChainReport }>(
    async (_store, sql) => ({
      events: await verifyEventChain(sql, sql.schema),
      accessLog: await verifyAccessChain(sql),
    }),
    (server) => server.json('GET', '/admin/integrity/verify'),
  );
  const { events: report, accessLog } = result;
  if (!report.ok) {
    const b = report.firstBreak!;
    err(
      `BROKEN: ${b.reason} in ${b.streamId}${b.streamVersion === null ? '' : ` at version ${b.streamVersion}`}${b.position === null ? '' : `, position ${b.position}`}`,
    );
    return 1;
  }
  if (!accessLog.ok) {
    // Every broken chain, each with its first break (docs/audit.md).
    for (const b of accessLog.breaks ?? [accessLog.firstBreak!])
      err(`BROKEN: access log chain ${b.chain ?? 0}: ${b.reason} at record ${b.id}`);
    return 1;
  }
  out(`ok: ${report.eventsChecked} events, every chain intact`);
  out(`ok: ${accessLog.recordsChecked} access records in ${accessLog.chains?.length ?? 1} chains, every chain intact`);
  if (accessLog.checkpoint) out(`access log checkpoint: ${accessLog.checkpoint}`);
  if (saved) {
    const { result: now } = await anchor(saved.position);
    if (now.digest !== saved.digest) {
      err(
        `BROKEN: the log up to position ${saved.position} no longer matches the anchor (${saved.digest.slice(0, 16)}…)`,
      );
      return 1;
    }
    out(`ok: the log up to position ${saved.position} matches the anchor`);
  }
  return 0;
}

function anchor(upTo: number | undefined): Promise<{ result: LogAnchor }> {
  return withStoreOrServer<LogAnchor>(
    (_store, sql) => anchorLog(sql, sql.schema, upTo),
    (server) => server.json('GET', `/admin/integrity/anchor${upTo === undefined ? '' : `?upTo=${upTo}`}`),
  );
}
