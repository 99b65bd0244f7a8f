import { parseArgs } from 'node:util';
import type { EventStore, SqlDatabase } from '@caretrail/event-store';
import { ProjectionHost, UnknownProjection, type ProjectionStatus } from '@caretrail/projections';
import { readModels, type ReadModel } from '@caretrail/read-models';
import { progressLine } from '@caretrail/admin-tasks';
import { authConfigFromEnv } from '@caretrail/security';
import { openStore, stderrProgress, UsageError, type CliIo } from './cli-io';
import { adminToken, apiBaseUrl } from './local-or-server';

export const PROJECTIONS_USAGE = `  npm run cli -- projections status [--json]
  npm run cli -- projections rebuild <name> [--no-wait]
  npm run cli -- projections pause <name>
  npm run cli -- projections resume <name>
      Read models: ${readModels.map((m) => m.name).join(', ')}. Talks to the running
      server's admin API at CARETRAIL_API_URL (default http://127.0.0.1:$PORT, PORT
      3000) with CARETRAIL_TOKEN, or an admin token signed by the local key in
      DATA_DIR. With no server answering it works on the store itself; a
      rebuild then runs to completion in the foreground. A rebuild shows its
      progress and ETA on stderr until the new tables take over.`;

const SUBCOMMANDS = ['status', 'rebuild', 'pause', 'resume'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

export interface ProjectionsArgs {
  sub: Subcommand;
  name: string | null;
  json: boolean;
  wait: boolean;
}

/** Parses `projections ...`; throws UsageError with what to type instead. */
export function parseProjectionsArgs(
  argv: string[],
  known: readonly string[] = readModels.map((m) => m.name),
): ProjectionsArgs {
  let values: { json?: boolean; 'no-wait'?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, 'no-wait': { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [sub, name, ...extra] = positionals;
  if (sub === undefined) throw new UsageError(`projections needs a command: ${SUBCOMMANDS.join(', ')}`);
  if (!(SUBCOMMANDS as readonly string[]).includes(sub))
    throw new UsageError(`Unknown projections command "${sub}": use ${SUBCOMMANDS.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`);
  if (sub === 'status') {
    if (name !== undefined) throw new UsageError('projections status takes no name: it lists every read model');
    if (values['no-wait']) throw new UsageError('--no-wait applies to rebuild only');
    return { sub, name: null, json: values.json === true, wait: true };
  }
  if (name === undefined)
    throw new UsageError(`projections ${sub} needs the name of a read model: ${known.join(', ')}`);
  if (!known.includes(name))
    throw new UsageError(`There is no read model named "${name}": use one of ${known.join(', ')}`);
  if (values.json) throw new UsageError('--json applies to status only');
  if (values['no-wait'] && sub !== 'rebuild') throw new UsageError('--no-wait applies to rebuild only');
  return { sub: sub as Subcommand, name, json: false, wait: !values['no-wait'] };
}

/** What the command needs from wherever the read models run: the server's admin API or a host of its own. */
export interface ProjectionControl {
  readonly where: string;
  status(): Promise<ProjectionStatus[]>;
  rebuild(name: string): Promise<{ generation: number }>;
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  close(): Promise<void>;
}

/** The server did not answer at all (connection refused): nothing runs there. */
export class NoServer extends Error {}

/** The command could not do what was asked (exit code 1). */
export class CommandFailed extends Error {}

/** The server answered with an error. */
export class ServerRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The running server's admin API (`/admin/projections`), as an admin. */
export class ServerControl implements ProjectionControl {
  constructor(
    private readonly base: string,
    private readonly token: () => Promise<string>,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  get where(): string {
    return `the server at ${this.base}`;
  }

  status(): Promise<ProjectionStatus[]> {
    return this.call<ProjectionStatus[]>('GET', '/admin/projections');
  }

  rebuild(name: string): Promise<{ generation: number }> {
    return this.call('POST', `/admin/projections/${encodeURIComponent(name)}/rebuild`);
  }

  async pause(name: string): Promise<void> {
    await this.call('POST', `/admin/projections/${encodeURIComponent(name)}/pause`);
  }

  async resume(name: string): Promise<void> {
    await this.call('POST', `/admin/projections/${encodeURIComponent(name)}/resume`);
  }

  async close(): Promise<void> {
    // Nothing to release: each call is a request of its own.
  }

  /** One admin request; a problem answer becomes ServerRefused, no answer at all NoServer. */
  async call<R>(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<R> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.base}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${await this.token()}`,
          Accept: 'application/json',
          ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      if (cause?.code === 'ECONNREFUSED') throw new NoServer(`nothing answers at ${this.base}`);
      throw new CommandFailed(`${method} ${this.base}${path} failed: ${cause?.message ?? (error as Error).message}`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = { detail: text.slice(0, 200) };
    }
    if (!response.ok) {
      const problem = body as { detail?: string; title?: string };
      const detail = problem.detail ?? problem.title ?? response.statusText;
      if (response.status === 401 || response.status === 403) {
        throw new ServerRefused(
          response.status,
          `${this.where} refused the admin token (${response.status}: ${detail}). Set CARETRAIL_TOKEN to a token with the admin role that this server accepts.`,
        );
      }
      throw new ServerRefused(response.status, `${method} ${path} answered ${response.status}: ${detail}`);
    }
    return body as R;
  }
}

/**
 * A projection host of this process, on the store opened here (no server
 * runs). Nothing projects unless a rebuild is asked for: status, pause and
 * resume only read or write the registry.
 */
export class LocalControl implements ProjectionControl {
  private readonly host: ProjectionHost;
  private builder: ProjectionHost | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlDatabase,
    private readonly definitions: readonly ReadModel[],
  ) {
    this.host = new ProjectionHost(store, sql, definitions);
  }

  get where(): string {
    return this.sql.backend === 'pglite'
      ? 'the embedded store (no server running)'
      : 'PostgreSQL directly (no server answering)';
  }

  status(): Promise<ProjectionStatus[]> {
    return (this.builder ?? this.host).status();
  }

  /**
   * Rebuilds into a new generation with a host that runs this read model only,
   * checking the registry often so the switch-over follows the catch-up closely.
   * A read model that never ran is simply built: its first generation starts empty.
   */
  async rebuild(name: string): Promise<{ generation: number }> {
    const definition = this.definitions.find((d) => d.name === name);
    if (!definition) throw new UnknownProjection(name);
    const registered = (await this.host.status()).some((s) => s.name === name);
    this.builder = new ProjectionHost(this.store, this.sql, [definition], { reconcileMs: 200 });
    await this.builder.start();
    return registered ? this.builder.rebuild(name) : { generation: 1 };
  }

  async pause(name: string): Promise<void> {
    await this.registryOnly(name, (host) => host.pause(name));
  }

  async resume(name: string): Promise<void> {
    await this.registryOnly(name, (host) => host.resume(name));
  }

  async close(): Promise<void> {
    await this.builder?.stop();
    await this.store.close();
  }

  /**
   * pause/resume write the registry and then reconcile, which would start
   * runners; a stopped host only writes the registry (the flag is honoured by
   * whichever host starts next).
   */
  private async registryOnly(name: string, work: (host: ProjectionHost) => Promise<void>): Promise<void> {
    await this.host.stop();
    if (!(await this.host.status()).some((s) => s.name === name)) {
      throw new CommandFailed(`${name} has never run on this store: there is nothing to pause or resume yet.`);
    }
    await work(this.host);
  }
}

export interface ProjectionsDeps {
  /** The server's admin API; default: CARETRAIL_API_URL with CARETRAIL_TOKEN or a local admin token. */
  server?: ProjectionControl;
  /** Opens the store when no server answers; default: DATABASE_URL or the embedded store. */
  openLocal?: (io: CliIo) => Promise<ProjectionControl | null>;
  /** Milliseconds between status polls while a rebuild runs (default 500). */
  pollMs?: number;
}

/** `npm run cli -- projections ...`; returns the exit code. */
export async function projectionsCommand(argv: string[], io: CliIo, deps: ProjectionsDeps = {}): Promise<number> {
  const args = parsedOrUsage(() => parseProjectionsArgs(argv), PROJECTIONS_USAGE, io);
  if (args === null) return 2;
  const server = deps.server ?? defaultServer(io);
  if (server === null) return 2;
  return onServerOrLocal(
    server,
    () => (deps.openLocal ?? openLocalControl)(io),
    (control) => runOn(control, args, io, deps.pollMs),
    (error) => failed(error, io),
  );
}

/** The parsed arguments, or null after printing the mistake and the usage (exit code 2). */
export function parsedOrUsage<A>(parse: () => A, usage: string, io: CliIo): A | null {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${usage}`);
    return null;
  }
}

/**
 * Runs a command on the server's admin API and, when nothing answers there, on the store opened
 * here (the embedded store's lock refuses if a server holds it after all). `failed` turns a
 * refusal into an exit code.
 */
export async function onServerOrLocal<C extends { close(): Promise<void> }>(
  server: C,
  openLocal: () => Promise<C | null>,
  run: (control: C) => Promise<number>,
  failed: (error: unknown) => number,
): Promise<number> {
  try {
    return await run(server);
  } catch (error) {
    if (!(error instanceof NoServer)) return failed(error);
  }
  const local = await openLocal();
  if (!local) return 1;
  try {
    return await run(local);
  } catch (error) {
    return failed(error);
  } finally {
    await local.close();
  }
}

/** The running server's admin API as an admin, or null (exit code 2) when no token can be had. */
export function defaultServer(io: CliIo): ServerControl | null {
  const config = authConfigFromEnv();
  if (!process.env['CARETRAIL_TOKEN'] && config.issuer) {
    io.err(`OIDC_ISSUER is set (${config.issuer}): set CARETRAIL_TOKEN to an admin token from that issuer.`);
    return null;
  }
  let token: Promise<string> | undefined;
  return new ServerControl(apiBaseUrl(), () => (token ??= adminToken()));
}

async function openLocalControl(io: CliIo): Promise<ProjectionControl | null> {
  const opened = await openStore(io, 'projections');
  return opened && new LocalControl(opened.store, opened.sql, readModels);
}

function failed(error: unknown, io: CliIo): number {
  if (error instanceof UnknownProjection || (error instanceof ServerRefused && error.status === 404)) {
    io.err(`${error.message}\n\n${PROJECTIONS_USAGE}`);
    return 2;
  }
  if (error instanceof ServerRefused || error instanceof CommandFailed) {
    io.err(error.message);
    return 1;
  }
  throw error;
}

async function runOn(control: ProjectionControl, args: ProjectionsArgs, io: CliIo, pollMs = 500): Promise<number> {
  switch (args.sub) {
    case 'status': {
      const status = await control.status();
      io.out(args.json ? JSON.stringify(status, null, 2) : statusTable(status, control.where));
      return 0;
    }
    case 'pause':
      await control.pause(args.name!);
      io.out(`${args.name} paused on ${control.where}: it finishes the batch in hand, then holds its place.`);
      return 0;
    case 'resume':
      await control.resume(args.name!);
      io.out(`${args.name} resumed on ${control.where}.`);
      return 0;
    case 'rebuild': {
      const { generation } = await control.rebuild(args.name!);
      if (!args.wait) {
        io.out(
          `${args.name}: rebuilding into generation ${generation} on ${control.where}; the current tables serve until it has caught up.`,
        );
        return 0;
      }
      const seconds = await watchRebuild(control, args.name!, generation, io, pollMs);
      io.out(`${args.name}: generation ${generation} took over after ${seconds.toFixed(1)} s (${control.where}).`);
      return 0;
    }
  }
}

/**
 * Polls status until the new generation serves: a progress bar with the rate
 * (measured from the build's own checkpoint over the last 10 s) and the ETA on stderr.
 */
async function watchRebuild(
  control: ProjectionControl,
  name: string,
  generation: number,
  io: CliIo,
  pollMs: number,
): Promise<number> {
  const progress = io.progress ?? stderrProgress();
  const started = Date.now();
  const label = `rebuilding ${name} (generation ${generation})`;
  const samples: Array<{ at: number; position: number }> = [];
  for (;;) {
    const entry = (await control.status()).find((s) => s.name === name);
    if (!entry) throw new CommandFailed(`${name} is no longer listed by ${control.where}`);
    // The first generation of a read model that never ran builds in place: it is done when caught up.
    const first = entry.generation === generation && generation === 1 && entry.lagEvents > 0;
    const building =
      entry.rebuild?.generation === generation ? entry.rebuild.checkpoint : first ? entry.checkpoint : null;
    if (building === null && entry.generation >= generation) {
      progress(`${label} [${'#'.repeat(30)}] 100.0 %  done`, true);
      return (Date.now() - started) / 1000;
    }
    if (building === null)
      throw new CommandFailed(
        `${name}: generation ${generation} is no longer being built (another rebuild replaced it?)`,
      );
    if (entry.state === 'failed' && entry.lastError) {
      progress(`${label}: failed`, true);
      throw new CommandFailed(
        `${name}: the rebuild stopped at event ${entry.lastError.eventId ?? '?'}: ${entry.lastError.message}`,
      );
    }
    const now = Date.now();
    const position = building.position;
    samples.push({ at: now, position });
    while (samples.length > 2 && now - samples[0]!.at > 10_000) samples.shift();
    const oldest = samples[0]!;
    const rate = now > oldest.at ? ((position - oldest.position) * 1000) / (now - oldest.at) : 0;
    // progressLine derives the rate and ETA from done/seconds: pass the seconds the recent rate implies.
    const head = Math.max(entry.headPosition, position);
    progress(progressLine(label, position, head, rate > 0 ? position / rate : 0));
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

function statusTable(status: ProjectionStatus[], where: string): string {
  const header = [
    'read model',
    'state',
    'generation',
    'checkpoint',
    'head',
    'lag events',
    'lag s',
    'events/s',
    'rebuild',
    'last error',
  ];
  const rows = status.map((s) => [
    s.name,
    s.state,
    String(s.generation),
    s.checkpoint.position.toLocaleString('en-US'),
    s.headPosition.toLocaleString('en-US'),
    s.lagEvents.toLocaleString('en-US'),
    s.lagSeconds.toFixed(1),
    Math.round(s.eventsPerSecond).toLocaleString('en-US'),
    s.rebuild ? `gen ${s.rebuild.generation}: ${(s.rebuild.progress * 100).toFixed(1)} %` : '-',
    s.lastError ? `${s.lastError.message}${s.lastError.eventId ? ` (event ${s.lastError.eventId})` : ''}` : '-',
  ]);
  const missing = readModels.map((m) => m.name).filter((n) => !status.some((s) => s.name === n));
  return [
    `Read models on ${where}:`,
    ...tableLines(header, rows),
    ...(missing.length > 0
      ? [`Not started yet (they build when a server or projector starts): ${missing.join(', ')}`]
      : []),
  ].join('\n');
}

/** A header, a rule and the rows, each column as wide as its widest cell. */
export function tableLines(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
