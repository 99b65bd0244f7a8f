/**
 * The processes of the projections benchmark (test/bench/projections.bench.ts),
 * each started alone by support/run-ts.cjs so its memory is its own:
 *
 *   raw <url> <schema>               keyset read of every event, no processing
 *   rebuild <url> <schema> <name>    rebuild one read model from empty, to the switch-over
 *   projector <url> <schema>         every read model, running, until stdin closes
 *
 * Each reports JSON on stdout (the projector a line "ready" first).
 */
import { Client } from 'pg';
import { openEventStoreOn, PostgresDatabase, START, type Checkpoint, type OpenedStore } from '@caretrail/event-store';
import { ProjectionHost, type ProjectionStatus } from '@caretrail/projections';
import { readModels } from '@caretrail/read-models';
import { peakRssMiBOf } from './bench';

/**
 * Samples this process's resident set while work runs; returns the highest,
 * in MiB, or the kernel's high-water mark of this process's memory (/proc's
 * VmHWM) if that is higher, so a peak between two samples is never missed.
 * Not getrusage's maxRSS: on Linux it carries over the parent's resident set
 * at fork across exec, so every child of a large benchmark process would
 * report at least that.
 */
function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak / 2 ** 20, process.memoryUsage.rss() / 2 ** 20, peakRssMiBOf('self') ?? 0);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RawResult {
  events: number;
  seconds: number;
  batches: number;
  peakRssMiB: number;
  baselineRssMiB: number;
}

/** The baseline: `SELECT ... WHERE position > $1 ORDER BY position LIMIT 1000` until the end, the store's columns, no processing. */
async function raw(url: string, schema: string): Promise<RawResult> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const baselineRssMiB = process.memoryUsage.rss() / 2 ** 20;
  const rss = rssSampler();
  const start = process.hrtime.bigint();
  let after = 0;
  let events = 0;
  let batches = 0;
  for (;;) {
    const { rows } = await client.query<{ position: string }>(
      `SELECT position, transaction_id::text AS transaction_id, stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, occurred_at
       FROM "${schema}".events WHERE position > $1 ORDER BY position LIMIT 1000`,
      [after],
    );
    if (rows.length === 0) break;
    after = Number(rows[rows.length - 1]!.position);
    events += rows.length;
    batches++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await client.end();
  return { events, seconds, batches, peakRssMiB: rss.stop(), baselineRssMiB };
}

export interface RebuildResult {
  name: string;
  generation: number;
  events: number;
  /** From the rebuild's start until its checkpoint reached the head. */
  seconds: number;
  /** Until the new generation served (the host's switch-over). */
  switchSeconds: number;
  peakRssMiB: number;
  baselineRssMiB: number;
  rows: number;
}

/**
 * The last event in the global order, (transaction id, position): with
 * several writers the highest position is not always the last event read,
 * so a reader is caught up when its checkpoint reaches this, not the head.
 */
async function lastInOrder(sql: OpenedStore['sql'], schema: string): Promise<Checkpoint> {
  const { rows } = await sql.query<{ transaction_id: string; position: string }>(
    `SELECT transaction_id::text AS transaction_id, position FROM "${schema}".events
     ORDER BY transaction_id DESC, position DESC LIMIT 1`,
  );
  return rows[0] ? { transactionId: rows[0].transaction_id, position: Number(rows[0].position) } : START;
}

function reached(checkpoint: Checkpoint, last: Checkpoint): boolean {
  const [xid, lastXid] = [BigInt(checkpoint.transactionId), BigInt(last.transactionId)];
  return xid > lastXid || (xid === lastXid && checkpoint.position >= last.position);
}

async function open(url: string, schema: string): Promise<OpenedStore> {
  const sql = new PostgresDatabase({ connectionString: url, schema, applicationName: 'caretrail-bench projector' });
  return { store: await openEventStoreOn(sql), sql };
}

/**
 * Rebuilds one read model the way the admin's rebuild does: a host with that
 * read model, a new generation built from an empty table by the same runner
 * (batches of 1000, one transaction each), then the switch-over. The first
 * time, starting the host builds generation 1 from empty (the warm-up round).
 */
async function rebuild(url: string, schema: string, name: string): Promise<RebuildResult> {
  const definition = readModels.find((d) => d.name === name);
  if (!definition) throw new Error(`no read model ${name}`);
  const { store, sql } = await open(url, schema);
  const { events } = await store.lagAfter(START);
  const last = await lastInOrder(sql, schema);
  const host = new ProjectionHost(store, sql, [definition], { reconcileMs: 50 });
  const { rows: registered } = await sql.query(`SELECT 1 FROM "${schema}".projections WHERE name = $1`, [name]);
  const baselineRssMiB = process.memoryUsage.rss() / 2 ** 20;
  const rss = rssSampler();
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
  await host.start();
  const generation = registered.length > 0 ? (await host.rebuild(name)).generation : 1;
  let caughtUp = 0;
  let entry: ProjectionStatus | undefined;
  for (;;) {
    entry = (await host.status()).find((s) => s.name === name);
    if (entry?.lastError)
      throw new Error(`${name} failed at event ${entry.lastError.eventId}: ${entry.lastError.message}`);
    const building =
      entry?.rebuild?.generation === generation
        ? entry.rebuild.checkpoint
        : entry?.generation === generation
          ? entry.checkpoint
          : null;
    if (caughtUp === 0 && building && reached(building, last)) caughtUp = elapsed();
    if (caughtUp > 0 && entry?.generation === generation && entry.rebuild === null) break;
    await sleep(20);
  }
  const switchSeconds = elapsed();
  const peakRssMiB = rss.stop();
  await host.stop();
  const { table } = await host.activeTable(name);
  const { rows } = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`);
  await store.close();
  return {
    name,
    generation,
    events,
    seconds: caughtUp,
    switchSeconds,
    peakRssMiB,
    baselineRssMiB,
    rows: Number(rows[0]!.n),
  };
}

/** Every read model, running, as a projector process does, until the parent closes stdin. */
async function projector(url: string, schema: string): Promise<{ peakRssMiB: number }> {
  const { store, sql } = await open(url, schema);
  const host = new ProjectionHost(store, sql, readModels);
  const rss = rssSampler();
  await host.start();
  const last = await lastInOrder(sql, schema);
  for (;;) {
    const status = await host.status();
    if (status.length === readModels.length && status.every((s) => reached(s.checkpoint, last) && s.rebuild === null))
      break;
    await sleep(100);
  }
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => {
    process.stdin.on('end', resolve).on('close', resolve).resume();
  });
  await host.stop();
  await store.close();
  return { peakRssMiB: rss.stop() };
}

export async function main([mode, url, schema, name]: string[]): Promise<unknown> {
  if (!url || !schema) throw new Error('usage: projection-child raw|rebuild|projector <url> <schema> [name]');
  switch (mode) {
    case 'raw':
      return raw(url, schema);
    case 'rebuild':
      return rebuild(url, schema, name!);
    case 'projector':
      return projector(url, schema);
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}
